import json

import pytest
from django.db import connection

from setia.customers.models import Customer
from setia.history.actions import (
    event_data_sql,
    new_change,
    record_changes,
    record_events_select,
    record_source_events,
)
from setia.history.models import AuditEntry, TimelineEvent
from setia.lib.dates import now
from setia.test import make_customer

pytestmark = pytest.mark.django_db


def _creations(*customers, source="test"):
    return [
        new_change(customer=c, actor=None, action="create", instance=c, source=source)
        for c in customers
    ]


def test_record_changes_saves_the_entries_and_their_change_events(django_assert_num_queries):
    first, second = make_customer(name="Batik"), make_customer(name="Kopi")
    entries = _creations(first, second)

    with django_assert_num_queries(2):
        saved = record_changes(entries)

    events = TimelineEvent.objects.filter(kind="change").order_by("id")
    assert [(e.customer, e.source_id) for e in events] == [
        (first, str(saved[0].pk)),
        (second, str(saved[1].pk)),
    ]
    assert events[0].data["changes"]["name"] == [None, "Batik"]
    assert events[0].occurred_at == saved[0].created_at


def test_record_changes_can_leave_the_timeline_to_the_caller():
    record_changes(_creations(make_customer()), on_timeline=False)

    assert AuditEntry.objects.count() == 1
    assert not TimelineEvent.objects.exists()


def test_record_source_events_puts_one_event_per_customer_of_the_source(manager):
    first, second, other = make_customer(), make_customer(), make_customer()
    record_changes([*_creations(first, second, source="import:1"), *_creations(first)])
    record_changes(_creations(other, source="import:2"))

    written = record_source_events(
        source="import:1", kind="import", summary="rows=2", actor=manager, source_object=first
    )

    events = TimelineEvent.objects.filter(kind="import")
    assert written == 2
    assert sorted(e.customer_id for e in events) == sorted([first.pk, second.pk])
    assert {(e.actor, e.summary, json.dumps(e.data)) for e in events} == {
        (manager, "rows=2", '{"source": "import:1"}')
    }


def test_record_events_select_inserts_the_rows_of_a_select():
    make_customer(name="Batik"), make_customer(name="Kopi")
    moment = now()
    table = connection.ops.quote_name(Customer._meta.db_table)

    written = record_events_select(
        f"SELECT id, %s, NULL, name, {event_data_sql()}, %s, '', '', %s, %s FROM {table}",
        ["note", json.dumps({"from": "select"}), moment, moment, moment],
    )

    assert written == 2
    assert sorted(TimelineEvent.objects.values_list("summary", flat=True)) == ["Batik", "Kopi"]
    assert {e.data["from"] for e in TimelineEvent.objects.all()} == {"select"}


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        record_source_events(
            source="import:1", kind="imprt", summary="", source_object=make_customer()
        )
