"""The KPIs read from other records than the actor's events, on planted histories: customers
onboarded to live, GMV of owned customers, revenue kept and the NPS as figures."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from setia.accounts.models import Role
from setia.cadence import kpis
from setia.cadence.actions import change_team
from setia.cadence.models import Target
from setia.history.actions import new_event, record_events
from setia.metrics.models import CustomerMonthlyMetric
from setia.test import make_customer, make_team, make_user
from setia.work.onboarding.actions import move_to_stage
from setia.work.onboarding.models import Onboarding, Stage

JAKARTA = timezone.get_fixed_timezone(7 * 60)
MONTH = datetime.date(2026, 11, 1)
START = datetime.datetime(2026, 11, 1, tzinfo=JAKARTA)


@pytest.fixture
def crew(db):
    teams = [make_team("Tim Utara"), make_team("Tim Selatan")]
    return teams, [make_user(Role.EXECUTIVE, team=team) for team in teams]


def test_a_customer_counts_once_the_first_time_it_goes_live(crew, manager):
    teams, (ani, budi) = crew
    first = Stage.objects.first_stage()
    final = Stage.objects.filter(is_final=True).first()
    customers = [make_customer(team=teams[0], owner=ani) for _n in range(3)]
    onboardings = [
        Onboarding.objects.create(customer=customer, stage=first, entered_stage_at=START)
        for customer in customers
    ]
    with time_machine.travel(START - datetime.timedelta(days=2), tick=False):
        # Live in October: not November's.
        move_to_stage(onboarding=onboardings[2], stage=final, actor=ani)
    with time_machine.travel(START + datetime.timedelta(days=3), tick=False):
        move_to_stage(onboarding=onboardings[0], stage=final, actor=ani)
        # Back a stage and live again: still one customer.
        move_to_stage(onboarding=onboardings[0], stage=first, actor=ani)
        move_to_stage(onboarding=onboardings[0], stage=final, actor=budi)
        move_to_stage(onboarding=onboardings[1], stage=final, actor=budi)
    with time_machine.travel(START + datetime.timedelta(days=4), tick=False):
        move_to_stage(onboarding=onboardings[2], stage=first, actor=budi)
        move_to_stage(onboarding=onboardings[2], stage=final, actor=budi)
    with time_machine.travel(START + datetime.timedelta(days=10), tick=False):
        change_team(user=budi, team=teams[0], actor=manager)
        move_to_stage(onboarding=onboardings[1], stage=first, actor=budi)
        move_to_stage(onboarding=onboardings[1], stage=final, actor=budi)

    found = kpis.actuals(*kpis.month_bounds(MONTH), codes={"onboarded_live"})

    assert dict(found.people) == {(ani.pk, "onboarded_live"): 1, (budi.pk, "onboarded_live"): 1}
    assert dict(found.teams) == {
        (teams[0].pk, "onboarded_live"): 1,
        (teams[1].pk, "onboarded_live"): 1,
    }


def test_gmv_of_owned_customers_sums_the_months_rollup(crew, manager):
    teams, (ani, budi) = crew
    mine = [make_customer(team=teams[0], owner=ani) for _n in range(2)]
    gone = make_customer(team=teams[0], owner=ani, deleted_at=START)
    theirs = make_customer(team=teams[1], owner=budi)
    nobodys = make_customer(team=teams[1])
    CustomerMonthlyMetric.objects.bulk_create(
        [
            CustomerMonthlyMetric(customer=mine[0], month=MONTH, gmv=1_500_000, orders=3),
            CustomerMonthlyMetric(customer=mine[1], month=MONTH, gmv=2_250_000, orders=4),
            CustomerMonthlyMetric(
                customer=mine[0], month=datetime.date(2026, 10, 1), gmv=9, orders=1
            ),
            CustomerMonthlyMetric(customer=gone, month=MONTH, gmv=7_000_000, orders=9),
            CustomerMonthlyMetric(customer=theirs, month=MONTH, gmv=400_000, orders=1),
            CustomerMonthlyMetric(customer=nobodys, month=MONTH, gmv=800_000, orders=2),
        ]
    )
    with time_machine.travel(START + datetime.timedelta(days=10), tick=False):
        # Budi moved mid-month: the month's GMV goes to the team he is in at its end.
        change_team(user=budi, team=teams[0], actor=manager)
    target = Target.objects.create(month=MONTH, kpi="gmv_owned", user=ani, value=5_000_000)

    with time_machine.travel(START + datetime.timedelta(days=20), tick=False):
        found = kpis.actuals(*kpis.month_bounds(MONTH), codes={"gmv_owned"})

    assert found.of(target) == 3_750_000
    assert found.people[budi.pk, "gmv_owned"] == 400_000
    assert dict(found.teams) == {(teams[0].pk, "gmv_owned"): 4_150_000}
    assert target.is_rupiah
    [row] = kpis.progress([target], found)
    assert (row["percent"], row["bar"]) == (75, 75)


def test_revenue_kept_and_nps_as_figures(crew):
    teams, (ani, budi) = crew
    customer = make_customer(team=teams[0], owner=ani)
    accepted = {"offer_status": "accepted", "discount_percent": 15, "months": 3}
    moment = START + datetime.timedelta(days=2)
    record_events(
        [
            # Rp 349.000 at 15% over 3 months: Rp 889.950; and Rp 99.999 at 33% once: Rp 66.999,33.
            new_event(
                customer,
                "offer",
                actor=ani,
                data={**accepted, "monthly_price": 349_000},
                occurred_at=moment,
            ),
            new_event(
                customer,
                "offer",
                actor=ani,
                data={**accepted, "monthly_price": 99_999, "discount_percent": 33, "months": 1},
                occurred_at=moment,
            ),
            # An offer event from before the price was kept: accepted, no revenue known.
            new_event(customer, "offer", actor=ani, data=accepted, occurred_at=moment),
            *[
                new_event(
                    customer, "survey", data={"kind": "nps", "score": score}, occurred_at=moment
                )
                for score in (10, 9, 9, 8, 3)
            ],
            new_event(customer, "survey", data={"kind": "csat", "score": 1}, occurred_at=moment),
        ]
    )
    kept = Target.objects.create(month=MONTH, kpi="revenue_kept", user=ani, value=1_000_000)
    score = Target.objects.create(month=MONTH, kpi="nps", team=teams[0], value=50)
    answers = Target.objects.create(month=MONTH, kpi="survey_responses", user=ani, value=10)
    unanswered = Target.objects.create(month=MONTH, kpi="nps", user=budi, value=50)

    found = kpis.actuals(*kpis.month_bounds(MONTH))

    assert found.of(kept) == 889_950 + 66_999
    assert found.people[ani.pk, "offers_accepted"] == 3
    assert found.of(score) == 40  # (3 promoters - 1 detractor) of 5
    assert found.of(answers) == 6
    assert found.of(unanswered) is None
    rows = kpis.progress([score, unanswered], found)
    assert [(row["actual"], row["percent"]) for row in rows] == [(40, 80), (None, 0)]


def test_a_negative_nps_fills_no_bar(crew):
    teams, (ani, _budi) = crew
    customer = make_customer(team=teams[0], owner=ani)
    record_events(
        [
            new_event(customer, "survey", data={"kind": "nps", "score": 2}, occurred_at=START),
        ]
    )
    target = Target.objects.create(month=MONTH, kpi="nps", user=ani, value=30)

    [row] = kpis.progress([target], kpis.actuals(*kpis.month_bounds(MONTH)))

    assert (row["actual"], row["bar"]) == (-100, 0)
