"""Celery beat jobs of the cadence app (their names, `setia.cadence.tasks.*`, are what the beat
schedule in settings calls)."""

from celery import shared_task

from setia.cadence.delivery import send_weekly_updates as send


@shared_task(ignore_result=True)
def send_weekly_updates() -> int:
    """E-mail each team's weekly update of the week just ended; Mondays, once per week."""
    return send()
