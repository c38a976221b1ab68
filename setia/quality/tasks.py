"""Nightly data-quality jobs. Both are idempotent: a second run the same day changes nothing."""

from celery import shared_task

from setia.quality.actions import flag_duplicates, record_snapshot


@shared_task
def scan_duplicates() -> int:
    """Flag new duplicate candidates among all customers; returns how many were created."""
    return flag_duplicates(source="scan")


@shared_task
def snapshot_quality() -> int:
    """Record today's data-quality figures; returns how many snapshot rows were written."""
    return len(record_snapshot())
