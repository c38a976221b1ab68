"""Jobs of the surveys app."""

from celery import shared_task

from setia.surveys import actions


@shared_task(ignore_result=True)
def send_scheduled_invitations() -> int:
    """Send the invitations the daily schedule step inserted (see actions.send_unsent)."""
    return actions.send_unsent()
