"""Enqueue, claim, run, retry, cancel, relay, dead workers, the schedule, the command."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from setia.jobs import actions
from setia.jobs.models import Job, Runner
from setia.jobs.schedule import Schedule
from setia.jobs.tasks import run_job
from setia.jobs.tests import sample_tasks

SAMPLE = "setia.jobs.tests.sample_tasks."


def test_a_job_exists_only_when_its_transaction_commits(db, background):
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.enqueue(SAMPLE + "remember", 1)
        raise RuntimeError("the request failed")

    assert Job.objects.count() == 0


def test_it_refuses_a_task_that_does_not_exist(db, background):
    with pytest.raises(ImportError):
        actions.enqueue(SAMPLE + "no_such_task")


def test_a_queued_job_waits_for_a_runner_and_runs_once(db, background, manager):
    job = actions.enqueue(SAMPLE + "remember", 7, twice=True, created_by=manager, label="Seven")

    assert (job.state, job.published_at, sample_tasks.ran) == ("queued", None, [])
    assert actions.run_pending() == 1
    assert actions.run_pending() == 0

    job.refresh_from_db()
    assert sample_tasks.ran == [7, 7]
    assert (job.state, job.attempts, job.failure_reason) == ("done", 1, "")
    assert job.finished_at is not None


def test_in_the_test_suite_a_job_runs_as_it_commits_through_its_row(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = actions.enqueue(SAMPLE + "remember", 1)

    job.refresh_from_db()
    assert (job.state, sample_tasks.ran) == ("done", [1])


def test_a_job_claimed_once_is_not_claimed_again(db, background):
    job = actions.enqueue(SAMPLE + "remember", 1)

    claimed = actions.claim_next()

    assert claimed.pk == job.pk and claimed.state == "running"
    assert actions.claim_next() is None
    assert actions.claim(job.pk) is False
    assert actions.run_claimed(job.pk) == "running"  # a second delivery leaves it alone
    assert sample_tasks.ran == []


def test_a_job_due_later_is_not_claimed_before(db, background):
    actions.enqueue(SAMPLE + "remember", 1, run_after=timezone.now() + timedelta(minutes=5))

    assert actions.claim_next() is None


@pytest.mark.parametrize(
    ("task", "args", "reason"),
    [("refuse", ["The file is empty."], "The file is empty."), ("crash", [], "RuntimeError: boom")],
)
def test_a_failing_job_records_why_and_calls_its_hook(db, background, task, args, reason):
    job = actions.enqueue(SAMPLE + task, *args, on_failure=SAMPLE + "on_failure")

    actions.run_pending()

    job.refresh_from_db()
    assert (job.state, job.failure_reason) == ("failed", reason)
    assert sample_tasks.hooked == [(job.pk, "failed", reason)]


def test_progress_is_written_on_the_row(db, background):
    job = actions.enqueue(SAMPLE + "count_rows", 3)

    actions.run_pending()

    job.refresh_from_db()
    assert job.progress == {"phase": "read", "done": 3, "total": 3}
    assert job.percent() == 100


def test_the_starter_and_managers_retry_a_failed_job_others_may_not(
    db, background, executive, other_executive, manager
):
    job = actions.enqueue(SAMPLE + "crash", created_by=executive)
    actions.run_pending()
    job.refresh_from_db()

    assert actions.retry(job, actor=other_executive) is False
    assert actions.retry(job, actor=executive) is True
    job.refresh_from_db()
    assert (job.state, job.finished_at, job.published_at) == ("queued", None, None)
    actions.run_pending()
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("failed", 2)
    assert actions.retry(job, actor=manager) is True


def test_only_a_job_not_started_can_be_cancelled(db, background, executive, other_executive):
    job = actions.enqueue(
        SAMPLE + "remember", 1, created_by=executive, on_failure=SAMPLE + "on_failure"
    )

    assert actions.cancel(job, actor=other_executive) is False
    assert actions.cancel(job, actor=executive) is True

    job.refresh_from_db()
    assert job.state == "cancelled"
    assert executive.full_name in job.failure_reason
    assert sample_tasks.hooked == [(job.pk, "cancelled", job.failure_reason)]
    assert actions.run_pending() == 0
    assert sample_tasks.ran == []
    assert actions.cancel(job, actor=executive) is False


def test_a_job_whose_worker_died_is_failed_with_the_reason_and_can_be_retried(
    db, background, settings, manager
):
    settings.JOBS_HEARTBEAT_TIMEOUT = 300
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        job = actions.enqueue(
            SAMPLE + "remember", 1, created_by=manager, on_failure=SAMPLE + "on_failure"
        )
        actions.claim_next()  # … and the process is killed

    with time_machine.travel(start + timedelta(seconds=299), tick=False):
        assert actions.fail_stale() == 0
    with time_machine.travel(start + timedelta(seconds=301), tick=False):
        assert actions.fail_stale() == 1

    job.refresh_from_db()
    assert job.state == "failed"
    assert "stopped" in job.failure_reason
    assert sample_tasks.hooked == [(job.pk, "failed", job.failure_reason)]
    assert actions.retry(job, actor=manager)
    actions.run_pending()
    assert sample_tasks.ran == [1]


def test_the_relay_leaves_jobs_queued_while_the_broker_is_down(db, background):
    background.REDIS_URL = "redis://127.0.0.1:1/0"
    job = actions.enqueue(SAMPLE + "remember", 1)

    assert actions.relay() == 0

    job.refresh_from_db()
    assert (job.state, job.published_at) == ("queued", None)


def test_the_relay_publishes_what_the_broker_missed_and_a_worker_runs_it(db, live_broker):
    job = actions.enqueue(SAMPLE + "remember", 5)
    Job.objects.filter(pk=job.pk).update(published_at=None)  # as if the broker was down

    assert actions.relay() == 1
    assert actions.relay() == 0  # published: not again until JOBS_REPUBLISH_AFTER

    job.refresh_from_db()
    assert job.published_at is not None
    [raw] = live_broker.lrange("celery", 0, -1)
    assert b"setia.jobs.tasks.run_job" in raw
    assert run_job(job.pk) == "done"  # what the worker does with the message
    assert sample_tasks.ran == [5]


def test_a_job_published_long_ago_and_never_started_is_published_again(db, live_broker, settings):
    job = actions.enqueue(SAMPLE + "remember", 1)
    Job.objects.filter(pk=job.pk).update(
        published_at=timezone.now() - timedelta(seconds=settings.JOBS_REPUBLISH_AFTER + 1)
    )

    assert actions.relay() == 1
    assert live_broker.llen("celery") >= 1


def test_old_finished_jobs_are_forgotten_failed_ones_kept(db, background, settings):
    done = actions.enqueue(SAMPLE + "remember", 1)
    scheduled = actions.enqueue(SAMPLE + "remember", 2, is_scheduled=True)
    failed = actions.enqueue(SAMPLE + "crash")
    actions.run_pending()
    tomorrow = timezone.now() + timedelta(days=1, minutes=1)
    later = timezone.now() + timedelta(days=settings.JOBS_KEEP_DAYS, minutes=1)

    assert actions.purge(now=tomorrow) == 1
    assert not Job.objects.filter(pk=scheduled.pk).exists()
    assert actions.purge(now=later) == 1

    assert list(Job.objects.values_list("pk", flat=True)) == [failed.pk]
    assert not Job.objects.filter(pk=done.pk).exists()


def test_the_schedule_queues_each_entry_as_it_falls_due(db, background):
    start = timezone.now()
    entries = {"every-minute": {"task": SAMPLE + "remember", "schedule": 60.0}}
    with time_machine.travel(start, tick=False):
        schedule = Schedule(entries, now=start)
        assert schedule.enqueue_due(now=start) == []
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        assert schedule.enqueue_due(now=timezone.now()) == ["every-minute"]
        assert schedule.enqueue_due(now=timezone.now()) == []

    job = Job.objects.get()
    assert (job.label, job.is_scheduled, job.created_by) == ("every-minute", True, None)


def test_the_runner_keeps_the_whole_beat_schedule_but_its_own_housekeeping(settings):
    keys = set(Schedule(now=timezone.now()).entries)

    assert keys == set(settings.CELERY_BEAT_SCHEDULE) - {"jobs-housekeeping"}
    assert "engagement-send-due-messages" in keys


def test_run_jobs_once_runs_what_is_due_and_says_it_is_alive(db, background, capsys):
    actions.enqueue(SAMPLE + "remember", 3)

    call_command("run_jobs", "--once")

    assert sample_tasks.ran == [3]
    assert "1 jobs run" in capsys.readouterr().out
    assert actions.runner_is_alive() is False  # --once is no runner
    actions.seen("test")
    assert Runner.objects.count() == 1
    assert actions.runner_is_alive()


def test_the_default_schedule_names_only_tasks_that_exist(db, settings):
    from django.utils.module_loading import import_string

    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert callable(import_string(entry["task"]))


def test_relay_jobs_command_reports_what_it_did(db, background, capsys):
    call_command("relay_jobs")

    assert capsys.readouterr().out.strip() == "published=0 failed=0 purged=0"
