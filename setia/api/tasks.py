"""The API's scheduled job (setia.jobs: a Celery worker with REDIS_URL, `run_jobs` otherwise):
forgetting old idempotency keys."""

from celery import shared_task
from django.utils import timezone

from setia.api.actions import delete_old_idempotent_requests


@shared_task(ignore_result=True)
def delete_old_idempotency_keys() -> int:
    """The answers of keyed POSTs older than a day, deleted (hourly)."""
    return delete_old_idempotent_requests(now=timezone.now())
