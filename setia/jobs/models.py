"""Background jobs: one row per piece of work that must not run inside a request.

The row is written in the caller's transaction, so it is also the outbox: a job exists exactly
when the change that asked for it committed, whether or not a broker was there to hear of it.
"""

import json
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from setia.accounts.models import Role


def progress_file(job_id: int) -> Path:
    """Where a job writes its progress while its own transaction holds SQLite's single write
    lock (no other connection may write then, and the page must still move)."""
    return Path(settings.PRIVATE_ROOT) / "job-progress" / f"{job_id}.json"


class JobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Jobs a user may see: admins and managers see every job, others those they started."""
        if not user.is_authenticated:
            return self.none()
        if can_manage_all(user):
            return self
        return self.filter(created_by=user)

    def stale(self, *, now):
        """Running jobs whose worker gave no sign of life for JOBS_HEARTBEAT_TIMEOUT seconds:
        the process died (killed, out of memory, machine restarted)."""
        cutoff = now - timedelta(seconds=settings.JOBS_HEARTBEAT_TIMEOUT)
        return self.filter(state=Job.State.RUNNING, heartbeat_at__lt=cutoff)

    def unpublished(self, *, now):
        """Queued jobs the broker has not (or not recently) been told about: never published
        because it was down, or published so long ago that the message must have been lost."""
        republish = now - timedelta(seconds=settings.JOBS_REPUBLISH_AFTER)
        return self.filter(state=Job.State.QUEUED, run_after__lte=now).filter(
            Q(published_at__isnull=True) | Q(published_at__lt=republish)
        )


def can_manage_all(user) -> bool:
    """Admins and managers see, retry and cancel everyone's jobs."""
    return user.is_authenticated and user.role in (Role.ADMIN, Role.MANAGER)


class Job(models.Model):
    """One background job: what to run (`name`, a task's dotted path, with `arguments`), where it
    stands, why it failed, and how far it got."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    ACTIVE = (State.QUEUED, State.RUNNING)
    changeable = False  # set by a page for the user looking at it (can_be_changed_by)

    name = models.CharField(_("task"), max_length=200)
    label = models.CharField(_("job"), max_length=200)
    arguments = models.JSONField(default=dict)  # {"args": [...], "kwargs": {...}}
    # Called with the job when it fails or is cancelled, so its subject (an import) says so too.
    on_failure = models.CharField(max_length=200, blank=True)
    link = models.CharField(max_length=300, blank=True)  # the page of what the job works on
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    failure_reason = models.TextField(_("failure reason"), blank=True)
    progress = models.JSONField(default=dict, blank=True)  # {"phase", "done", "total"}
    is_scheduled = models.BooleanField(default=False)  # started by the schedule, not a person
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    run_after = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        indexes = [
            # What a worker claims next, and what the relay publishes.
            models.Index(fields=["state", "run_after"], name="job_state_run_after_idx"),
            models.Index(fields=["created_by", "-created_at"], name="job_created_by_idx"),
            models.Index(fields=["-created_at"], name="job_created_idx"),
        ]

    def __str__(self):
        return f"{self.label} ({self.state})"

    @property
    def args(self) -> list:
        return list(self.arguments.get("args", []))

    @property
    def kwargs(self) -> dict:
        return dict(self.arguments.get("kwargs", {}))

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE

    def current_progress(self) -> dict:
        """The latest progress: from the row, or from the file a job inside a long SQLite
        transaction writes instead (see progress_file)."""
        if self.state == self.State.RUNNING:
            try:
                return json.loads(progress_file(self.pk).read_text())
            except (OSError, ValueError):
                pass
        return self.progress or {}

    def percent(self) -> int | None:
        """How far the job got (0-100), or None when it does not say."""
        value = self.current_progress()
        if "percent" in value:
            return int(value["percent"])
        if not value.get("total"):
            return None
        return int(min(value.get("done", 0) / value["total"], 1) * 100)

    def can_be_changed_by(self, user) -> bool:
        """Who may retry or cancel: the person who started it, admins and managers."""
        return can_manage_all(user) or (user.is_authenticated and self.created_by_id == user.pk)

    @property
    def can_retry(self) -> bool:
        return self.state in (self.State.FAILED, self.State.CANCELLED)

    @property
    def can_cancel(self) -> bool:
        return self.state == self.State.QUEUED


class Runner(models.Model):
    """A job runner's last sign of life, so a page can say that nobody is processing jobs."""

    name = models.CharField(max_length=200, unique=True)
    seen_at = models.DateTimeField()

    class Meta:
        verbose_name = _("job runner")
        verbose_name_plural = _("job runners")

    def __str__(self):
        return self.name
