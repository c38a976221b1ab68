"""The daily reminder: an e-mail to whoever has not acknowledged an announcement once it is as
old as it says, at most once a day, delivered to a real SMTP server."""

import datetime

import pytest
import time_machine

from setia.accounts.models import Role
from setia.announcements.actions import acknowledge, send_reminders
from setia.announcements.models import Audience, Reminder
from setia.announcements.tests.factories import publish
from setia.jobs.actions import run_pending
from setia.jobs.models import Job
from setia.jobs.schedule import Schedule
from setia.test import make_user

pytestmark = pytest.mark.django_db

# Monday 7 December 2026, 09:00 in Jakarta.
PUBLISHED = datetime.datetime(2026, 12, 7, 2, 0, tzinfo=datetime.UTC)


@pytest.fixture
def people(manager, team_a, team_b):
    return {
        "rina": make_user(Role.EXECUTIVE, team=team_a, email="rina@setia.test", language="id"),
        "dimas": make_user(Role.EXECUTIVE, team=team_a, email="dimas@setia.test", language="en"),
        "sari": make_user(Role.INTERN, team=team_a, email="sari@setia.test", language="id"),
        "bayu": make_user(Role.EXECUTIVE, team=team_b, email="bayu@setia.test"),
    }


def _at(days: int, hour: int = 8):
    """`days` after publication, at `hour`:00 in Jakarta."""
    day = PUBLISHED.date() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour - 7), tzinfo=datetime.UTC)


def test_the_schedule_reminds_those_who_have_not_read_once_a_day(
    smtp, settings, manager, team_a, people
):
    with time_machine.travel(PUBLISHED, tick=False):
        announcement = publish(
            manager,
            audience=Audience.TEAMS,
            teams=[team_a],
            title_id="Checkpoint sebelum pukul 10",
            title_en="Checkpoint by 10:00",
            remind_after_days=2,
        )
        acknowledge(announcement=announcement, user=people["sari"])

    # one day on: too early
    with time_machine.travel(_at(1), tick=False):
        assert send_reminders() == 0

    # two days on, the morning schedule: Rina and Dimas, each in their language
    settings.JOBS_EAGER = False
    entries = {"reminders": settings.CELERY_BEAT_SCHEDULE["announcements-send-reminders"]}
    with time_machine.travel(_at(2, hour=7), tick=False):
        schedule = Schedule(entries)
        assert schedule.enqueue_due() == []
    with time_machine.travel(_at(2, hour=8) + datetime.timedelta(minutes=1), tick=False):
        assert schedule.enqueue_due() == ["reminders"]
        run_pending()
    assert Job.objects.get().state == Job.State.DONE
    messages = smtp.messages()
    assert sorted((m["To"], m["Subject"]) for m in messages) == [
        ("dimas@setia.test", "Please read: Checkpoint by 10:00"),
        ("rina@setia.test", "Harap dibaca: Checkpoint sebelum pukul 10"),
    ]
    assert f"/announcements/{announcement.code}/" in messages[0].get_content()

    # a second run the same day sends nothing
    with time_machine.travel(_at(2, hour=15), tick=False):
        assert send_reminders() == 0
    assert len(smtp.received) == 2

    # the next day, only whoever still has not read it
    acknowledge(announcement=announcement, user=people["rina"])
    with time_machine.travel(_at(3), tick=False):
        assert send_reminders() == 1
    assert [m["To"] for m in smtp.messages()[2:]] == ["dimas@setia.test"]
    assert Reminder.objects.count() == 3


def test_no_reminders_unless_asked_for_or_when_nothing_is_required(smtp, manager, people):
    with time_machine.travel(PUBLISHED, tick=False):
        publish(manager, remind_after_days=None)
        publish(manager, requires_acknowledgement=False)
    with time_machine.travel(_at(10), tick=False):
        assert send_reminders() == 0
    assert smtp.received == []


def test_the_people_are_chosen_in_one_query_per_announcement(
    smtp, manager, team_a, django_assert_num_queries
):
    with time_machine.travel(PUBLISHED, tick=False):
        announcement = publish(
            manager, audience=Audience.TEAMS, teams=[team_a], remind_after_days=1
        )
    for _number in range(5):
        make_user(Role.EXECUTIVE, team=team_a)
    # the marks' refresh, the announcements, their people, the reminders' rows (in a savepoint)
    with (
        time_machine.travel(_at(1), tick=False),
        django_assert_num_queries(REMINDER_QUERIES),
    ):
        assert send_reminders() == 5
    assert Reminder.objects.filter(announcement=announcement).count() == 5


REMINDER_QUERIES = 6
