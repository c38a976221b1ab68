"""The beat schedule (CELERY_BEAT_SCHEDULE) kept by `run_jobs` when there is no Celery beat:
each entry that falls due becomes a job, run like any other and visible on the jobs page."""

from datetime import datetime, timedelta
from typing import Any, cast

from celery.schedules import schedule as every
from django.conf import settings
from django.utils import timezone

from setia.jobs import actions

HOUSEKEEPING = "setia.jobs.tasks.housekeeping"


class Schedule:
    """The due times of each beat entry, counted from when the runner started."""

    def __init__(
        self, entries: dict[str, dict[str, Any]] | None = None, *, now: datetime | None = None
    ):
        if entries is None:
            entries = cast(dict[str, dict[str, Any]], settings.CELERY_BEAT_SCHEDULE)
        now = now or timezone.now()
        self.entries = {
            key: (
                entry["task"],
                entry["schedule"]
                if hasattr(entry["schedule"], "is_due")
                else every(timedelta(seconds=float(entry["schedule"]))),
            )
            for key, entry in entries.items()
            # The runner does its own housekeeping; Celery beat needs it as a task.
            if entry["task"] != HOUSEKEEPING
        }
        self.last_run = dict.fromkeys(self.entries, now)

    def enqueue_due(self, *, now: datetime | None = None) -> list[str]:
        """Queue a job for every entry due at `now`; returns their keys."""
        now = now or timezone.now()
        due = []
        for key, (task, when) in self.entries.items():
            if not when.is_due(self.last_run[key]).is_due:
                continue
            self.last_run[key] = now
            actions.enqueue(task, label=key, is_scheduled=True)
            due.append(key)
        return due
