"""Celery jobs: the nightly recompute and the metrics inbox (both idempotent)."""

from datetime import date
from pathlib import Path

from celery import shared_task
from django.conf import settings

from setia.lib.dates import today as today_in_jakarta
from setia.metrics.actions import run_recompute
from setia.metrics.inbox import process_inbox


@shared_task
def recompute_nightly(today: str | None = None) -> list[tuple[str, int, float]]:
    """Run the RECOMPUTE_STEPS; `today` (YYYY-MM-DD) defaults to today in TIME_ZONE."""
    day = date.fromisoformat(today) if today else today_in_jakarta()
    return [(step.name, step.rows, step.seconds) for step in run_recompute(today=day)]


@shared_task
def ingest_inbox(today: str | None = None) -> list[tuple[str, str, str]]:
    """Ingest the files waiting in METRICS_INBOX; does nothing when the setting is empty."""
    if not settings.METRICS_INBOX:
        return []
    day = date.fromisoformat(today) if today else today_in_jakarta()
    return [
        (item.name, item.outcome, item.summary)
        for item in process_inbox(Path(settings.METRICS_INBOX), today=day)
    ]
