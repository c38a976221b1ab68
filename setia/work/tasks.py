"""Celery beat jobs of the work app, one module for Celery's autodiscovery (their names,
`setia.work.tasks.*`, are what the beat schedule in settings calls). Idempotent: each task is
claimed before it is mailed, and a playbook is never started twice for a customer."""

from celery import shared_task

from setia.work.automation.evaluation import evaluate
from setia.work.schedule import actions


@shared_task(ignore_result=True)
def send_task_reminders() -> int:
    """E-mail reminders whose time has come; every minute."""
    return actions.send_due_reminders()


@shared_task(ignore_result=True)
def notify_tasks_due_today() -> int:
    """Tell each person how many of their tasks are due today; every morning, once a day."""
    return actions.notify_tasks_due_today()


@shared_task(ignore_result=True)
def escalate_overdue_tasks() -> int:
    """Escalate tasks overdue by more than WORK_ESCALATION_HOURS to the team lead; hourly."""
    return actions.escalate_overdue()


@shared_task(ignore_result=True)
def evaluate_triggers() -> str:
    """Evaluate the trigger rules and start playbooks; daily, after the nightly recompute."""
    return evaluate().summary()
