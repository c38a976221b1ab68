import datetime
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from setia.customers.models import Customer
from setia.quality import completeness
from setia.quality.actions import flag_duplicates, record_snapshot
from setia.quality.models import QualitySnapshot
from setia.test import make_contact, make_customer, make_store, make_subscription

NOW = datetime.datetime(2026, 6, 1, 3, 0, tzinfo=datetime.UTC)


@pytest.fixture
def planted(team_a, team_b):
    """Four customers with 7, 5, 2 and 3 of the 7 default checks met; one is stale."""
    full = make_customer(team=team_a, name="Full", city="Solo", province="Jawa Tengah")
    make_contact(full, phone="+6281234567890", email="a@full.test", is_primary=True)
    make_store(full)
    make_subscription(full)
    # category, city, province, an email (the primary contact has no number) and a store: 5.
    partial = make_customer(team=team_a, name="Partial", city="Bandung", province="Jawa Barat")
    make_contact(partial, phone="", whatsapp="", email="b@partial.test", is_primary=True)
    make_store(partial)
    # category and city only.
    bare = make_customer(team=team_b, name="Bare", city="Medan", province="")
    # category, a primary contact with WhatsApp only, a subscription; not updated for 100 days.
    stale = make_customer(team=team_b, name="Stale", city="", province="")
    make_contact(stale, phone="", whatsapp="+6285700001111", email="", is_primary=True)
    make_subscription(stale)
    Customer.objects.filter(pk=stale.pk).update(updated_at=NOW - datetime.timedelta(days=100))
    return {"full": full, "partial": partial, "bare": bare, "stale": stale}


@time_machine.travel(NOW, tick=False)
def test_it_scores_each_customer_in_sql(planted):
    customers = completeness.with_completeness(Customer.objects.all()).order_by("filled", "name")

    with CaptureQueriesContext(connection) as queries:
        scored = [
            (c.name, c.filled, c.is_stale, c.has_contact_phone, c.has_email) for c in customers
        ]

    assert len(queries.captured_queries) == 1
    assert scored == [
        ("Bare", 2, 0, 0, 0),
        ("Stale", 3, 1, 1, 0),
        ("Partial", 5, 0, 0, 1),
        ("Full", 7, 0, 1, 1),
    ]


@time_machine.travel(NOW, tick=False)
def test_it_totals_in_one_query(planted):
    with CaptureQueriesContext(connection) as queries:
        figures = completeness.totals(Customer.objects.all())

    assert len(queries.captured_queries) == 1
    assert figures == {
        "customers": 4,
        "average_completeness": pytest.approx(100 * 17 / 28),
        "complete": 1,
        "stale": 1,
    }


@time_machine.travel(NOW, tick=False)
def test_it_lists_what_is_missing(planted):
    customer = completeness.with_completeness(Customer.objects.filter(name="Partial")).get()

    assert [label for label, _url in completeness.missing(customer)] == [
        "primary contact with a phone or WhatsApp",
        "a subscription",
    ]
    assert completeness.percent(customer.filled) == 71


@time_machine.travel(NOW, tick=False)
def test_the_checks_come_from_the_settings(planted, settings):
    settings.QUALITY_COMPLETENESS_FIELDS = ["city", "owner"]
    settings.QUALITY_STALE_DAYS = 101

    figures = completeness.totals(Customer.objects.all())

    assert figures["average_completeness"] == pytest.approx(100 * 3 / 8)
    assert figures["stale"] == 0


def test_an_unknown_check_is_a_configuration_error(settings):
    settings.QUALITY_COMPLETENESS_FIELDS = ["city", "shoe_size"]

    with pytest.raises(ImproperlyConfigured, match="shoe_size"):
        completeness.active_checks()


def test_it_totals_nothing_as_zero(db):
    assert completeness.totals(Customer.objects.none()) == {
        "customers": 0,
        "average_completeness": 0.0,
        "complete": 0,
        "stale": 0,
    }


@time_machine.travel(NOW, tick=False)
def test_the_snapshot_holds_overall_and_per_team_figures(planted, team_a, team_b):
    make_customer(team=team_a, name="Full Official", deleted_at=timezone.now())
    make_customer(team=team_a, name="Partial Official")  # category, city, province: 3
    flag_duplicates()

    record_snapshot()

    rows = {
        (s.team.name if s.team else "*"): (
            s.day,
            s.customers,
            round(s.average_completeness, 2),
            s.complete,
            s.stale,
            s.open_duplicates,
        )
        for s in QualitySnapshot.objects.select_related("team")
    }
    day = datetime.date(2026, 6, 1)
    assert rows == {
        "*": (day, 5, round(100 * 20 / 35, 2), 1, 1, 1),
        "Team A": (day, 3, round(100 * 15 / 21, 2), 1, 0, 1),
        "Team B": (day, 2, round(100 * 5 / 14, 2), 0, 1, 0),
    }


@time_machine.travel(NOW, tick=False)
def test_the_snapshot_replaces_the_days_rows_and_keeps_other_days(planted):
    record_snapshot(day=datetime.date(2026, 5, 31))
    record_snapshot()
    make_customer(team=None, name="New")

    out = StringIO()
    call_command("quality_snapshot", stdout=out)

    assert QualitySnapshot.objects.filter(day=datetime.date(2026, 5, 31)).count() == 3
    overall = QualitySnapshot.objects.get(day=datetime.date(2026, 6, 1), team=None)
    assert overall.customers == 5
    assert out.getvalue().strip() == (
        "day=2026-06-01 customers=5 average=57.1 complete=1 stale=1 open_duplicates=0 teams=2"
    )


def test_the_snapshot_takes_a_constant_number_of_queries(team_a, team_b):
    make_customer(team=team_a)
    with CaptureQueriesContext(connection) as few:
        record_snapshot()
    for _number in range(20):
        make_contact(make_customer(team=team_b))
    with CaptureQueriesContext(connection) as many:
        record_snapshot()

    assert len(many.captured_queries) == len(few.captured_queries)
