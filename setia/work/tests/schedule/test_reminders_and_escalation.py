import datetime

import pytest
import time_machine
from django.core import mail
from django.test import override_settings

from setia.history.models import TimelineEvent
from setia.work import tasks
from setia.work.schedule.models import Task
from setia.work.tests.factories import at, make_task


def test_it_emails_a_reminder_once_when_its_time_comes(executive):
    task = make_task(owner=executive, title="Kickoff call", due_at=at(10, 10), remind_at=at(10, 9))

    with time_machine.travel(at(10, 9) - datetime.timedelta(minutes=1), tick=False):
        assert tasks.send_task_reminders() == 0
    with time_machine.travel(at(10, 9), tick=False):
        assert tasks.send_task_reminders() == 1
        assert tasks.send_task_reminders() == 0  # idempotent

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [executive.email]
    assert message.subject == "Reminder: Kickoff call"
    assert f"/work/tasks/{task.code}/" in message.body
    task.refresh_from_db()
    assert task.reminder_sent_at == at(10, 9)


def test_it_does_not_remind_about_done_or_unowned_tasks(executive):
    make_task(owner=executive, remind_at=at(10, 8), due_at=at(10, 10), status="done")
    make_task(owner=None, remind_at=at(10, 8), due_at=at(10, 10))
    with time_machine.travel(at(10, 9), tick=False):
        assert tasks.send_task_reminders() == 0
    assert mail.outbox == []


@pytest.fixture
def lead(team_a):
    from setia.accounts.models import Role
    from setia.test import make_user

    lead = make_user(Role.EXECUTIVE, team=team_a, full_name="Dewi Lead")
    team_a.lead = lead
    team_a.save(update_fields=["lead"])
    return lead


@override_settings(WORK_ESCALATION_HOURS=24)
def test_it_escalates_an_overdue_task_to_the_team_lead_after_the_delay(executive, lead, customer):
    task = make_task(
        owner=executive, customer=customer, title="Send the invoice", due_at=at(10, 10)
    )

    with time_machine.travel(at(11, 10) - datetime.timedelta(minutes=1), tick=False):
        assert tasks.escalate_overdue_tasks() == 0  # 23h59 late
    with time_machine.travel(at(11, 10), tick=False):
        assert tasks.escalate_overdue_tasks() == 1
        assert tasks.escalate_overdue_tasks() == 0  # once

    task.refresh_from_db()
    assert (task.escalated_to, task.escalated_at) == (lead, at(11, 10))
    assert [message.to for message in mail.outbox] == [[lead.email]]
    event = TimelineEvent.objects.get()
    assert (event.data["task_action"], event.data["escalated_to"]) == ("escalated", "Dewi Lead")


@override_settings(WORK_ESCALATION_HOURS=2)
def test_the_delay_is_configurable_and_leads_see_escalations_on_my_day(client, executive, lead):
    make_task(owner=executive, title="Send the invoice", due_at=at(10, 10))
    with time_machine.travel(at(10, 12), tick=False):
        assert tasks.escalate_overdue_tasks() == 1
        client.force_login(lead)
        page = client.get("/work/")
    assert [task.title for task in page.context["escalated"]] == ["Send the invoice"]


def test_it_does_not_escalate_the_leads_own_or_done_tasks(lead, executive):
    make_task(owner=lead, due_at=at(1, 10))
    make_task(owner=executive, due_at=at(1, 10), status="done")
    with time_machine.travel(at(10, 12), tick=False):
        assert tasks.escalate_overdue_tasks() == 0
    assert Task.objects.filter(escalated_at__isnull=False).count() == 0
