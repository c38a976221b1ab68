"""Celery beat job of the announcements app (the beat schedule in settings names it)."""

from celery import shared_task

from setia.announcements import actions


@shared_task(ignore_result=True)
def send_reminders() -> int:
    """E-mail the day's reminders of unacknowledged announcements; daily."""
    return actions.send_reminders()
