import datetime
from io import StringIO

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone, translation

from setia.customers.models import Customer
from setia.engagement.models import RetentionOffer
from setia.health.actions import compute_health, factor_settings, save_settings, weights
from setia.health.models import (
    CustomerHealth,
    FactorSetting,
    FactorWeight,
    HealthSnapshot,
    Policy,
)
from setia.health.reasons import reasons
from setia.health.tests.factories import DAY, MOMENT, contact, only_factors, uptime
from setia.metrics.models import CustomerRollup
from setia.test import make_customer, make_subscription
from setia.tiers.models import CustomerTier, Tier
from setia.work.onboarding.models import Onboarding, Stage

pytestmark = pytest.mark.django_db


def _health(customer) -> CustomerHealth:
    return CustomerHealth.objects.get(customer=customer)


@time_machine.travel(MOMENT, tick=False)
def test_days_since_contact_is_graded_at_its_thresholds():
    only_factors("contact")  # good at most 30 days, poor above 60 (the defaults)
    customers = {}
    for days in (30, 31, 60, 61):
        customers[days] = make_customer(name=f"{days} days")
        contact(customers[days], days)
        contact(customers[days], days + 100)
        contact(customers[days], 1, kind="note")  # a note is no contact

    compute_health(today=DAY)

    grades = {days: _health(customer).grade for days, customer in customers.items()}
    assert grades == {30: "g", 31: "a", 60: "a", 61: "p"}
    assert [_health(customers[d]).score for d in (30, 31, 61)] == [100, 50, 0]
    assert _health(customers[61]).contact == 61


@time_machine.travel(MOMENT, tick=False)
def test_uptime_is_graded_at_its_thresholds_where_higher_is_better():
    only_factors("uptime")  # good at least 99, poor below 95
    customers = {pct: make_customer(name=pct) for pct in ("99", "98.99", "95", "94.99")}
    for pct, customer in customers.items():
        uptime(customer, pct)
    unmeasured = make_customer(name="No store")

    outcome = compute_health(today=DAY)

    assert {pct: _health(c).grade for pct, c in customers.items()} == {
        "99": "g",
        "98.99": "a",
        "95": "a",
        "94.99": "p",
    }
    # A customer without any counted figure gets no score.
    assert not CustomerHealth.objects.filter(customer=unmeasured).exists()
    assert outcome.summary() == "customers=5 scored=4 good=1 average=2 poor=1"


def test_the_python_grade_matches_the_thresholds():
    setting = FactorSetting(factor="errors", good=30, poor=150)
    assert [setting.grade(v) for v in (None, 30, 31, 150, 151)] == [None, "g", "a", "a", "p"]
    setting = FactorSetting(factor="renewal", good=60, poor=14)
    assert [setting.grade(v) for v in (60, 59, 14, 13)] == ["g", "a", "a", "p"]


@time_machine.travel(MOMENT, tick=False)
def test_each_tier_weighs_the_factors_with_its_own_weights(manager):
    only_factors("contact", "uptime")
    gold, silver = Tier.objects.order_by("position")[:2]
    customers = []
    for tier in (gold, silver, None):
        customer = make_customer()
        contact(customer, 5)  # good: 100 points
        uptime(customer, "90")  # poor: 0 points
        if tier:
            CustomerTier.objects.create(customer=customer, tier=tier, since=DAY, computed_on=DAY)
        customers.append(customer)
    table = weights()
    table[None] |= {"contact": 1, "uptime": 1}
    table[gold.pk] = dict(table[None]) | {"contact": 3, "uptime": 1}
    table[silver.pk] = dict(table[None]) | {"contact": 1, "uptime": 3}
    factors = {row.factor: {"is_active": row.is_active} for row in FactorSetting.objects.all()}
    save_settings(actor=manager, factors=factors, weights=table, policy={"any_poor_caps": False})

    compute_health(today=DAY)

    assert [_health(customer).score for customer in customers] == [75, 25, 50]


@time_machine.travel(MOMENT, tick=False)
def test_any_poor_factor_keeps_the_score_at_most_average():
    only_factors("contact", "uptime")
    customer = make_customer()
    contact(customer, 5)
    uptime(customer, "90")
    FactorWeight.objects.create(factor="contact", weight=9)
    Policy.objects.create(pk=1, good_from=70, poor_below=40, any_poor_caps=True)

    compute_health(today=DAY)
    assert (_health(customer).score, _health(customer).grade) == (69, "a")  # 90 capped

    Policy.objects.filter(pk=1).update(any_poor_caps=False)
    compute_health(today=DAY)
    assert (_health(customer).score, _health(customer).grade) == (90, "g")


@time_machine.travel(MOMENT, tick=False)
def test_the_reasons_name_the_figures_worst_first():
    only_factors("contact", "uptime", "issues")
    customer = make_customer()
    contact(customer, 63)
    uptime(customer, "91")
    contact(customer, 2, kind="website_issue", outcome="resolved")  # resolved: not open

    compute_health(today=DAY)

    health = _health(customer)
    windows = {key: row.window_days for key, row in factor_settings().items()}
    with translation.override("en"):
        texts = [text for _grade, text in reasons(health.factor_grades(), windows)]
    assert texts == [
        "poor: uptime 91%",
        "poor: no contact for 63 days",
        "good: 0 open complaints or website issues in 30 days",
    ]
    with translation.override("id"):
        texts = [text for _grade, text in reasons(health.factor_grades(), windows)]
    assert texts[0].startswith("buruk")


@time_machine.travel(MOMENT, tick=False)
def test_a_days_snapshot_is_kept_once_and_replaced_by_a_second_run():
    only_factors("contact")
    customer = make_customer()
    contact(customer, 61)

    compute_health(today=DAY)
    contact(customer, 1)
    compute_health(today=DAY)
    compute_health(today=DAY + datetime.timedelta(days=1))

    rows = list(
        HealthSnapshot.objects.filter(customer=customer)
        .order_by("day")
        .values_list("day", "score", "grade")
    )
    assert rows == [(DAY, 100, "g"), (DAY + datetime.timedelta(days=1), 100, "g")]
    customer.refresh_from_db()
    assert (customer.health_score, customer.health_grade) == (100, "g")


@time_machine.travel(MOMENT, tick=False)
def test_the_list_sort_keys_follow_and_clear_for_deleted_customers():
    only_factors("contact")
    kept, gone = make_customer(), make_customer()
    compute_health(today=DAY)
    Customer.objects.filter(pk=gone.pk).update(deleted_at=MOMENT)

    compute_health(today=DAY)

    gone.refresh_from_db()
    kept.refresh_from_db()
    assert (gone.health_score, gone.health_grade) == (None, "")
    assert kept.health_score is not None


@time_machine.travel(MOMENT, tick=False)
def test_compute_health_prints_its_counts():
    only_factors("contact")
    for days in (1, 45, 90):
        contact(make_customer(), days)
    out = StringIO()

    call_command("compute_health", "--day", DAY.isoformat(), stdout=out)

    assert out.getvalue().strip() == "customers=3 scored=3 good=1 average=1 poor=1"


@time_machine.travel(MOMENT, tick=False)
def test_every_factors_figure_comes_from_its_table():
    customer = make_customer()
    CustomerRollup.objects.create(
        customer=customer, gmv_30d=200, gmv_90d=900, as_of=DAY, computed_at=timezone.now()
    )  # 200 / 30 a day against 900 / 90: -33.3%
    uptime(customer, "97", days=3, errors=20)  # 60 errors over the last 30 days
    contact(customer, 3, kind="website_issue")  # open
    contact(customer, 4, kind="call", outcome="follow_up")  # open, and the last contact
    contact(customer, 40, kind="website_issue")  # outside the 30 days
    stage = Stage.objects.filter(is_final=False).order_by("position").first()
    Onboarding.objects.create(
        customer=customer,
        stage=stage,
        entered_stage_at=MOMENT - datetime.timedelta(days=stage.stalled_after_days + 5),
    )
    make_subscription(customer, renews_on=DAY + datetime.timedelta(days=20))
    RetentionOffer.objects.create(customer=customer, discount_percent=10, months=3, monthly_price=1)

    compute_health(today=DAY)

    health = _health(customer)
    assert round(health.gmv_trend, 1) == -33.3
    assert (health.uptime, health.errors, health.contact, health.issues) == (97, 60, 4, 2)
    assert (health.onboarding, health.renewal, health.offers) == (5, 20, 1)
    #  trend poor, uptime average, errors average, contact good, issues average, onboarding
    #  average, renewal average, offers average, no survey answer
    assert health.grades == "paagaaaa-"
    assert health.score == 50


def test_it_runs_as_the_recompute_step_after_the_tiers_it_weighs_by(db):
    make_customer(name="Toko Kecil")
    stdout = StringIO()

    call_command("recompute", "--today", "2026-06-15", stdout=stdout)

    steps = settings.RECOMPUTE_STEPS
    assert steps.index("setia.health.actions.health_step") > steps.index(
        "setia.tiers.actions.assign_tiers"
    )
    assert "setia.health.actions.health_step: rows=1 seconds=" in stdout.getvalue()
    assert HealthSnapshot.objects.get().day == datetime.date(2026, 6, 15)
