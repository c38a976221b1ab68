"""The daily schedule step: due invitations inserted set-based, never inside the re-survey
interval, then sent as a job."""

import datetime

import pytest
import time_machine
from django.test import override_settings

from setia.engagement.models import Message
from setia.jobs.models import Job
from setia.surveys import actions
from setia.surveys.models import Schedule, SurveyInvitation
from setia.surveys.tests.factories import make_invitation, nps
from setia.test import make_contact, make_customer
from setia.work.onboarding.models import Onboarding, Stage

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 1, 0, tzinfo=datetime.UTC)


def _customer_with_contact(team, **contact):
    customer = make_customer(team=team)
    contact.setdefault("email", f"owner{customer.pk}@example.test")
    return customer, make_contact(customer, is_primary=True, **contact)


@override_settings(SURVEY_RESURVEY_DAYS=60)
def test_every_n_days_never_resurveys_inside_the_interval(team_a):
    Schedule.objects.create(survey=nps(), trigger="every", days=30, channel="email")
    _customer, contact = _customer_with_contact(team_a)
    _no_email, _ = _customer_with_contact(team_a, email="")
    sent_days = []
    for day in range(0, 200):
        with time_machine.travel(START + datetime.timedelta(days=day), tick=False):
            if actions.plan_due(moment=actions.now()):
                sent_days.append(day)
    # every 30 days asked, but never within 60 days of the last invitation
    assert sent_days == [0, 60, 120, 180]
    assert set(SurveyInvitation.objects.values_list("contact_id", flat=True)) == {contact.pk}


@override_settings(SURVEY_RESURVEY_DAYS=60)
def test_an_invitation_of_any_survey_counts_against_the_interval(team_a):
    Schedule.objects.create(survey=nps(), trigger="every", days=7, channel="email")
    _customer, contact = _customer_with_contact(team_a)
    with time_machine.travel(START, tick=False):
        make_invitation(contact, survey=nps(), sent_at=START - datetime.timedelta(days=59))
        assert actions.plan_due(moment=actions.now()) == 0
    with time_machine.travel(START + datetime.timedelta(days=1, hours=1), tick=False):
        assert actions.plan_due(moment=actions.now()) == 1
        # two schedules due the same day: one invitation
        Schedule.objects.create(survey=nps(), trigger="every", days=1, channel="email")
        assert actions.plan_due(moment=actions.now()) == 0


@override_settings(SURVEY_RESURVEY_DAYS=30)
def test_n_days_after_onboarding_goes_live_once(team_a):
    Schedule.objects.create(survey=nps(), trigger="onboarding_live", days=14, channel="email")
    live, contact = _customer_with_contact(team_a)
    not_yet, _ = _customer_with_contact(team_a)
    final = Stage.objects.filter(is_final=True).first()
    Onboarding.objects.create(customer=live, stage=final, entered_stage_at=START)
    Onboarding.objects.create(
        customer=not_yet, stage=final, entered_stage_at=START + datetime.timedelta(days=10)
    )
    counts = []
    for day in (13, 14, 15, 50):
        with time_machine.travel(START + datetime.timedelta(days=day, hours=1), tick=False):
            counts.append(actions.plan_due(moment=actions.now()))
    assert counts == [0, 1, 0, 0]
    assert SurveyInvitation.objects.get().contact == contact


def test_the_step_sends_the_due_invitations_as_a_job(team_a, django_capture_on_commit_callbacks):
    Schedule.objects.create(survey=nps(), trigger="every", days=90, channel="email")
    _customer, contact = _customer_with_contact(team_a, name="Sari")
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.schedule_step(today=actions.now().date()) == 1
    assert Job.objects.filter(name="setia.surveys.tasks.send_scheduled_invitations").exists()
    invitation = SurveyInvitation.objects.get()
    assert invitation.message is not None
    message = Message.objects.get()
    assert message.recipient == contact.email
    assert "/s/" in message.body
    assert "Hello Sari" in message.body or "Halo Sari" in message.body
