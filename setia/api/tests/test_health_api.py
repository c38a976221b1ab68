"""A customer's health through the API: the 360 card's score, reasons and trend, the list's
health fields, filter and sort, within the same record rules."""

import datetime

import pytest
import time_machine

from setia.api.tests.helpers import token_client
from setia.customers.models import Category, Customer
from setia.health.actions import compute_health
from setia.health.models import HealthSnapshot
from setia.health.tests.factories import DAY, MOMENT, contact, only_factors, uptime
from setia.test import make_customer

pytestmark = pytest.mark.django_db

LIST = "/api/v1/customers/"


def health_url(customer) -> str:
    return f"/api/v1/customers/{customer.code}/health/"


@time_machine.travel(MOMENT, tick=False)
def test_a_customers_health_its_reasons_and_90_days(customer, executive):
    only_factors("contact", "uptime")
    contact(customer, 63)
    uptime(customer, "91")
    HealthSnapshot.objects.create(
        customer=customer, day=DAY - datetime.timedelta(days=120), score=90, grade="g"
    )
    for back in (1, 2, 3):
        HealthSnapshot.objects.create(
            customer=customer, day=DAY - datetime.timedelta(days=back), score=60 + back, grade="a"
        )
    compute_health(today=DAY)

    answer = token_client(executive).get(health_url(customer), HTTP_ACCEPT_LANGUAGE="en")

    assert answer.status_code == 200
    health = answer.json()
    assert (health["score"], health["grade"], health["computed_on"]) == (0, "p", DAY.isoformat())
    assert [(f["factor"], f["grade"], f["figure"]) for f in health["factors"]] == [
        ("uptime", "p", 91.0),
        ("contact", "p", 63.0),
    ]
    assert [f["reason"] for f in health["factors"]] == [
        "poor: uptime 91%",
        "poor: no contact for 63 days",
    ]
    # The last 90 days, oldest first; the snapshot of 120 days ago is not among them.
    assert [(s["day"], s["score"]) for s in health["snapshots"]] == [
        ((DAY - datetime.timedelta(days=3)).isoformat(), 63),
        ((DAY - datetime.timedelta(days=2)).isoformat(), 62),
        ((DAY - datetime.timedelta(days=1)).isoformat(), 61),
        (DAY.isoformat(), 0),
    ]


@time_machine.travel(MOMENT, tick=False)
def test_the_reasons_are_in_the_readers_language(customer, executive):
    only_factors("contact")
    contact(customer, 63)
    compute_health(today=DAY)

    answer = token_client(executive).get(health_url(customer), HTTP_ACCEPT_LANGUAGE="id")

    assert answer.json()["factors"][0]["reason"].startswith("buruk")


def test_a_customer_not_scored_yet(customer, executive):
    health = token_client(executive).get(health_url(customer)).json()
    assert health == {
        "customer": str(customer.code),
        "score": None,
        "grade": None,
        "computed_on": None,
        "factors": [],
        "snapshots": [],
    }


def test_another_teams_customer_health_is_a_404(customer, other_executive):
    assert token_client(other_executive).get(health_url(customer)).status_code == 404


def test_the_health_endpoints_queries(customer, executive, django_assert_num_queries):
    client = token_client(executive)
    client.get(health_url(customer))
    # The token with its person, the role's permissions, the customer, its health row (not
    # scored: no factor settings nor snapshots read).
    with django_assert_num_queries(4):
        assert client.get(health_url(customer)).status_code == 200


@time_machine.travel(MOMENT, tick=False)
def test_the_list_shows_filters_and_sorts_by_health(manager):
    only_factors("contact")
    for name, days in (("Sehat", 2), ("Sedang", 45), ("Sakit", 90)):
        contact(make_customer(name=name), days)
    compute_health(today=DAY)
    make_customer(name="Baru")  # not scored yet
    client = token_client(manager)

    rows = client.get(LIST, {"fields": "name,health_score,health_grade"}).json()["results"]
    assert {row["name"]: (row["health_score"], row["health_grade"]) for row in rows} == {
        "Baru": (None, ""),
        "Sakit": (0, "p"),
        "Sedang": (50, "a"),
        "Sehat": (100, "g"),
    }
    poor = client.get(LIST, {"health": "p"}).json()["results"]
    assert [row["name"] for row in poor] == ["Sakit"]
    for sort, names in (
        ("-health", ["Sehat", "Sedang", "Sakit", "Baru"]),
        ("health", ["Sakit", "Sedang", "Sehat", "Baru"]),
    ):
        rows = client.get(LIST, {"sort": sort}).json()["results"]
        assert [row["name"] for row in rows] == names, sort


def test_the_health_sort_pages_through_many_customers_of_one_score(manager):
    """More customers of one score than a cursor's offset reaches (1000 in DRF): every customer
    once, in order, not scored last."""
    category = Category.objects.first()
    Customer.objects.bulk_create(
        Customer(name=f"Toko {n:04}", category=category, health_score=50 if n % 10 else None)
        for n in range(1100)
    )
    client = token_client(manager)
    seen = []
    url: str | None = f"{LIST}?sort=-health&page_size=200&fields=code,health_score"
    while url:
        page = client.get(url).json()
        seen += page["results"]
        url = page["next"]
    assert len({row["code"] for row in seen}) == 1100
    scores = [row["health_score"] for row in seen]
    assert scores == [50] * 990 + [None] * 110


def test_a_tampered_health_cursor_is_a_404(manager):
    import base64

    cursor = base64.b64encode(b"p=abc").decode()
    answer = token_client(manager).get(LIST, {"sort": "-health", "cursor": cursor})
    assert answer.status_code == 404
