import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from setia.customers.models import Customer
from setia.history.models import AuditEntry
from setia.test import make_contact, make_store, make_subscription

NOW = datetime.datetime(2026, 3, 2, 3, 4, 5, tzinfo=datetime.UTC)


def _url(customer) -> str:
    return reverse("customers:customer-delete", args=[customer.code])


def _unchanged(customer) -> None:
    fresh = Customer.objects.get(pk=customer.pk)
    assert (fresh.deleted_at, fresh.deleted_by, fresh.version) == (None, None, 1)
    assert AuditEntry.objects.count() == 0


@time_machine.travel(NOW, tick=False)
def test_it_soft_deletes_and_records_it(client, executive, customer):
    make_contact(customer)
    make_store(customer)
    make_subscription(customer)
    client.force_login(executive)

    response = client.post(_url(customer))

    assert response.status_code == 302
    assert response.url == reverse("customers:customer-list")
    customer.refresh_from_db()
    assert customer.deleted_at == NOW
    assert customer.deleted_by == executive
    assert customer.version == 2
    assert customer.is_deleted is True
    # Soft: the related records stay for a restore.
    assert (customer.contacts.count(), customer.stores.count()) == (1, 1)
    assert hasattr(customer, "subscription")
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.customer, entry.object_type, entry.changes) == (
        AuditEntry.Action.DELETE,
        executive,
        customer,
        "customers.customer",
        {},
    )


def test_it_hides_the_customer_everywhere_afterwards(client, executive, customer):
    client.force_login(executive)

    client.post(_url(customer))
    listed = client.get(reverse("customers:customer-list"))
    detail = client.get(customer.get_absolute_url())

    assert list(listed.context["page"].object_list) == []
    assert detail.status_code == 404


def test_it_confirms_the_deletion_on_the_list(client, executive, customer):
    client.force_login(executive)

    response = client.post(_url(customer), follow=True)

    assert response.status_code == 200
    assert [message.level_tag for message in response.context["messages"]] == ["success"]
    assert "Batik Lestari" in response.text


def test_it_lets_a_manager_delete_any_teams_customer(client, manager, customer):
    client.force_login(manager)

    response = client.post(_url(customer))

    assert response.status_code == 302
    assert Customer.objects.get(pk=customer.pk).deleted_by == manager


def test_it_is_404_for_an_already_deleted_customer(client, executive, customer):
    Customer.objects.filter(pk=customer.pk).update(deleted_at=timezone.now(), version=2)
    client.force_login(executive)

    response = client.post(_url(customer))

    assert response.status_code == 404
    assert Customer.objects.get(pk=customer.pk).version == 2
    assert AuditEntry.objects.count() == 0


@pytest.mark.parametrize("persona", ["intern", "viewer"])
def test_it_forbids_interns_and_viewers(client, request, persona, customer):
    client.force_login(request.getfixturevalue(persona))

    response = client.post(_url(customer))

    assert response.status_code == 403
    _unchanged(customer)


def test_it_is_404_for_another_teams_executive(client, other_executive, customer):
    client.force_login(other_executive)

    response = client.post(_url(customer))

    assert response.status_code == 404
    _unchanged(customer)


def test_it_redirects_anonymous_visitors_to_log_in(client, customer):
    response = client.post(_url(customer))

    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={_url(customer)}"
    _unchanged(customer)


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_it_deletes_only_on_post(client, executive, customer, method):
    client.force_login(executive)

    response = getattr(client, method)(_url(customer))

    assert response.status_code == 405
    _unchanged(customer)
