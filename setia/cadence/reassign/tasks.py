"""The reassignment jobs (`setia.jobs`): a big reassignment and a big undo run here, outside
the request; what a failed job leaves on its reassignment."""

from celery import shared_task

from setia.accounts.models import User
from setia.cadence.reassign import actions
from setia.cadence.reassign.models import Reassignment
from setia.jobs.models import Job


@shared_task(ignore_result=True)
def apply_reassignment_task(reassignment_id: int) -> None:
    """Apply the queued reassignment (idempotent: one applied already is left alone)."""
    actions.apply_reassignment(reassignment=Reassignment.objects.get(pk=reassignment_id))


@shared_task(ignore_result=True)
def undo_reassignment_task(reassignment_id: int, actor_id: int) -> None:
    """Undo the reassignment (idempotent: one undone already is left alone)."""
    actions.undo_reassignment(
        reassignment=Reassignment.objects.get(pk=reassignment_id),
        actor=User.objects.get(pk=actor_id),
    )


def apply_failed(job: Job) -> None:
    """A killed or cancelled job applied nothing (one transaction): the reassignment failed."""
    reassignment_id = job.args[0]
    Reassignment.objects.filter(pk=reassignment_id, status=Reassignment.Status.QUEUED).update(
        status=Reassignment.Status.FAILED
    )


def undo_failed(job: Job) -> None:
    """A killed or cancelled undo left nothing: the reassignment is done again, to be undone
    anew."""
    reassignment_id = job.args[0]
    Reassignment.objects.filter(pk=reassignment_id, status=Reassignment.Status.UNDOING).update(
        status=Reassignment.Status.DONE, undone_by=None
    )
