import datetime

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser

from setia.customers import actions as customer_actions
from setia.history.actions import record_event
from setia.history.models import AuditEntry, TimelineEvent
from setia.test import make_contact

JAKARTA = datetime.timezone(datetime.timedelta(hours=7))


@time_machine.travel(datetime.datetime(2026, 11, 2, 9, 30, tzinfo=JAKARTA), tick=False)
def test_it_records_an_event_with_its_defaults(customer, executive):
    event = record_event(customer, "note", actor=executive, summary="Prefers calls after lunch")

    assert TimelineEvent.objects.get() == event
    assert event.customer == customer
    assert event.kind == "note"
    assert event.actor == executive
    assert event.summary == "Prefers calls after lunch"
    assert event.data == {}
    assert event.occurred_at == datetime.datetime(2026, 11, 2, 2, 30, tzinfo=datetime.UTC)
    assert (event.source_type, event.source_id) == ("", "")


def test_it_keeps_the_given_time_data_and_source(customer, executive):
    contact = make_contact(customer)
    when = datetime.datetime(2026, 3, 1, 8, 0, tzinfo=datetime.UTC)

    event = record_event(
        customer,
        "call",
        actor=executive,
        data={"outcome": "reached"},
        occurred_at=when,
        source_object=contact,
    )

    event.refresh_from_db()
    assert event.occurred_at == when
    assert event.data == {"outcome": "reached"}
    assert (event.source_type, event.source_id) == ("customers.contact", str(contact.pk))


@pytest.mark.parametrize("actor", [None, AnonymousUser()])
def test_it_records_the_system_when_there_is_no_person(customer, actor):
    event = record_event(customer, "import", actor=actor, summary="Batch 12")

    assert event.actor is None


def test_it_refuses_an_unknown_kind(customer):
    with pytest.raises(ValueError, match="unknown timeline event kind 'phone'"):
        record_event(customer, "phone")

    assert not TimelineEvent.objects.exists()


def test_it_refuses_an_unsaved_source(customer):
    from setia.customers.models import Contact

    with pytest.raises(ValueError, match="saved source_object"):
        record_event(customer, "note", source_object=Contact(customer=customer, name="X"))

    assert not TimelineEvent.objects.exists()


def test_it_cuts_a_long_summary_to_the_column(customer):
    event = record_event(customer, "note", summary="x" * 400)

    assert len(event.summary) == 300


def test_it_puts_every_audited_change_on_the_timeline(customer, executive):
    customer_actions.update_customer(
        customer=customer, actor=executive, data={"city": "Solo"}, expected_version=1
    )

    entry = AuditEntry.objects.get()
    event = TimelineEvent.objects.get()
    assert event.kind == "change"
    assert event.actor == executive
    assert event.summary == "Batik Lestari"
    assert event.occurred_at == entry.created_at
    assert event.data == {
        "action": "update",
        "object_type": "customers.customer",
        "changes": {"city": ["Bandung", "Solo"]},
        "source": "web",
    }
    assert (event.source_type, event.source_id) == ("audit.auditentry", str(entry.pk))
    assert event.change_rows() == [("city", "Bandung", "Solo")]


def test_it_adds_no_event_when_an_update_changed_nothing(customer, executive):
    customer_actions.update_customer(
        customer=customer, actor=executive, data={"city": "Bandung"}, expected_version=1
    )

    assert not AuditEntry.objects.exists()
    assert not TimelineEvent.objects.exists()


def test_it_puts_a_deleted_contact_on_the_timeline(customer, executive):
    contact = make_contact(customer, name="Sari")

    customer_actions.delete_contact(contact=contact, actor=executive)

    event = TimelineEvent.objects.get()
    assert (event.kind, event.summary, event.data["action"]) == ("change", "Sari", "delete")
    assert event.change_action_display() == "deleted"
