import datetime
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext

from setia.accounts.models import Role
from setia.customers.models import Customer
from setia.history.actions import record_event
from setia.history.models import TimelineEvent
from setia.metrics.models import StoreDailyMetric
from setia.test import make_customer, make_store, make_subscription, make_user
from setia.tiers.models import CustomerTier, Tier
from setia.work.automation import evaluation
from setia.work.automation.models import PlaybookRun, TriggerRule
from setia.work.onboarding.models import Onboarding, Stage
from setia.work.schedule.models import Task
from setia.work.tests.factories import at, make_task

DAY = datetime.date(2026, 11, 10)
MOMENT = at(10, 9)


@pytest.fixture
def only(db):
    """Keep only the rules of the given kinds active, so a test sees its own trigger."""

    def keep(*kinds):
        TriggerRule.objects.exclude(kind__in=kinds).update(is_active=False)

    return keep


def _metric(store, day, *, uptime="100", errors=0, gmv=1_000_000):
    StoreDailyMetric.objects.create(
        store=store,
        day=day,
        gmv=gmv,
        orders=5,
        visitors=100,
        uptime_pct=Decimal(uptime),
        errors=errors,
    )


JANUARY = at(1, 9, month=1)


def _customer(team, owner, name, *, price=500_000):
    with time_machine.travel(JANUARY, tick=False):
        customer = make_customer(team=team, owner=owner, name=name)
    make_subscription(customer, monthly_price=price, renews_on=datetime.date(2027, 6, 1))
    return customer


def _gmv(customer, before, recent, *, history=120, window=30):
    """A store of `customer` with `history` days of figures up to DAY: `recent` rupiah a day over
    the last `window` days, `before` a day earlier."""
    store = make_store(customer)
    StoreDailyMetric.objects.bulk_create(
        StoreDailyMetric(
            store=store,
            day=DAY - datetime.timedelta(days=n),
            gmv=recent if n < window else before,
            orders=5,
            visitors=100,
            uptime_pct=Decimal(100),
            errors=0,
        )
        for n in range(history)
    )


@time_machine.travel(MOMENT, tick=False)
def test_website_down_and_error_spike_come_from_store_metrics(team_a, executive, only):
    only("website_down", "error_spike")
    down = _customer(team_a, executive, "Down")
    noisy = _customer(team_a, executive, "Noisy")
    fine = _customer(team_a, executive, "Fine")
    _metric(make_store(down), DAY, uptime="80.5")
    _metric(make_store(down), DAY - datetime.timedelta(days=5), uptime="10")  # outside 2 days
    store = make_store(noisy)
    _metric(store, DAY, errors=70)
    _metric(store, DAY - datetime.timedelta(days=1), errors=70)  # outside the 1-day window
    _metric(make_store(fine), DAY, uptime="99", errors=99)

    outcome = evaluation.evaluate(day=DAY)

    runs = {run.customer.name: run for run in PlaybookRun.objects.select_related("customer")}
    assert set(runs) == {"Down"}
    assert runs["Down"].kind == "website_down"
    assert runs["Down"].figures == {"lowest_uptime": 80.5, "days_down": 1, "window_days": 2}
    assert (
        runs["Down"].reason == "Uptime 80,5% pada 1 hari dari 2 hari terakhir"
        or "80.5" in runs["Down"].reason
    )
    assert (outcome.customers, outcome.started, outcome.already_open) == (1, 1, 0)

    # a bigger spike on the evaluation day fires the error rule too (same playbook: already open)
    _metric(store, DAY + datetime.timedelta(days=1), errors=150)
    _metric(make_store(down), DAY + datetime.timedelta(days=1), uptime="70")
    outcome = evaluation.evaluate(day=DAY + datetime.timedelta(days=1))
    assert PlaybookRun.objects.get(customer=noisy).figures == {"errors": 150, "window_days": 1}
    assert (outcome.customers, outcome.started, outcome.already_open) == (2, 1, 1)


@time_machine.travel(MOMENT, tick=False)
def test_a_70_percent_fall_over_the_last_30_days_starts_the_recovery_playbook(
    team_a, executive, only
):
    only("gmv_drop")
    falling = _customer(team_a, executive, "Falling", price=1_000_000)
    _gmv(falling, 1_000_000, 300_000)  # -70% over the last 30 days, 120 days of history
    _gmv(_customer(team_a, executive, "Slipping"), 1_000_000, 800_000)  # -20%: under 30%
    _gmv(_customer(team_a, executive, "New"), 0, 500_000)  # nothing sold before
    # -70% too, but only 25 days before the window: too short a history to compare
    _gmv(_customer(team_a, executive, "Young"), 1_000_000, 300_000, history=55)

    assert evaluation.evaluate(day=DAY).summary() == "customers=1 started=1 already_open=0"

    run = PlaybookRun.objects.get()
    assert (run.customer, run.playbook.name, run.kind) == (falling, "GMV recovery", "gmv_drop")
    assert run.playbook.name_id == "Pemulihan GMV"
    assert run.figures == {
        "baseline_days": 90,
        "gmv_daily": 300_000.0,
        "gmv_daily_before": 1_000_000.0,
        "gmv_change_pct": -70.0,
        "window_days": 30,
    }
    assert "Rp 300.000" in run.reason and "Rp 1.000.000" in run.reason
    assert (run.value, run.revenue_at_risk) == (12_000_000, 9_600_000)  # yearly price, 80% urgent


@time_machine.travel(MOMENT, tick=False)
def test_a_gmv_drop_needs_only_the_window_and_30_days_before(team_a, executive, only):
    only("gmv_drop")
    TriggerRule.objects.filter(kind="gmv_drop").update(window_days=14)
    short = _customer(team_a, executive, "Short")
    _gmv(short, 2_000_000, 1_000_000, history=44, window=14)
    # the same fall with one day less of history: 29 days before the window are too few
    _gmv(_customer(team_a, executive, "Shorter"), 2_000_000, 1_000_000, history=43, window=14)

    evaluation.evaluate(day=DAY)

    run = PlaybookRun.objects.get()
    assert run.customer == short
    assert run.figures["baseline_days"] == 30
    assert run.figures["gmv_change_pct"] == -50.0
    with translation.override("en"):
        reason, _figures = evaluation._reason(
            TriggerRule.objects.get(kind="gmv_drop"), {**run.figures, "customer_id": short.pk}
        )
    assert reason == (
        "GMV Rp 1.000.000 a day over the last 14 day(s), against Rp 2.000.000 a day over the "
        "90 days before (-50.0%)"
    )


@time_machine.travel(MOMENT, tick=False)
def test_stalled_onboarding_and_renewal_due(team_a, executive, only):
    only("onboarding_stalled", "renewal_due")
    stalled = _customer(team_a, executive, "Stalled")
    moving = _customer(team_a, executive, "Moving")
    renewing = _customer(team_a, executive, "Renewing")
    renewing.subscription.renews_on = DAY + datetime.timedelta(days=20)
    renewing.subscription.save(update_fields=["renews_on"])
    signed = Stage.objects.first_stage()
    Onboarding.objects.create(customer=stalled, stage=signed, entered_stage_at=at(1, 9))
    Onboarding.objects.create(customer=moving, stage=signed, entered_stage_at=at(9, 9))
    live = Stage.objects.get(is_final=True)
    Onboarding.objects.create(customer=renewing, stage=live, entered_stage_at=at(1, 9, month=2))

    evaluation.evaluate(day=DAY)

    kinds = dict(PlaybookRun.objects.values_list("customer__name", "kind"))
    assert kinds == {"Stalled": "onboarding_stalled", "Renewing": "renewal_due"}
    assert PlaybookRun.objects.get(customer=renewing).figures == {"renews_on": "2026-11-30"}


@time_machine.travel(MOMENT, tick=False)
def test_no_interaction_uses_each_tiers_days(team_a, executive, only):
    only("no_interaction")
    platinum, gold = Tier.objects.get(name="Platinum"), Tier.objects.get(name="Gold")
    quiet_platinum = _customer(team_a, executive, "Quiet platinum")
    called_gold = _customer(team_a, executive, "Called gold")
    for customer, tier in ((quiet_platinum, platinum), (called_gold, gold)):
        CustomerTier.objects.create(customer=customer, tier=tier, since=DAY, computed_on=DAY)
    # 20 days ago: too long for Platinum (14 days), fine for Gold (30 days)
    record_event(quiet_platinum, "call", occurred_at=MOMENT - datetime.timedelta(days=20))
    record_event(called_gold, "call", occurred_at=MOMENT - datetime.timedelta(days=20))
    record_event(quiet_platinum, "tier", occurred_at=MOMENT)  # not an interaction

    evaluation.evaluate(day=DAY)

    run = PlaybookRun.objects.get()
    assert run.customer == quiet_platinum
    assert run.figures == {
        "last_interaction": (MOMENT - datetime.timedelta(days=20))
        .astimezone(datetime.UTC)
        .isoformat()
    }


@time_machine.travel(MOMENT, tick=False)
def test_it_is_idempotent_and_creates_tasks_and_timeline_events_once(
    team_a, executive, only, django_assert_max_num_queries
):
    only("gmv_drop")
    intern = make_user(Role.INTERN, team=team_a)
    customers = [_customer(team_a, executive, f"Toko {n}") for n in range(5)]
    for customer in customers:
        _gmv(customer, 1_000_000, 500_000)

    first = evaluation.evaluate(day=DAY)
    # the number of queries does not grow with the customers (set-based)
    with django_assert_max_num_queries(12):
        second = evaluation.evaluate(day=DAY)
    third = evaluation.evaluate(day=DAY)

    assert first.summary() == "customers=5 started=5 already_open=0"
    assert second.summary() == third.summary() == "customers=5 started=0 already_open=5"
    assert PlaybookRun.objects.count() == 5
    tasks = Task.objects.filter(playbook_run__isnull=False)
    assert tasks.count() == 10  # two steps each
    assert set(tasks.values_list("owner", flat=True)) == {executive.pk, intern.pk}
    assert tasks.filter(owner=intern).count() == 5
    events = TimelineEvent.objects.filter(source_type="work.playbookrun")
    assert events.count() == 5
    event = events.get(customer=customers[0])
    assert event.data["reason"] == PlaybookRun.objects.get(customer=customers[0]).reason
    assert event.data["figures"]["gmv_change_pct"] == -50.0


@time_machine.travel(MOMENT, tick=False)
def test_a_closed_run_lets_the_trigger_start_the_playbook_again(team_a, executive, only):
    only("gmv_drop")
    customer = _customer(team_a, executive, "Falling")
    _gmv(customer, 1_000_000, 500_000)
    evaluation.evaluate(day=DAY)
    PlaybookRun.objects.update(status="done")

    assert evaluation.evaluate(day=DAY).summary() == "customers=1 started=1 already_open=0"
    assert PlaybookRun.objects.filter(status="open").count() == 1


@time_machine.travel(MOMENT, tick=False)
def test_the_database_refuses_a_second_open_run(team_a, executive, only):
    only("gmv_drop")
    customer = _customer(team_a, executive, "Falling")
    _gmv(customer, 1_000_000, 500_000)
    evaluation.evaluate(day=DAY)
    run = PlaybookRun.objects.get()

    with pytest.raises(IntegrityError), transaction.atomic():
        PlaybookRun.objects.create(
            customer=customer,
            playbook=run.playbook,
            kind="gmv_drop",
            reason="x",
            batch=run.batch,
            started_at=MOMENT,
        )


@time_machine.travel(MOMENT, tick=False)
def test_the_command_ends_with_the_summary_line(team_a, executive, only):
    only("gmv_drop")
    _gmv(_customer(team_a, executive, "Falling"), 1_000_000, 500_000)
    out = StringIO()

    call_command("evaluate_triggers", "--day", "2026-11-10", stdout=out)
    call_command("evaluate_triggers", "--day", "2026-11-10", stdout=out)

    assert out.getvalue().splitlines() == [
        "customers=1 started=1 already_open=0",
        "customers=1 started=0 already_open=1",
    ]


@time_machine.travel(MOMENT, tick=False)
def test_intern_steps_go_fairly_to_the_least_loaded_intern_of_the_team(
    team_a, team_b, executive, only
):
    only("gmv_drop")
    busy = make_user(Role.INTERN, team=team_a)
    free = make_user(Role.INTERN, team=team_a)
    make_user(Role.INTERN, team=team_b)  # another team's intern gets none of team A's work
    for _ in range(2):
        make_task(owner=busy, priority="high")  # open load 4; a new task weighs 2
    prices = [5_000_000, 4_000_000, 3_000_000, 2_000_000, 1_000_000]
    customers = [_customer(team_a, executive, f"Toko {p}", price=p) for p in prices]
    for customer in customers:
        _gmv(customer, 1_000_000, 500_000)

    evaluation.evaluate(day=DAY)

    # one at a time, highest revenue at risk first: the least loaded intern, lower id on a tie
    # (loads free 0, busy 4 -> free 2 -> free 4 -> busy 6 -> free 6 -> busy 8)
    interns = [
        Task.objects.get(
            customer=customer, playbook_run__isnull=False, owner__in=[busy, free]
        ).owner
        for customer in customers
    ]
    assert interns == [free, free, busy, free, busy]
    assert Task.objects.filter(playbook_run__isnull=False, owner=executive).count() == 5


@time_machine.travel(MOMENT, tick=False)
def test_lead_steps_go_to_the_team_lead_and_the_start_is_on_the_timeline(team_a, executive, only):
    only("website_down")
    lead = make_user(Role.MANAGER, team=team_a)
    lead.language = "en"
    lead.save(update_fields=["language"])
    executive.language = "id"
    executive.save(update_fields=["language"])
    team_a.lead = lead
    team_a.save(update_fields=["lead"])
    down = _customer(team_a, executive, "Down")
    _metric(make_store(down), DAY, uptime="50")

    evaluation.evaluate(day=DAY)

    run = PlaybookRun.objects.get()
    tasks = Task.objects.filter(playbook_run=run).order_by("due_at", "id")
    assert {task.owner for task in tasks} == {executive, lead}
    # Each task's title in its assignee's language.
    assert {(task.owner, task.title) for task in tasks} == {
        (executive, "Telepon pemilik toko soal website"),
        (lead, "Check the store with the technical team"),
    }
    assert all(task.priority == "high" and task.team == team_a for task in tasks)
    assert all(task.due_at == MOMENT and task.remind_at == at(10, 8) for task in tasks)
    event = TimelineEvent.objects.get(source_type="work.playbookrun", source_id=str(run.pk))
    with translation.override(settings.LANGUAGE_CODE):
        expected = gettext("Playbook “%(playbook)s” started: %(reason)s") % {
            "playbook": "Website bermasalah"
            if settings.LANGUAGE_CODE == "id"
            else "Website problems",
            "reason": run.reason,
        }
    assert (event.customer, event.kind, event.summary) == (down, "task", expected)
    assert event.data == {
        "playbook": "Website problems",
        "playbook_name_id": "Website bermasalah",
        "trigger": "website_down",
        "reason": run.reason,
        "figures": {"lowest_uptime": 50.0, "days_down": 1, "window_days": 2},
    }


@time_machine.travel(MOMENT, tick=False)
def test_started_tasks_remind_their_owner_the_configured_lead_before(
    team_a, executive, only, settings
):
    settings.WORK_REMINDER_MINUTES = 30
    only("website_down")
    down = _customer(team_a, executive, "Down")
    _metric(make_store(down), DAY, uptime="50")

    evaluation.evaluate(day=DAY)

    tasks = Task.objects.filter(playbook_run__isnull=False)
    assert tasks.count() >= 1
    assert {task.remind_at for task in tasks} == {MOMENT - datetime.timedelta(minutes=30)}


@time_machine.travel(MOMENT, tick=False)
def test_an_evaluation_limited_to_some_customers_starts_nothing_for_the_others(
    team_a, executive, only
):
    only("gmv_drop")
    chosen = _customer(team_a, executive, "Chosen")
    other = _customer(team_a, executive, "Other")
    for customer in (chosen, other):
        _gmv(customer, 1_000_000, 300_000)

    outcome = evaluation.evaluate(day=DAY, customers=Customer.objects.filter(pk=chosen.pk))

    assert outcome.summary() == "customers=1 started=1 already_open=0"
    assert list(PlaybookRun.objects.values_list("customer", flat=True)) == [chosen.pk]
    assert not Task.objects.filter(customer=other).exists()
