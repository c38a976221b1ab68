import threading

import pytest
from django.db import IntegrityError, connection, transaction

from setia.engagement import actions
from setia.engagement.models import Interaction
from setia.history.models import TimelineEvent
from setia.lib.dates import now
from setia.test import make_contact, make_customer

SENDER = "6285712345678"


def _deliver() -> int:
    return actions.record_inbound_whatsapp(
        provider_id="wamid.SAME", sender=SENDER, text="Kak, checkout saya error", sent_at=now()
    )


def _contact():
    return make_contact(make_customer(), name="Sari", whatsapp=f"+{SENDER}")


@pytest.mark.django_db(transaction=True)
def test_it_records_one_message_of_two_identical_deliveries_at_once():
    _contact()
    results = []
    start = threading.Barrier(2)

    def deliver():
        try:
            start.wait()
            results.append(_deliver())
        finally:
            connection.close()  # each thread had its own connection

    if connection.vendor == "postgresql":
        threads = [threading.Thread(target=deliver) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    else:
        # SQLite lets one writer in at a time: the second delivery comes after the first, and
        # meets the same unique constraint.
        results = [_deliver(), _deliver()]

    assert sorted(results) == [0, 1]
    assert Interaction.objects.filter(provider_message_id="wamid.SAME").count() == 1
    assert TimelineEvent.objects.filter(kind="whatsapp").count() == 1


@pytest.mark.django_db
def test_it_lets_the_database_reject_a_second_interaction_of_one_provider_message():
    contact = _contact()
    _deliver()

    with pytest.raises(IntegrityError), transaction.atomic():
        Interaction.objects.create(
            customer=contact.customer,
            contact=contact,
            kind="whatsapp",
            provider_message_id="wamid.SAME",
        )


@pytest.mark.django_db
def test_it_allows_any_number_of_interactions_without_a_provider_message_id():
    contact = _contact()

    for _ in range(2):
        Interaction.objects.create(customer=contact.customer, contact=contact, kind="call")

    assert Interaction.objects.count() == 2
