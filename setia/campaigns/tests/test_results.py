import datetime

import pytest
from django.db import connection
from django.utils import timezone

from setia.campaigns import results
from setia.campaigns.models import Participant
from setia.campaigns.tests.factories import make_campaign, plant_gmv
from setia.customers.models import Category, Customer
from setia.metrics.models import StoreDailyMetric
from setia.partners.tests.factories import set_tier
from setia.test import make_customer

START = datetime.date(2026, 11, 1)
END = datetime.date(2026, 11, 14)
TODAY = datetime.date(2026, 12, 1)
DAYS = [START + datetime.timedelta(days=n) for n in range(-20, 20)]


def _brute_force(participant_ids, comparison_ids, before_from, start, during_to):
    """The difference in differences, one Python pass over every planted row."""
    days = (during_to - start).days + 1
    sums = {(group, period): 0 for group in "pc" for period in ("before", "during")}
    for row in StoreDailyMetric.objects.select_related("store"):
        customer = row.store.customer_id
        group = "p" if customer in participant_ids else "c" if customer in comparison_ids else ""
        if not group or not before_from <= row.day <= during_to:
            continue
        sums[group, "before" if row.day < start else "during"] += row.gmv
    p_before = sums["p", "before"] / (len(participant_ids) * days)
    p_during = sums["p", "during"] / (len(participant_ids) * days)
    c_before = sums["c", "before"] / (len(comparison_ids) * days)
    c_during = sums["c", "during"] / (len(comparison_ids) * days)
    difference = (p_during - p_before) - (c_during - c_before)
    return difference, 100 * difference / p_before


@pytest.fixture
def planted(team_a, executive):
    """Gold fashion participants +20% from the campaign's start; gold fashion non-participants
    flat; a silver merchant of another category that doubled (not comparable); an invited
    merchant that never joined (in neither group)."""
    fashion = Category.objects.get(slug="fashion")
    food = Category.objects.get(slug="food-beverage")
    campaign = make_campaign()

    def merchant(name, tier, category, base, lift, status=None, seed=0):
        customer = set_tier(
            make_customer(team=team_a, owner=executive, name=name, category=category), tier
        )
        plant_gmv(customer, DAYS, lambda day: base * (lift if day >= START else 1), seed=seed)
        if status:
            Participant.objects.create(
                campaign=campaign, customer=customer, status=status, invited_at=timezone.now()
            )
        return customer

    joined = [
        merchant(f"P{n}", "gold", fashion, base, 1.2, "joined", seed=n)
        for n, base in enumerate((1_000_000, 2_500_000, 4_000_000))
    ]
    flat = [
        merchant(f"C{n}", "gold", fashion, base, 1.0, seed=10 + n)
        for n, base in enumerate((800_000, 1_500_000, 3_000_000, 5_000_000))
    ]
    merchant("Doubled", "silver", food, 2_000_000, 2.0, seed=20)
    merchant("Invited", "gold", fashion, 2_000_000, 3.0, "invited", seed=21)
    return campaign, joined, flat


def test_the_uplift_matches_a_brute_force_computation_and_finds_the_planted_20_percent(planted):
    campaign, joined, flat = planted

    uplift = results.measure(campaign, Customer.objects.all(), TODAY)

    assert (uplift.participants.merchants, uplift.comparison.merchants) == (3, 4)
    assert (uplift.before_from, uplift.during_to) == (datetime.date(2026, 10, 18), END)
    difference, percent = _brute_force(
        {c.pk for c in joined}, {c.pk for c in flat}, uplift.before_from, START, END
    )
    assert uplift.difference == pytest.approx(difference, rel=1e-9)
    assert uplift.percent == pytest.approx(percent, rel=1e-9)
    assert uplift.percent == pytest.approx(20, abs=1.5)
    assert uplift.comparison.change_percent == pytest.approx(0, abs=1.5)


def test_a_running_campaign_is_measured_up_to_yesterday_over_as_many_days_before(planted):
    campaign, _joined, _flat = planted

    uplift = results.measure(campaign, Customer.objects.all(), datetime.date(2026, 11, 6))

    assert (uplift.during_from, uplift.during_to) == (START, datetime.date(2026, 11, 5))
    assert (uplift.before_from, uplift.before_to) == (
        datetime.date(2026, 10, 27),
        datetime.date(2026, 10, 31),
    )
    assert uplift.percent == pytest.approx(20, abs=2.5)
    assert results.measure(campaign, Customer.objects.all(), START) is None


def test_the_groups_hold_only_the_merchants_the_reader_may_see(planted, other_executive):
    campaign, _joined, _flat = planted

    uplift = results.measure(campaign, Customer.objects.visible_to(other_executive), TODAY)

    assert (uplift.participants.merchants, uplift.comparison.merchants) == (0, 0)
    assert uplift.percent is None


def test_without_a_comparison_group_there_is_no_uplift(planted):
    campaign, _joined, flat = planted
    # Every comparable merchant invited: the participants' own +20% is not the campaign's doing.
    for customer in flat:
        Participant.objects.create(
            campaign=campaign, customer=customer, status="invited", invited_at=timezone.now()
        )

    uplift = results.measure(campaign, Customer.objects.all(), TODAY)

    assert (uplift.participants.merchants, uplift.comparison.merchants) == (3, 0)
    assert not uplift.measurable and uplift.percent is None


def test_the_measure_takes_one_query_whatever_the_number_of_merchants(
    planted, team_a, executive, django_assert_num_queries
):
    campaign, _joined, _flat = planted
    with django_assert_num_queries(1):
        results.measure(campaign, Customer.objects.all(), TODAY)

    fashion = Category.objects.get(slug="fashion")
    for n in range(3):
        customer = set_tier(
            make_customer(team=team_a, owner=executive, name=f"More {n}", category=fashion),
            "gold",
        )
        plant_gmv(customer, DAYS, lambda day: 1_000_000, seed=30 + n)
    with django_assert_num_queries(1):
        uplift = results.measure(campaign, Customer.objects.all(), TODAY)
    assert uplift.comparison.merchants == 7


def test_the_tally_counts_the_invited_and_the_joined_even_before_the_start(planted):
    campaign, _joined, _flat = planted

    before = results.tally(campaign, Customer.objects.all(), START)
    during = results.tally(campaign, Customer.objects.all(), TODAY)

    assert (before.invited, before.joined, before.uplift) == (4, 3, None)
    assert (during.invited, during.joined) == (4, 3)
    assert during.uplift == results.measure(campaign, Customer.objects.all(), TODAY)


@pytest.mark.django_db
def test_on_postgresql_the_metrics_key_carries_the_gmv_the_sums_read():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite keeps the plain key")
    with connection.cursor() as cursor:
        # The measure's range scans read the index alone only while it holds the GMV.
        cursor.execute("SELECT pg_get_indexdef('metrics_storedailymetric_pkey'::regclass)")
        (definition,) = cursor.fetchone()
    assert definition.endswith("(store_id, day) INCLUDE (gmv)")
