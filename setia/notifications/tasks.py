"""Celery beat jobs of the notifications app (the beat schedule in settings names them)."""

from celery import shared_task

from setia.notifications import actions


@shared_task(ignore_result=True)
def send_immediate() -> int:
    """E-mail the notifications their recipients want at once; every minute."""
    return actions.send_immediate()


@shared_task(ignore_result=True)
def send_digests() -> int:
    """E-mail each person's daily digest, once per day; every morning."""
    return actions.send_digests()
