from datetime import date

import pytest
import time_machine
from django.urls import reverse

from setia.metrics.models import CustomerMonthlyMetric
from setia.test import make_customer
from setia.tiers.actions import assign_tiers
from setia.tiers.tests.factories import set_gmv

LIST = reverse("customers:customer-list")


@pytest.fixture
def tiered(team_a, executive):
    gold = make_customer(team=team_a, owner=executive, name="Emas Jaya", city="Jakarta")
    silver = make_customer(team=team_a, owner=executive, name="Perak Abadi")
    unranked = make_customer(team=team_a, owner=executive, name="Baru Buka")
    set_gmv(gold, 320_000_000)
    set_gmv(silver, 75_000_000)
    assign_tiers(today=date(2026, 11, 1))
    unranked.refresh_from_db()
    return gold, silver, unranked


def _names(response):
    return [customer.name for customer in response.context["page"].object_list]


def test_it_shows_and_filters_by_tier_on_the_list(client, executive, tiered):
    client.force_login(executive)

    everyone = client.get(LIST)
    gold_only = client.get(LIST, {"tier": "gold"})

    # The tier in the reader's language, on the badge and in the filter.
    assert "</svg> Emas</span>" in everyone.text and "Rp 320.000.000" in everyone.text
    assert '<option value="gold">Emas</option>' in everyone.text
    assert "Gold" not in everyone.text
    assert _names(gold_only) == ["Emas Jaya"]
    executive.language = "en"
    executive.save(update_fields=["language"])
    in_english = client.get(LIST)
    assert "</svg> Gold</span>" in in_english.text
    assert '<option value="gold">Gold</option>' in in_english.text


def test_it_sorts_by_tier_then_by_gmv(client, executive, tiered):
    client.force_login(executive)
    late = make_customer(team=tiered[0].team, name="Aaa Tanpa Tier")

    by_tier = client.get(LIST, {"sort": "tier"})
    by_gmv = client.get(LIST, {"sort": "-gmv"})

    assert _names(by_tier) == ["Emas Jaya", "Perak Abadi", "Baru Buka", late.name]
    assert _names(by_gmv) == ["Emas Jaya", "Perak Abadi", "Baru Buka", late.name]


def test_it_keeps_the_list_within_ten_queries_with_tiers(
    client, executive, tiered, django_assert_max_num_queries
):
    client.force_login(executive)

    with django_assert_max_num_queries(10):
        response = client.get(LIST, {"tier": "gold", "sort": "tier", "category": "fashion"})

    assert response.status_code == 200


@time_machine.travel("2026-11-20 10:00 +0700")
def test_it_explains_the_tier_on_the_360_page(client, executive, tiered):
    gold = tiered[0]
    CustomerMonthlyMetric.objects.bulk_create(
        [
            CustomerMonthlyMetric(
                customer=gold, month=date(2026, month, 1), gmv=100_000_000 + month, orders=300
            )
            for month in range(1, 12)
        ]
    )
    client.force_login(executive)

    response = client.get(gold.get_absolute_url())

    assert response.status_code == 200
    why = response.text[response.text.index('id="why-tier"') :]
    assert "Rp 320.000.000" in why
    assert "Rp 300.000.000" in why
    assert "Emas, semua kategori" in why
    assert response.context["gmv_chart"].startswith("data:image/svg+xml;base64,")
    assert len(response.context["value_months"]) == 12
    assert response.context["value_months"][-1][1] == 100_000_011
    assert response.context["why_tier"]["to_next_tier"] == 1_180_000_000


def test_it_says_when_there_is_no_tier_yet(client, executive, tiered):
    client.force_login(executive)
    customer = make_customer(team=tiered[0].team, name="Belum")

    response = client.get(customer.get_absolute_url())

    assert response.status_code == 200
    assert response.context["tier_assignment"] is None
    assert response.context["gmv_chart"] is None


@time_machine.travel("2026-11-20 10:00 +0700")
def test_a_tiered_customer_costs_the_360_page_no_extra_query(
    client, executive, tiered, django_assert_max_num_queries
):
    gold = tiered[0]
    CustomerMonthlyMetric.objects.create(customer=gold, month=date(2026, 10, 1), gmv=1, orders=1)
    client.force_login(executive)

    # The page's count with or without a tier (setia/desk/tests/test_customer_detail.py): the
    # tier and rollup come joined into the page's query for the customer.
    with django_assert_max_num_queries(17):
        response = client.get(gold.get_absolute_url())

    assert response.status_code == 200
