"""Background jobs: enqueue one, publish it to Celery, claim and run it, retry, cancel, and
find the ones whose worker died.

Two ways to run them, one record: with REDIS_URL a Celery worker runs each job it is told of
(`publish`); without it `manage.py run_jobs` polls the table. Either way a job is claimed by
one conditional UPDATE (queued → running), so a job published twice, or seen by two runners,
runs once.
"""

import contextvars
import json
import logging
import os
import socket
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext

from setia.celery import app
from setia.jobs.models import Job, Runner, progress_file

logger = logging.getLogger(__name__)

RUN_JOB_TASK = "setia.jobs.tasks.run_job"
FAILURE_REASON_LENGTH = 1000

_current: contextvars.ContextVar["_Running | None"] = contextvars.ContextVar(
    "setia_current_job", default=None
)


class Failed(Exception):
    """Raised by a job to fail with a reason a person can read (a bad file, a gone record);
    any other exception fails the job too, with its type and text."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class _Running:
    def __init__(self, job: Job):
        self.job = job
        self.written_at = 0.0


def enqueue(
    name: str,
    *args,
    label: str = "",
    created_by=None,
    run_after=None,
    on_failure: str = "",
    link: str = "",
    is_scheduled: bool = False,
    **kwargs,
) -> Job:
    """Record the job `name` (a task's dotted path) with its arguments in the caller's
    transaction, and once that commits hand it to a runner: published to Celery with REDIS_URL
    (a broker that is down leaves it for the relay), picked up by `run_jobs` otherwise, run on
    the spot when JOBS_EAGER is on (the test suite)."""
    import_string(name)  # a typo fails here, in the caller's request, not later in a worker
    job = Job.objects.create(
        name=name,
        label=(label or name.rsplit(".", 1)[-1])[:200],
        arguments={"args": list(args), "kwargs": kwargs},
        created_by=created_by if created_by is not None and created_by.pk else None,
        run_after=run_after or timezone.now(),
        on_failure=on_failure,
        link=link[:300],
        is_scheduled=is_scheduled,
    )
    transaction.on_commit(lambda: _hand_over(job.pk))
    return job


def _hand_over(job_id: int) -> None:
    if settings.JOBS_EAGER:
        run_claimed(job_id)
    elif settings.REDIS_URL:
        publish(Job.objects.filter(pk=job_id))


def publish(jobs) -> int:
    """Tell the Celery broker about each of `jobs` (a QuerySet) and note when; stops at the
    first failure, leaving the rest unpublished for the relay. Never raises: a broker that is
    down must not fail the request that queued the job."""
    published = 0
    try:
        with app.connection_for_write(settings.REDIS_URL) as broker:
            for job_id in jobs.values_list("pk", flat=True):
                app.send_task(RUN_JOB_TASK, args=[job_id], connection=broker, retry=False)
                Job.objects.filter(pk=job_id).update(published_at=timezone.now())
                published += 1
    except Exception as error:
        logger.warning("Jobs not published: the broker is unavailable (%s).", error)
    return published


def relay(*, now=None) -> int:
    """Publish the jobs the broker missed (it was down when they were queued, or a message was
    lost); run every minute by beat, when a Celery worker starts, and by `relay_jobs`."""
    now = now or timezone.now()
    if not settings.REDIS_URL:
        return 0
    return publish(Job.objects.unpublished(now=now).order_by("run_after", "pk"))


def claim(job_id: int, *, now=None) -> bool:
    """Take the queued job `job_id` for this process: True when it was still queued."""
    now = now or timezone.now()
    return bool(
        Job.objects.filter(pk=job_id, state=Job.State.QUEUED, run_after__lte=now).update(
            state=Job.State.RUNNING,
            attempts=F("attempts") + 1,
            started_at=now,
            heartbeat_at=now,
            failure_reason="",
            updated_at=now,
        )
    )


def claim_next(*, now=None) -> Job | None:
    """The oldest due queued job, taken for this process; None when there is none.

    On PostgreSQL the candidate row is locked with SKIP LOCKED, so runners never wait for each
    other; SQLite has one writer at a time, and the conditional UPDATE of `claim` decides."""
    now = now or timezone.now()
    due = Job.objects.filter(state=Job.State.QUEUED, run_after__lte=now).order_by("run_after", "pk")
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            job_id = due.select_for_update(skip_locked=True).values_list("pk", flat=True).first()
            if job_id is not None and claim(job_id, now=now):
                return Job.objects.get(pk=job_id)
        return None
    for job_id in due.values_list("pk", flat=True)[:20]:
        if claim(job_id, now=now):
            return Job.objects.get(pk=job_id)
    return None


def run_claimed(job_id: int) -> str:
    """Claim the job `job_id` and run it (a Celery worker, or JOBS_EAGER); a job that is no
    longer queued (run already, cancelled) is left alone. Returns the job's state."""
    if not claim(job_id):
        return Job.objects.filter(pk=job_id).values_list("state", flat=True).first() or ""
    return execute(Job.objects.get(pk=job_id))


def execute(job: Job) -> str:
    """Run the claimed `job` and record how it ended: done, or failed with the reason."""
    token = _current.set(_Running(job))
    heartbeat = None if settings.JOBS_EAGER else _Heartbeat(job.pk)
    try:
        if heartbeat:
            heartbeat.start()
        import_string(job.name)(*job.args, **job.kwargs)
    except Failed as error:
        _finish(job, Job.State.FAILED, reason=str(error.reason))
    except Exception as error:
        logger.exception("Job %s (%s) failed", job.pk, job.name)
        _finish(job, Job.State.FAILED, reason=f"{type(error).__name__}: {error}")
    else:
        _finish(job, Job.State.DONE)
    finally:
        if heartbeat:
            heartbeat.stop()
        _current.reset(token)
    return job.state


def _finish(job: Job, state: str, *, reason: str = "") -> None:
    now = timezone.now()
    job.state = state
    job.failure_reason = reason[:FAILURE_REASON_LENGTH]
    job.finished_at = now
    fields = {"state": state, "failure_reason": job.failure_reason, "finished_at": now}
    try:
        final = json.loads(progress_file(job.pk).read_text())
        progress_file(job.pk).unlink()
    except (OSError, ValueError):
        final = None
    if final is not None:
        job.progress = fields["progress"] = final
    Job.objects.filter(pk=job.pk).update(updated_at=now, **fields)
    if state == Job.State.FAILED:
        _call_failure_hook(job)


def _call_failure_hook(job: Job) -> None:
    if not job.on_failure:
        return
    try:
        import_string(job.on_failure)(job)
    except Exception:
        logger.exception("The failure hook of job %s failed", job.pk)


def report_progress(phase: str, done: int, total: int, **extra) -> None:
    """Called by a running job: how far it got. Written at most once a second (and at the end of
    each phase), so a million rows cost a handful of writes; outside a job it does nothing."""
    running = _current.get()
    if running is None:
        return
    clock = time.monotonic()
    if clock - running.written_at < settings.JOBS_PROGRESS_SECONDS and done < total:
        return
    running.written_at = clock
    value = {"phase": phase, "done": done, "total": total, **extra}
    running.job.progress = value
    _write(running.job.pk, progress=value)


def _write(job_id: int, *, progress: dict | None = None) -> None:
    """Progress and heartbeat, visible to other processes while the job's own transaction is
    still open: through a second connection on PostgreSQL; on SQLite, whose one writer may be
    this very transaction, into the job's progress file."""
    now = timezone.now()
    if not connection.in_atomic_block:
        fields = {"heartbeat_at": now} | ({"progress": progress} if progress is not None else {})
        Job.objects.filter(pk=job_id).update(**fields)
        return
    if connection.vendor == "postgresql":
        side = connections.create_connection(DEFAULT_DB_ALIAS)
        try:
            with side.cursor() as cursor:
                cursor.execute(
                    "UPDATE jobs_job SET heartbeat_at = %s, progress = COALESCE(%s, progress) "
                    "WHERE id = %s",
                    [now, None if progress is None else json.dumps(progress), job_id],
                )
                written = cursor.rowcount
        finally:
            side.close()
        if not written:
            # The job's own row is not committed yet (run as the transaction that queued it
            # commits, in the test suite): only this connection sees it.
            fields = {"heartbeat_at": now} | ({"progress": progress} if progress else {})
            Job.objects.filter(pk=job_id).update(**fields)
        return
    path = progress_file(job_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    if progress is None:
        path.touch()
    else:
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(progress))
        temporary.replace(path)


class _Heartbeat:
    """Touches the running job every JOBS_HEARTBEAT_SECONDS from a thread, so a job that reports
    no progress for a while is not taken for dead; a process that dies stops touching it."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, daemon=True, name=f"job-{job_id}")

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=5)

    def _beat(self) -> None:
        try:
            while not self.stopped.wait(settings.JOBS_HEARTBEAT_SECONDS):
                try:
                    Job.objects.filter(pk=self.job_id).update(heartbeat_at=timezone.now())
                except OperationalError:
                    # SQLite is locked by the job's own transaction: the file carries the beat.
                    path = progress_file(self.job_id)
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.touch()
        finally:
            connections.close_all()


def fail_stale(*, now=None) -> int:
    """Mark failed, with the reason, the running jobs whose worker died (no heartbeat for
    JOBS_HEARTBEAT_TIMEOUT seconds); they can be retried."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.JOBS_HEARTBEAT_TIMEOUT)
    failed = 0
    for job in Job.objects.stale(now=now):
        try:
            if progress_file(job.pk).stat().st_mtime > cutoff.timestamp():
                continue  # alive, writing to its file inside a long SQLite transaction
        except OSError:
            pass
        reason = gettext(
            "The worker running this job stopped (it was killed or its machine restarted); "
            "nothing of its unfinished work was kept."
        )
        updated = Job.objects.filter(pk=job.pk, state=Job.State.RUNNING).update(
            state=Job.State.FAILED, failure_reason=reason, finished_at=now, updated_at=now
        )
        if updated:
            job.state, job.failure_reason = Job.State.FAILED, reason
            progress_file(job.pk).unlink(missing_ok=True)
            _call_failure_hook(job)
            failed += 1
    return failed


def retry(job: Job, *, actor) -> bool:
    """Queue a failed or cancelled job again (the actor must be allowed to change it)."""
    if not job.can_be_changed_by(actor) or not job.can_retry:
        return False
    now = timezone.now()
    with transaction.atomic():
        updated = Job.objects.filter(
            pk=job.pk, state__in=[Job.State.FAILED, Job.State.CANCELLED]
        ).update(
            state=Job.State.QUEUED,
            run_after=now,
            published_at=None,
            finished_at=None,
            progress={},
            updated_at=now,
        )
        if updated:
            transaction.on_commit(lambda: _hand_over(job.pk))
    return bool(updated)


def cancel(job: Job, *, actor) -> bool:
    """Cancel a job that has not started (a running one is left to finish)."""
    if not job.can_be_changed_by(actor) or not job.can_cancel:
        return False
    now = timezone.now()
    updated = Job.objects.filter(pk=job.pk, state=Job.State.QUEUED).update(
        state=Job.State.CANCELLED,
        failure_reason=gettext("Cancelled by %(name)s.") % {"name": actor},
        finished_at=now,
        updated_at=now,
    )
    if updated:
        job.refresh_from_db()
        _call_failure_hook(job)
    return bool(updated)


def purge(*, now=None) -> int:
    """Delete finished jobs older than JOBS_KEEP_DAYS, and the schedule's done jobs (several a
    minute) after a day; failed ones stay for someone to see."""
    now = now or timezone.now()
    finished = Job.objects.filter(state__in=[Job.State.DONE, Job.State.CANCELLED])
    deleted, _kinds = finished.filter(
        Q(finished_at__lt=now - timedelta(days=settings.JOBS_KEEP_DAYS))
        | Q(is_scheduled=True, finished_at__lt=now - timedelta(days=1))
    ).delete()
    return deleted


def housekeeping(*, now=None) -> dict[str, int]:
    """What runs every minute besides the jobs themselves: publish what the broker missed,
    fail the jobs of dead workers, forget old finished jobs."""
    return {"published": relay(now=now), "failed": fail_stale(now=now), "purged": purge(now=now)}


def seen(name: str | None = None) -> None:
    """Record that a runner is alive (see `runner_is_alive`)."""
    name = name or f"{socket.gethostname()}:{os.getpid()}"
    Runner.objects.update_or_create(name=name[:200], defaults={"seen_at": timezone.now()})


def runner_is_alive(*, now=None) -> bool:
    """Whether some runner (`run_jobs`, or Celery's relay) gave a sign of life lately."""
    now = now or timezone.now()
    return Runner.objects.filter(seen_at__gte=now - timedelta(seconds=180)).exists()


def run_pending(*, limit: int | None = None) -> int:
    """Run every due queued job in this process, one after the other (tests, `run_jobs
    --once`); returns how many ran."""
    count = 0
    while limit is None or count < limit:
        job = claim_next()
        if job is None:
            break
        execute(job)
        count += 1
    return count
