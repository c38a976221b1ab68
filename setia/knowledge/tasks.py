"""Celery beat job of the knowledge app (the beat schedule in settings names it)."""

from celery import shared_task

from setia.knowledge import actions


@shared_task(ignore_result=True)
def create_review_tasks() -> int:
    """A task for the owner of every answer whose review is due; daily."""
    return actions.create_review_tasks()
