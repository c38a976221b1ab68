"""What the app writes on a timeline reads in the reader's language, whoever wrote it."""

import datetime

import pytest
from django.utils import translation

from setia.customers.actions import save_edit
from setia.customers.models import Category
from setia.history import messages
from setia.history.actions import change_event, new_change, record_change, snapshot
from setia.history.models import AuditEntry, TimelineEvent
from setia.test import make_customer, make_subscription


def _rows(event: TimelineEvent, language: str) -> list[tuple[str, str, str]]:
    with translation.override(language):
        return [(str(label), before, after) for label, before, after in event.change_rows()]


@pytest.mark.django_db
def test_a_change_shows_dates_numbers_and_custom_fields_as_the_reader_writes_them(manager):
    customer = make_customer()
    subscription = make_subscription(customer, started_on=datetime.date(2026, 4, 5))
    before = snapshot(subscription)
    subscription.started_on = datetime.date(2026, 5, 7)
    subscription.discount_percent = 15
    subscription.save()
    record_change(
        customer=customer, actor=manager, action="update", instance=subscription, before=before
    )
    customer.refresh_from_db()
    before = snapshot(customer)
    customer.extra = {"Sumber Info": "Instagram", "Tanggal kontrak": "2026-01-02"}
    customer.save()
    record_change(
        customer=customer, actor=manager, action="update", instance=customer, before=before
    )

    events = list(TimelineEvent.objects.filter(kind="change").order_by("id"))
    rows = _rows(events[0], "id") + _rows(events[1], "id")
    assert ("tanggal mulai", "5 April 2026", "7 Mei 2026") in rows
    assert any(
        after == "Sumber Info: Instagram; Tanggal kontrak: 2 Januari 2026" for *_, after in rows
    )
    english = _rows(events[0], "en")
    assert ("start date", "5 April 2026", "7 May 2026") in english
    assert not any("2026-" in before + after for _, before, after in rows + english)


@pytest.mark.django_db
def test_a_category_reads_in_indonesian_for_an_indonesian_reader(manager):
    category = Category.objects.get(slug="home-living")  # seeded in both languages
    customer = make_customer(category=category)
    entry = new_change(customer=customer, actor=manager, action="create", instance=customer)
    entry.save()
    event = change_event(entry)

    assert ("kategori", "—", "Perlengkapan Rumah") in _rows(event, "id")
    assert ("category", "—", "Home Living") in _rows(event, "en")
    # the audit entry itself keeps the English text, which undo and merges compare
    assert AuditEntry.objects.get().changes["category"] == [None, "Home Living"]

    # an edit names both the category before and the one after
    save_edit(
        record=customer,
        customer=customer,
        actor=manager,
        data={"category": Category.objects.get(slug="beauty")},
        expected_version=customer.version,
    )
    edit = TimelineEvent.objects.get(kind="change")
    assert ("kategori", "Perlengkapan Rumah", "Kecantikan") in _rows(edit, "id")
    assert ("category", "Home Living", "Beauty") in _rows(edit, "en")


def test_an_event_without_a_renderer_or_with_old_data_shows_its_summary():
    @messages.register("tests.thing")
    def render(data, summary):
        return f"rendered {data['count']}"

    assert messages.render("tests.thing", {"count": 3}, "stored") == "rendered 3"
    assert messages.render("tests.thing", {}, "stored") == "stored"
    assert messages.render("tests.other", {"count": 3}, "stored") == "stored"
