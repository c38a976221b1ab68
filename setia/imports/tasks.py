"""The import jobs (Celery with Redis when REDIS_URL is set, in-process otherwise): running an
import, and deleting imported files past their retention period."""

import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone, translation

from setia.imports import actions
from setia.imports.models import Import
from setia.imports.progress import set_progress
from setia.imports.reading import FileError, read_table

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def run_import_task(import_id: int) -> str:
    """Run the queued import `import_id`. Idempotent: an import already done (or undone) is
    left alone, and a run killed mid-way left nothing, so running it again is safe."""
    batch = Import.objects.select_related("actor", "default_owner").get(pk=import_id)
    if batch.status not in (Import.Status.QUEUED, Import.Status.RUNNING):
        return batch.status
    language = batch.actor.language if batch.actor else None
    try:
        with translation.override(language or translation.get_language()):
            table = read_table(batch.file.read())
            with transaction.atomic():
                # The lock makes a redelivered task wait for, then skip, a run in progress.
                locked = Import.objects.select_for_update().get(pk=import_id)
                if locked.status not in (Import.Status.QUEUED, Import.Status.RUNNING):
                    return locked.status
                locked.default_owner = batch.default_owner
                actions.run_import(
                    batch=locked,
                    table=table,
                    actor=batch.actor,
                    progress=lambda phase, done, total: set_progress(
                        batch.code, phase=phase, done=done, total=total
                    ),
                )
                return locked.status
    except FileError as error:
        _fail(batch, str(error.message))
    except Exception:
        logger.exception("import %s failed", batch.code)
        _fail(batch, "error")
        raise
    return Import.Status.FAILED


def _fail(batch: Import, message: str) -> None:
    Import.objects.filter(pk=batch.pk).update(status=Import.Status.FAILED, message=message)


@shared_task(ignore_result=True)
def delete_old_import_files() -> int:
    """Nightly: delete imported files past IMPORT_FILE_RETENTION_DAYS (see the action)."""
    return actions.delete_old_files(now=timezone.now())
