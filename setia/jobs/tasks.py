"""The Celery side of the jobs (with REDIS_URL): run one job by its id, and every minute
publish what the broker missed and fail the jobs of dead workers."""

from celery import shared_task
from celery.signals import worker_ready

from setia.jobs import actions


@shared_task(name=actions.RUN_JOB_TASK, ignore_result=True, acks_late=True)
def run_job(job_id: int) -> str:
    """Run the job `job_id` if it is still queued (a second delivery finds it taken)."""
    return actions.run_claimed(job_id)


@shared_task(ignore_result=True)
def housekeeping() -> dict[str, int]:
    """Every minute (beat): the relay, dead workers' jobs, old jobs (see the action)."""
    actions.seen("celery")
    return actions.housekeeping()


@worker_ready.connect
def _relay_when_a_worker_starts(**_kwargs) -> None:
    # Jobs queued while no worker (or no broker) was there go out as soon as one is.
    actions.relay()
