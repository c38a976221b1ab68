"""Celery beat jobs of the work app; idempotent (each task is claimed before it is mailed)."""

from celery import shared_task

from setia.work import actions
from setia.work.triggers import evaluate


@shared_task(ignore_result=True)
def send_task_reminders() -> int:
    """E-mail reminders whose time has come; every minute."""
    return actions.send_due_reminders()


@shared_task(ignore_result=True)
def escalate_overdue_tasks() -> int:
    """Escalate tasks overdue by more than WORK_ESCALATION_HOURS to the team lead; hourly."""
    return actions.escalate_overdue()


@shared_task(ignore_result=True)
def evaluate_triggers() -> str:
    """Evaluate the trigger rules and start playbooks; daily, after the nightly recompute."""
    return evaluate().summary()
