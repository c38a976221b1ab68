"""The import jobs (setia.jobs: a Celery worker with REDIS_URL, `run_jobs` otherwise): the dry
run, the import itself, its undo, what a failed import or undo job leaves on its batch, and
deleting imported files past their retention period."""

import logging

from celery import shared_task
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from setia.accounts.models import User
from setia.imports import actions, engine, values
from setia.imports.models import Import
from setia.jobs.actions import Failed, report_progress
from setia.jobs.models import Job
from setia.lib.reading import FileError

logger = logging.getLogger(__name__)

DRY_RUN_REJECTED = 50  # rejected rows kept for the dry-run page; the error file has them all
UNKNOWN_SHOWN = 200  # distinct values outside a list offered to be chosen on the dry-run page
RUNNABLE = (Import.Status.QUEUED, Import.Status.RUNNING, Import.Status.FAILED)


def _progress(phase: str, done: int, total: int) -> None:
    report_progress(phase, done, total)


def _language(batch: Import) -> str:
    return (batch.actor.language if batch.actor else None) or translation.get_language()


@shared_task(ignore_result=True)
def dry_run_import_task(import_id: int) -> None:
    """Plan the import `import_id` with its present mapping, writing nothing but the result on
    the batch: the counts, the first rejected rows, and the error file."""
    batch = Import.objects.select_related("actor", "default_owner").get(pk=import_id)
    if batch.status != Import.Status.UPLOADED or batch.files_removed_at:
        return
    mapping = batch.mapping
    value_map = batch.value_map
    with translation.override(_language(batch)):
        try:
            with actions.open_batch_table(batch) as table:
                plan = engine.plan_import(
                    table,
                    mapping,
                    actor=batch.actor,
                    default_owner=batch.default_owner,
                    value_map=values.ValueMap.from_json(value_map),
                    progress=_progress,
                )
        except FileError as error:
            raise Failed(str(error.message)) from error
        rejected = [
            {
                "number": row.number,
                "errors": [[str(column), str(reason)] for column, reason in row.errors],
            }
            for row in plan.rejected_rows[:DRY_RUN_REJECTED]
        ]
    if batch.dry_run_error_file:
        batch.dry_run_error_file.delete(save=False)
    if plan.counts["rejected"] or plan.counts["warnings"]:
        batch.dry_run_error_file.save(
            f"{batch.code}-dry-run.csv", ContentFile(engine.error_file(plan)), save=False
        )
    batch.dry_run = {
        "mapping": mapping,
        "value_map": value_map,
        "counts": plan.counts,
        "rejected": rejected,
        "unknown": engine.unknown_values(plan)[:UNKNOWN_SHOWN],
    }
    batch.save(update_fields=["dry_run", "dry_run_error_file", "updated_at"])


@shared_task(acks_late=True)
def run_import_task(import_id: int) -> str:
    """Run the queued import `import_id`. Idempotent: an import already done (or undone) is
    left alone, and a run killed mid-way left nothing, so running it again is safe (a failed
    one is run again when its job is retried)."""
    batch = Import.objects.select_related("actor", "default_owner").get(pk=import_id)
    if batch.status not in RUNNABLE:
        return batch.status
    try:
        with (
            translation.override(_language(batch)),
            actions.open_batch_table(batch) as table,
            transaction.atomic(),
        ):
            # The lock makes a second run wait for, then skip, a run in progress.
            locked = Import.objects.select_for_update().get(pk=import_id)
            if locked.status not in RUNNABLE:
                return locked.status
            locked.default_owner = batch.default_owner
            locked.message = ""
            actions.run_import(
                batch=locked,
                table=table,
                actor=batch.actor,
                value_map=values.ValueMap.from_json(locked.value_map),
                progress=_progress,
            )
            return locked.status
    except FileError as error:
        _fail(batch, str(error.message))
        raise Failed(str(error.message)) from error
    except Exception:
        logger.exception("import %s failed", batch.code)
        _fail(batch, "error")
        raise


def _fail(batch: Import, message: str) -> None:
    Import.objects.filter(pk=batch.pk).update(status=Import.Status.FAILED, message=message)


def import_job_failed(job: Job) -> None:
    """A job's failure hook: an import whose job failed (its worker died, it was cancelled)
    is failed with the job's reason; its transaction left nothing of it."""
    Import.objects.filter(
        pk__in=job.args[:1], status__in=[Import.Status.QUEUED, Import.Status.RUNNING]
    ).update(status=Import.Status.FAILED, message=job.failure_reason, updated_at=timezone.now())


@shared_task(acks_late=True)
def undo_import_task(import_id: int, actor_id: int) -> str:
    """Undo the import `import_id` for the manager `actor_id`, in one transaction, telling the
    job how far it got. Idempotent: a run killed mid-way left nothing, and an import undone
    already is left alone (`undo_import` locks the import, so a second run waits, then skips)."""
    batch = Import.objects.get(pk=import_id)
    if batch.status not in actions.UNDOABLE:
        return batch.status
    actor = User.objects.filter(pk=actor_id, is_active=True).first()
    if actor is None or not actor.has_perm("imports.undo_import"):
        raise Failed(gettext("The person who asked for this undo may no longer undo imports."))
    with translation.override(actor.language or translation.get_language()):
        actions.undo_import(batch=batch, actor=actor, progress=_progress)
    return Import.objects.filter(pk=import_id).values_list("status", flat=True).get()


def undo_job_failed(job: Job) -> None:
    """A job's failure hook: an undo whose job failed (its worker died, it was cancelled) left
    nothing (one transaction); the import is done again, to be undone by a retry or anew."""
    Import.objects.filter(pk__in=job.args[:1], status=Import.Status.UNDOING).update(
        status=Import.Status.DONE, updated_at=timezone.now()
    )


@shared_task(ignore_result=True)
def delete_old_import_files() -> int:
    """Nightly: delete imported files past IMPORT_FILE_RETENTION_DAYS (see the action)."""
    return actions.delete_old_files(now=timezone.now())
