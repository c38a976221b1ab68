"""What an answer does: health's "last NPS/CSAT" factor, and the follow-up playbook of a
detractor."""

import datetime

import pytest
import time_machine

from setia.health.actions import compute_health
from setia.health.models import CustomerHealth
from setia.health.tests.factories import DAY, MOMENT, only_factors
from setia.surveys import actions
from setia.surveys.tests.factories import csat, make_invitation, make_response, nps
from setia.test import make_contact, make_customer, make_subscription
from setia.work.automation.models import PlaybookRun
from setia.work.schedule.models import Task

pytestmark = pytest.mark.django_db


@time_machine.travel(MOMENT, tick=False)
def test_the_last_nps_or_csat_answer_in_the_window_is_graded(team_a):
    only_factors("survey")  # good from 75 %, poor below 60 %, over 180 days
    cases = {
        "NPS 8": [(nps(), 2, 30), (nps(), 8, 1)],  # the last answer counts
        "NPS 7": [(nps(), 7, 1)],
        "NPS 5": [(nps(), 5, 1)],
        "CSAT 4": [(csat(), 4, 1)],
        "CSAT 3": [(csat(), 3, 1)],
        "CSAT 2": [(csat(), 2, 1)],
        "Too old": [(nps(), 0, 181)],
    }
    customers = {}
    for name, answers in cases.items():
        customers[name] = make_customer(name=name, team=team_a)
        contact = make_contact(customers[name])
        for survey, score, days_ago in answers:
            sent = MOMENT - datetime.timedelta(days=days_ago, hours=2)
            make_response(make_invitation(contact, survey=survey, sent_at=sent), score)
    make_customer(name="Never asked", team=team_a)

    compute_health(today=DAY)

    health = {h.customer.name: h for h in CustomerHealth.objects.select_related("customer")}
    assert {name: (h.survey, h.grade, h.score) for name, h in health.items()} == {
        "NPS 8": (80, "g", 100),
        "NPS 7": (70, "a", 50),
        "NPS 5": (50, "p", 0),
        "CSAT 4": (75, "g", 100),
        "CSAT 3": (50, "p", 0),
        "CSAT 2": (25, "p", 0),
    }


@time_machine.travel(MOMENT, tick=False)
def test_a_detractor_answer_starts_the_follow_up_playbook_once(customer, executive):
    make_subscription(customer, monthly_price=500_000)
    contact = make_contact(customer, name="Budi")

    actions.answer(invitation=make_invitation(contact), score=3, comment="Website lambat")

    run = PlaybookRun.objects.get()
    assert (run.customer, run.kind, run.playbook.name) == (
        customer,
        "survey_detractor",
        "Survey follow-up",
    )
    assert run.reason == "NPS answer 3: “Website lambat”"
    assert run.figures["survey_score"] == 3
    task = Task.objects.get(playbook_run=run)
    assert task.owner == executive
    # the nightly evaluation does not start it again, even after the run is closed
    from setia.work.automation.evaluation import evaluate

    assert evaluate(day=DAY).started == 0
    PlaybookRun.objects.update(status="done", closed_at=MOMENT)
    assert evaluate(day=DAY).started == 0


@time_machine.travel(MOMENT, tick=False)
@pytest.mark.parametrize(
    ("survey", "score", "starts"),
    [("NPS", 6, True), ("NPS", 7, False), ("CSAT", 2, True), ("CSAT", 3, False)],
)
def test_which_answers_are_detractors(customer, survey, score, starts):
    invitation = make_invitation(
        make_contact(customer), survey=nps() if survey == "NPS" else csat()
    )
    actions.answer(invitation=invitation, score=score)
    assert PlaybookRun.objects.exists() is starts
