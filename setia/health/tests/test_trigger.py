import datetime

import pytest
import time_machine

from setia.health.models import HealthSnapshot
from setia.health.tests.factories import DAY, MOMENT
from setia.test import make_customer, make_subscription
from setia.work.automation import evaluation
from setia.work.automation.models import PlaybookRun, TriggerRule
from setia.work.schedule.models import Task

pytestmark = pytest.mark.django_db

WEEK_BEFORE = DAY - datetime.timedelta(days=7)


def _scores(customer, before: int, now: int) -> None:
    grade = {True: "g", False: "a"}
    for day, score in ((WEEK_BEFORE, before), (DAY, now)):
        letter = "p" if score < 40 else grade[score >= 70]
        HealthSnapshot.objects.create(customer=customer, day=day, score=score, grade=letter)


@pytest.fixture
def rule(db):
    TriggerRule.objects.exclude(kind="health_fell").update(is_active=False)
    return TriggerRule.objects.get(kind="health_fell")  # the default: 15 points over 7 days


@time_machine.travel(MOMENT, tick=False)
def test_a_fall_of_n_points_or_into_poor_starts_the_health_playbook(rule, team_a, executive):
    customers = {}
    for name, before, now in (
        ("Fell 15", 80, 65),
        ("Fell 14", 80, 66),
        ("Into poor", 45, 39),
        ("Poor already", 35, 30),
        ("Rose", 40, 90),
    ):
        customers[name] = make_customer(name=name, team=team_a, owner=executive)
        make_subscription(customers[name], monthly_price=1_000_000)
        _scores(customers[name], before, now)
    no_history = make_customer(name="New", team=team_a, owner=executive)
    HealthSnapshot.objects.create(customer=no_history, day=DAY, score=10, grade="p")

    outcome = evaluation.evaluate(day=DAY)

    runs = {run.customer.name: run for run in PlaybookRun.objects.select_related("customer")}
    assert set(runs) == {"Fell 15", "Into poor"}
    assert (outcome.customers, outcome.started) == (2, 2)
    run = runs["Fell 15"]
    assert run.kind == "health_fell"
    assert run.playbook == rule.playbook
    assert run.figures == {
        "health_score": 65,
        "health_score_before": 80,
        "health_day_before": WEEK_BEFORE.isoformat(),
    }
    assert run.value == 12_000_000
    assert "65" in run.reason_text and "80" in run.reason_text
    assert Task.objects.filter(playbook_run=run, owner=executive).count() == 1

    # evaluated again: the run is open already, nothing new
    outcome = evaluation.evaluate(day=DAY)
    assert (outcome.started, outcome.already_open) == (0, 2)


@time_machine.travel(MOMENT, tick=False)
def test_a_threshold_of_zero_watches_only_the_fall_into_poor(rule, team_a, executive):
    rule.threshold = 0
    rule.save()
    big_fall, into_poor = make_customer(name="Big fall"), make_customer(name="Into poor")
    _scores(big_fall, 100, 45)
    _scores(into_poor, 41, 39)

    evaluation.evaluate(day=DAY)

    assert list(PlaybookRun.objects.values_list("customer__name", flat=True)) == ["Into poor"]
