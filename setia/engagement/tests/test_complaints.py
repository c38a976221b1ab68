"""The complaints report: its counts and rates against a count made by hand over random data,
what each user sees, the chart, the table and the CSV."""

import csv
import datetime
import io
import random
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from setia.customers.models import Customer
from setia.engagement import complaints
from setia.engagement.models import Interaction, InteractionKind, Outcome, ProductArea, Release
from setia.test import make_customer, make_subscription

JAKARTA = ZoneInfo("Asia/Jakarta")
URL = reverse("engagement:complaints-report")


def _plant(seed, team_a, team_b, owner):
    """Random customers (some without a subscription, some deleted), releases and
    interactions of every kind and outcome, at any hour (the week is Jakarta's)."""
    rng = random.Random(seed)
    releases = [
        Release.objects.create(name="Toko v1", released_on=datetime.date(2026, 1, 5)),
        Release.objects.create(name="Toko v2", released_on=datetime.date(2026, 6, 10)),
        Release.objects.create(
            name="Checkout v3", area=ProductArea.PAYMENT, released_on=datetime.date(2026, 8, 1)
        ),
    ]
    customers = []
    for number in range(14):
        customer = make_customer(
            team=team_a if number % 2 else team_b, owner=owner if number % 2 else None
        )
        if rng.random() < 0.85:
            start = datetime.date(2025, 11, 1) + datetime.timedelta(days=rng.randint(0, 330))
            make_subscription(
                customer, started_on=start, renews_on=start + datetime.timedelta(days=365)
            )
        customers.append(customer)
    Customer.objects.filter(pk=customers[-1].pk).update(
        deleted_at=datetime.datetime(2026, 9, 1, tzinfo=JAKARTA)
    )
    rows = []
    for _number in range(220):
        moment = datetime.datetime(2025, 12, 20, tzinfo=JAKARTA) + datetime.timedelta(
            minutes=rng.randint(0, 345 * 24 * 60)
        )
        rows.append(
            Interaction(
                customer=rng.choice(customers),
                kind=rng.choice(InteractionKind.values),
                outcome=rng.choice(["", *Outcome.values]),
                area=rng.choice(["", *ProductArea.values]),
                release=rng.choice([None, None, *releases]),
                summary="Planted",
                occurred_at=moment,
            )
        )
    Interaction.objects.bulk_create(rows)
    return releases


def _by_hand(user, *, start, end, area=""):
    """The report counted one interaction and one customer at a time."""
    customers = list(Customer.objects.visible_to(user).alive().select_related("subscription"))
    releases = list(Release.objects.filter(area=""))
    first_week = start - datetime.timedelta(days=start.weekday())
    last_day = end - datetime.timedelta(days=end.weekday()) + datetime.timedelta(days=6)
    expected: dict = {}
    for interaction in Interaction.objects.filter(customer__in=customers):
        day = interaction.occurred_at.astimezone(JAKARTA).date()
        is_complaint = (
            interaction.kind == "website_issue" or interaction.outcome == Outcome.FOLLOW_UP
        )
        if not is_complaint or not first_week <= day <= last_day:
            continue
        if area and interaction.area != area:
            continue
        release = interaction.release
        if release is None:
            earlier = [item for item in releases if item.released_on <= day]
            release = max(earlier, key=lambda item: (item.released_on, item.pk), default=None)
        week = day - datetime.timedelta(days=day.weekday())
        key = (week, release.pk if release else None, interaction.area)
        expected[key] = expected.get(key, 0) + 1
    result = {}
    for (week, release_id, row_area), count in expected.items():
        sunday = week + datetime.timedelta(days=6)
        on_books = sum(
            1
            for customer in customers
            if hasattr(customer, "subscription") and customer.subscription.started_on <= sunday
        )
        rate = round(count * 100 / on_books, 1) if on_books else None
        result[week, release_id, row_area] = (count, on_books, rate)
    return result


def _report(user, **bounds):
    rows = complaints.weekly_report(
        Interaction.objects.visible_to(user),
        Customer.objects.visible_to(user).alive(),
        **bounds,
    )
    return {
        (row.week, row.release.pk if row.release else None, row.area): (
            row.complaints,
            row.customers,
            row.rate,
        )
        for row in rows
    }


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_the_counts_and_rates_are_those_counted_by_hand(seed, manager, executive, team_a, team_b):
    _plant(seed, team_a, team_b, executive)
    bounds = {"start": datetime.date(2026, 1, 1), "end": datetime.date(2026, 11, 30)}

    for user in (manager, executive):
        expected = _by_hand(user, **bounds)
        assert expected, "the planted data has complaints"
        assert _report(user, **bounds) == expected
    # one area, a window that cuts weeks in two (the whole weeks are counted)
    narrow = {"start": datetime.date(2026, 5, 13), "end": datetime.date(2026, 7, 2)}
    assert _report(manager, **narrow, area="payment") == _by_hand(manager, **narrow, area="payment")


def test_an_untagged_complaint_counts_for_the_release_of_its_day_in_jakarta(manager, team_a):
    v2 = Release.objects.create(name="Toko v2", released_on=datetime.date(2026, 6, 10))
    Release.objects.create(name="Toko v1", released_on=datetime.date(2026, 1, 5))
    # An area's release never stands in for the product-wide one.
    Release.objects.create(
        name="Checkout v3", area="payment", released_on=datetime.date(2026, 6, 9)
    )
    customer = make_customer(team=team_a)
    make_subscription(customer, started_on=datetime.date(2026, 1, 1))
    make_subscription(make_customer(team=team_a), started_on=datetime.date(2026, 6, 14))
    # 10 June 00:30 in Jakarta is still 9 June in UTC: v2's day already.
    Interaction.objects.create(
        customer=customer,
        kind="website_issue",
        area="performance",
        occurred_at=datetime.datetime(2026, 6, 10, 0, 30, tzinfo=JAKARTA),
    )
    Interaction.objects.create(
        customer=customer,
        kind="call",
        outcome="follow_up",
        area="performance",
        occurred_at=datetime.datetime(2026, 6, 14, 23, 30, tzinfo=JAKARTA),
    )
    Interaction.objects.create(
        customer=customer,
        kind="call",
        outcome="resolved",
        occurred_at=datetime.datetime(2026, 6, 11, 9, tzinfo=JAKARTA),
    )

    rows = complaints.weekly_report(
        Interaction.objects.visible_to(manager),
        Customer.objects.visible_to(manager).alive(),
        start=datetime.date(2026, 6, 1),
        end=datetime.date(2026, 6, 30),
    )

    assert [(row.week, row.release, row.area, row.complaints, row.customers) for row in rows] == [
        (datetime.date(2026, 6, 8), v2, "performance", 2, 2)
    ]
    assert rows[0].rate == 100.0


def test_the_page_shows_the_chart_and_table_of_the_users_customers_only(
    client, executive, other_executive, team_a, team_b
):
    v2 = Release.objects.create(name="Toko v2", released_on=datetime.date(2026, 6, 10))
    ours = make_customer(team=team_a, owner=executive, name="Batik Lestari")
    theirs = make_customer(team=team_b, owner=other_executive, name="Kopi Senja")
    for customer in (ours, theirs):
        make_subscription(customer, started_on=datetime.date(2026, 1, 1))
    moment = datetime.datetime(2026, 6, 16, 10, tzinfo=JAKARTA)
    Interaction.objects.create(
        customer=ours, kind="website_issue", area="performance", occurred_at=moment
    )
    for _number in range(3):
        Interaction.objects.create(customer=theirs, kind="website_issue", occurred_at=moment)
    client.force_login(executive)

    page = client.get(URL, {"start": "01/06/2026", "end": "30/06/2026"})

    assert page.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in page.text
    [row] = page.context["rows"]
    assert (row.release, row.complaints, row.customers, row.rate) == (v2, 1, 1, 100.0)
    assert "Speed and performance" in page.text

    export = client.get(URL, {"start": "01/06/2026", "end": "30/06/2026", "format": "csv"})
    assert export["Content-Type"] == "text/csv; charset=utf-8"
    lines = list(csv.reader(io.StringIO(export.getvalue().decode("utf-8-sig"))))
    assert lines == [
        [
            "Week",
            "Release",
            "Product area",
            "Complaints",
            "Customers on the release",
            "Per 100 customers",
        ],
        ["2026-06-15", "Toko v2", "Speed and performance", "1", "1", "100.0"],
    ]


def test_complaints_before_the_first_release_and_without_customers(client, manager, team_a):
    customer = make_customer(team=team_a)
    Interaction.objects.create(
        customer=customer,
        kind="website_issue",
        occurred_at=datetime.datetime(2026, 3, 3, 10, tzinfo=JAKARTA),
    )
    client.force_login(manager)

    page = client.get(URL, {"start": "2026-03-01", "end": "2026-03-31"})

    assert page.status_code == 200
    [row] = page.context["rows"]
    assert (row.release, row.customers, row.rate) == (None, 0, None)
    assert "Before the first release" in page.text


def test_the_series_is_zero_after_a_release_and_empty_before_it():
    v2 = Release(pk=1, name="Toko v2", released_on=datetime.date(2026, 6, 10))
    weeks = complaints.weeks_between(datetime.date(2026, 6, 1), datetime.date(2026, 6, 22))
    rows = [complaints.Row(datetime.date(2026, 6, 15), v2, "", 3, 200)]

    assert complaints.series(rows, weeks) == {v2: [None, 0.0, 1.5, 0.0]}


def test_the_report_costs_the_same_few_queries_for_many_complaints(
    client, manager, team_a, django_assert_num_queries
):
    releases = [
        Release.objects.create(name=f"Toko v{number}", released_on=datetime.date(2026, number, 1))
        for number in range(1, 4)
    ]
    customers = [make_customer(team=team_a) for _number in range(5)]
    for customer in customers:
        make_subscription(customer, started_on=datetime.date(2025, 12, 1))
    client.force_login(manager)
    params = {"start": "2026-01-01", "end": "2026-06-30"}
    client.get(URL, params)  # the session and permissions cached like any later page

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, params).status_code == 200
        return len(queries)

    few = count()
    Interaction.objects.bulk_create(
        Interaction(
            customer=customers[number % 5],
            kind="website_issue",
            area=ProductArea.values[number % 5],
            release=releases[number % 3],
            occurred_at=datetime.datetime(2026, 1, 5, tzinfo=JAKARTA)
            + datetime.timedelta(days=number),
        )
        for number in range(150)
    )

    # session, user, permissions; the complaints; the customers per week; their releases
    assert count() == few + 1
    with django_assert_num_queries(few + 1):
        client.get(URL, params)


@pytest.mark.parametrize(
    "params",
    [
        {"start": "31/02/2026"},
        {"end": "tomorrow"},
        {"start": "2026-06-01", "end": "2026-05-01"},
        {"start": "0001-01-01"},
        {"end": "9999-12-31"},
        {"start": "2020-01-01", "end": "2026-01-01"},
        {"area": "speed"},
        {"start": "2026-01-01\x00"},
    ],
)
def test_odd_parameters_are_refused_with_a_reason(client, manager, params):
    client.force_login(manager)

    response = client.get(URL, params)

    assert response.status_code == 400


def test_viewers_read_the_report_and_strangers_do_not(client, viewer):
    client.force_login(viewer)
    assert client.get(URL).status_code == 200
    client.logout()
    assert client.get(URL).status_code == 302
