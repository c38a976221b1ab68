"""Imports: run one (the command, the wizard and the Celery task call `run_import`), undo one
(`start_undo` queues the job that calls `undo_import`), and delete old imported files."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO, cast

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.core.files.base import File
from django.db import connection, transaction
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext

from setia.customers.models import Category, Contact, Customer, Store, Subscription
from setia.history.actions import new_change, record_changes, record_source_events, snapshot
from setia.history.models import AuditEntry, EventKind
from setia.imports import engine, values, writing
from setia.imports.models import Import, ImportChange, ImportSource
from setia.jobs.actions import enqueue
from setia.jobs.models import Job
from setia.lib.reading import Table, open_table
from setia.lib.storage import private_storage
from setia.quality.actions import flag_duplicates
from setia.work.onboarding.actions import enroll_new_customers
from setia.work.schedule.models import Status as TaskStatus
from setia.work.schedule.models import Task

UNDO_BATCH = 500
NEW_CATEGORY = "+new"  # a value chosen to become a new category
FILE_BATCH = 1000


def can_import(user) -> bool:
    """Admins, managers and executives (for their own team); not interns or viewers."""
    return user is not None and user.is_authenticated and user.has_perm("imports.add_import")


def remember_mapping(*, source_name: str, mapping: dict[str, str]) -> ImportSource | None:
    """Store the mapping a user chose for `source_name`, proposed again for its next file."""
    source_name = " ".join((source_name or "").split())[:80]
    if not source_name:
        return None
    source, _created = ImportSource.objects.update_or_create(
        name=source_name, defaults={"mapping": mapping}
    )
    return source


def choose_values(*, batch: Import, chosen: dict[str, dict[str, str]], actor) -> Import:
    """Store what the values outside a managed list of `batch` become (`chosen`:
    {column: {value: target}}, target "" to leave the field empty or NEW_CATEGORY to add the
    value to the categories, which needs the right to add them), remember it for the batch's
    source, and check the file again with it."""
    with transaction.atomic():
        for targets in chosen.values():
            for value, target in targets.items():
                if target == NEW_CATEGORY:
                    targets[value] = _category_named(value, actor=actor).slug
        batch.value_map = chosen
        batch.save(update_fields=["value_map", "updated_at"])
        if batch.source is not None:
            remembered = dict(batch.source.value_map)
            for column, targets in chosen.items():
                remembered[column] = {**remembered.get(column, {}), **targets}
            batch.source.value_map = remembered
            batch.source.save(update_fields=["value_map", "updated_at"])
        start_dry_run(batch=batch, actor=actor)
    return batch


def _category_named(name: str, *, actor) -> Category:
    """The category called `name` (in either language), added to the list when there is none."""
    if not actor.has_perm("customers.add_category"):
        raise PermissionDenied
    name = " ".join(name.split())[:80]
    existing = Category.objects.filter(Q(name__iexact=name) | Q(name_id__iexact=name)).first()
    if existing is not None:
        return existing
    base = slugify(name)[:70] or "category"
    slug, number = base, 1
    while Category.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    position = (Category.objects.aggregate(last=Max("position"))["last"] or 0) + 1
    return Category.objects.create(name=name, name_id=name, slug=slug, position=position)


def start_dry_run(*, batch: Import, actor) -> Job:
    """Queue the dry run of `batch` with its present mapping (a background job: a big file
    takes longer than a request may)."""
    with transaction.atomic():
        job = enqueue(
            "setia.imports.tasks.dry_run_import_task",
            batch.pk,
            label=gettext("Dry run of %(file)s") % {"file": batch.file_name},
            created_by=actor,
            link=reverse("imports:import-dry-run", args=[batch.code]),
        )
        Import.objects.filter(pk=batch.pk).update(dry_run_job=job)
        batch.dry_run_job = job
    return job


def queue_import(*, batch: Import, actor) -> Job | None:
    """Queue the import of an uploaded `batch` as a background job; None when it was queued
    already (a second click, a second tab)."""
    with transaction.atomic():
        if not Import.objects.filter(pk=batch.pk, status=Import.Status.UPLOADED).update(
            status=Import.Status.QUEUED
        ):
            return None
        job = enqueue(
            "setia.imports.tasks.run_import_task",
            batch.pk,
            label=gettext("Import of %(file)s") % {"file": batch.file_name},
            created_by=actor,
            on_failure="setia.imports.tasks.import_job_failed",
            link=reverse("imports:import-detail", args=[batch.code]),
        )
        Import.objects.filter(pk=batch.pk).update(job=job)
        batch.status, batch.job = Import.Status.QUEUED, job
    return job


@contextmanager
def open_batch_table(batch: Import) -> Iterator[Table]:
    """The uploaded file of `batch` as a table whose rows are read from storage as a stream
    (never the whole file in memory), usable inside the `with` block. Raises FileError."""
    with batch.file.open("rb") as file:
        # The field file passes reads and seeks on to the stored file.
        yield open_table(cast(BinaryIO, file))


def run_import(
    *,
    batch: Import,
    table: Table,
    actor,
    value_map: values.ValueMap | None = None,
    progress: engine.Progress = engine.no_progress,
) -> engine.Plan:
    """Plan and write the import of `table` as one transaction, a chunk of rows at a time (see
    `engine.plan_import`); update `batch` with the result.

    `value_map`: what the user chose for values outside a managed list (see `plan_import`).

    With `batch.is_strict`, nothing is written when any row is rejected. A process killed
    mid-way leaves nothing of the import (the batch row included when it was created inside the
    same transaction, as the command does). The error file is attached to `batch`.
    """
    if actor is not None and not can_import(actor):
        raise PermissionDenied
    touched: list[int] = []

    def write(chunk: engine.Chunk) -> None:
        touched.extend(writing.apply_chunk(chunk, batch, actor=actor))
        # The collector is paused: the chunk's cycles are freed here, a chunk at a time. All
        # generations: a chunk's records outlive a young collection while they are written, and
        # once promoted, nothing else would free them before the import ends.
        gc.collect()

    with _page_cache(), transaction.atomic():
        # Chunks are written as they are decided: a strict import that rejects a row takes
        # back what it wrote, to this savepoint.
        savepoint = transaction.savepoint()
        with _collector_paused():
            plan = engine.plan_import(
                table,
                batch.mapping,
                actor=actor,
                default_owner=batch.default_owner,
                value_map=value_map,
                progress=progress,
                apply=write,
            )
        counts = plan.counts
        for name in ("rows", "created", "updated", "unchanged", "duplicates", "rejected"):
            setattr(batch, name, counts[name])
        if batch.is_strict and counts["rejected"]:
            transaction.savepoint_rollback(savepoint)
            batch.status = Import.Status.FAILED
            batch.message = "strict"
        else:
            transaction.savepoint_commit(savepoint)
            plan.touched_ids = touched
            _refresh_statistics(len(plan.touched_ids))
            # Inside the transaction: the timeline and the review queue hold exactly what the
            # import wrote, and nothing when it fails.
            record_source_events(
                source=batch.source_label,
                kind=EventKind.IMPORT,
                summary=batch.summary(),
                actor=actor,
                source_object=batch,
                data={"message": "imported", "counts": batch.counts()},
            )
            flag_duplicates(customer_ids=plan.touched_ids, source=batch.source_label)
            # The customers it created join the onboarding pipeline now, as a customer created
            # on the new-customer page does, rather than at the next nightly recompute.
            enroll_new_customers(
                customers=Customer.objects.filter(pk__in=_created_customer_ids(batch)), actor=actor
            )
            batch.status = Import.Status.DONE
        if counts["rejected"] or counts["warnings"]:
            plan.errors.seek(0)
            batch.error_file.save(f"{batch.code}.csv", File(plan.errors), save=False)
        batch.finished_at = timezone.now()
        batch.save()
    return plan


def _created_customer_ids(batch: Import):
    """The ids of the customers `batch` created, as a flat values query: their creation entries
    in the import's history name them (no undo record repeats it)."""
    return AuditEntry.objects.filter(
        source=batch.source_label,
        action=AuditEntry.Action.CREATE,
        object_type=Customer._meta.label_lower,
    ).values_list("object_id", flat=True)


IMPORT_PAGE_CACHE_KIB = 64 * 1024
ANALYZE_ABOVE = 1000  # customers written beyond which PostgreSQL's statistics are refreshed
ANALYZED_TABLES = (
    "customers_customer",
    "customers_contact",
    "customers_store",
    "customers_subscription",
    "audit_auditentry",
)


def _refresh_statistics(written: int) -> None:
    """On PostgreSQL, ANALYZE the tables a big import just filled, inside its transaction.

    Autovacuum cannot see rows not yet committed, so right after a first big import the planner
    still believes these tables nearly empty, and the duplicate search that follows the writing
    (self-joins over every contact) got nested loops: minutes for 100k customers. ANALYZE in
    the import's own transaction samples its new rows too; it costs a fraction of a second.
    """
    if connection.vendor != "postgresql" or written < ANALYZE_ABOVE:
        return
    with connection.cursor() as cursor:
        for table in ANALYZED_TABLES:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


@contextmanager
def _collector_paused():
    """Python's cyclic garbage collector paused while an import runs (for the whole process).

    An import builds a few model instances per row, and the collector, started every few
    hundred allocations, walked the ones still alive again and again: a third of a 20,000-row
    import's time. Reference counting frees each chunk's records once it is written, and
    `run_import` collects the chunk's cycles after each one; the collector resumes for the
    steps after the writing (history, duplicates, onboarding), whose batches make cycles too.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def _page_cache():
    """On SQLite, a 64 MiB page cache for this connection while an import runs.

    SQLite's default cache is 2 MiB: a big import's inserts touch pages of a dozen indexes on
    the customers table alone, which then fall out of the cache and are read back again and
    again (at 100k rows the customers INSERTs took about twice as long). The cache is
    allocated as used and the previous size is put back afterwards.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{IMPORT_PAGE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def start_undo(*, batch: Import, actor) -> Job | None:
    """Queue the undo of `batch` as a background job (tens of thousands of customers take
    longer than a request may); None when it cannot be undone, or an undo is queued or
    running already (a second click, a second tab, a retried job)."""
    if not actor.has_perm("imports.undo_import"):
        raise PermissionDenied
    with transaction.atomic():
        locked = Import.objects.select_for_update().get(pk=batch.pk)
        if not locked.can_be_undone:
            return None
        # The conditional UPDATE decides between two requests at once (SQLite locks no row).
        if not Import.objects.filter(pk=batch.pk, status=Import.Status.DONE).update(
            status=Import.Status.UNDOING, updated_at=timezone.now()
        ):
            return None
        job = enqueue(
            "setia.imports.tasks.undo_import_task",
            batch.pk,
            actor.pk,
            label=gettext("Undo of the import of %(file)s") % {"file": batch.file_name},
            created_by=actor,
            on_failure="setia.imports.tasks.undo_job_failed",
            link=reverse("imports:import-detail", args=[batch.code]),
        )
        Import.objects.filter(pk=batch.pk).update(undo_job=job)
        batch.status, batch.undo_job = Import.Status.UNDOING, job
    return job


UNDOABLE = (Import.Status.DONE, Import.Status.UNDOING)


def undo_import(
    *, batch: Import, actor, progress: engine.Progress = engine.no_progress
) -> dict[str, int]:
    """Remove the customers and records `batch` created and put back the values it changed.

    History is never deleted: the customers the import created are soft-deleted (as the
    delete button does), keeping their history, after their contacts, stores and subscription
    are deleted (so that the same file imported again creates them again) and their open tasks
    cancelled. Every value put back and every record removed gets an audit entry with the
    source `import-undo:<code>` and the acting manager (a removed customer's one entry holds
    its records' values, as its creation entry did), and each customer touched one `import`
    event on its timeline; the import's own entries stay as they are.

    A value somebody changed again after the import is left as it is now (their change wins);
    the counts returned say how many records were deleted (a customer with its records counts
    once) and reverted, and are kept on the import.

    One transaction: a process killed mid-way leaves nothing of the undo, and an import undone
    already is left alone (the counts are then 0). `progress(phase, done, total)` is told how
    far it got, in customers removed, records removed, then records put back (phases
    "customers", "records", "values"), `total` being all three together.
    """
    if not actor.has_perm("imports.undo_import"):
        raise PermissionDenied
    source = f"import-undo:{batch.code}"
    deleted = reverted = 0
    with transaction.atomic():
        batch = Import.objects.select_for_update().get(pk=batch.pk)
        if batch.status not in UNDOABLE:
            return {"deleted": 0, "reverted": 0}
        changes = batch.changes.all()
        moment = timezone.now()
        entries: list[AuditEntry] = []
        created_customers = list(_created_customer_ids(batch))
        gone = set(created_customers)
        others = changes.filter(action="create").exclude(object_type="customers.customer")
        updates = changes.filter(action="update").exclude(customer_id__in=gone)
        total = len(created_customers) + others.count() + updates.count()
        done = 0
        progress("customers", done, total)
        for start in range(0, len(created_customers), UNDO_BATCH):
            ids = created_customers[start : start + UNDO_BATCH]
            folded: dict[int, dict] = {}
            for model in (Contact, Store, Subscription):
                rows = model.objects.filter(customer_id__in=ids)
                _delete_records(rows, actor, source, entries, folded=folded)
            deleted += _remove_customers(ids, actor, source, moment, entries, folded)
            done += len(ids)
            progress("customers", done, total)
        # Records created on existing customers.
        for object_type in sorted(set(others.values_list("object_type", flat=True))):
            model = apps.get_model(object_type)
            ids = list(others.filter(object_type=object_type).values_list("object_id", flat=True))
            for start in range(0, len(ids), UNDO_BATCH):
                rows = model.objects.filter(pk__in=ids[start : start + UNDO_BATCH])
                deleted += _delete_records(rows, actor, source, entries)
                done += len(ids[start : start + UNDO_BATCH])
                progress("records", done, total)
        # Values the import changed: put back those still as the import left them.
        for object_type in sorted(set(updates.values_list("object_type", flat=True))):
            model = apps.get_model(object_type)
            records = list(updates.filter(object_type=object_type))
            for start in range(0, len(records), UNDO_BATCH):
                chunk = records[start : start + UNDO_BATCH]
                done += len(chunk)
                related = [
                    f.name
                    for f in model._meta.concrete_fields
                    if f.is_relation and f.name != "customer"
                ]
                instances = model.objects.select_related(*related).in_bulk(
                    [record.object_id for record in chunk]
                )
                changed, fields = [], set()
                for record in chunk:
                    instance = instances.get(record.object_id)
                    if instance is None:
                        continue
                    before = snapshot(instance)
                    touched = False
                    for attname, (old, new) in record.fields.items():
                        model_field = _field_by_attname(model, attname)
                        if model_field.to_python(new) != getattr(instance, attname):
                            continue
                        setattr(instance, attname, model_field.to_python(old))
                        fields.add(attname)
                        touched = True
                    if not touched:
                        continue
                    _refresh_relations(instance)
                    entry = new_change(
                        customer=Customer(pk=record.customer_id),
                        actor=actor,
                        action=AuditEntry.Action.UPDATE,
                        instance=instance,
                        before=before,
                        source=source,
                    )
                    if entry is not None:
                        entries.append(entry)
                    changed.append(instance)
                    reverted += 1
                if changed:
                    now = timezone.now()
                    for instance in changed:
                        instance.updated_at = now
                    if model is Customer:
                        # An edit form opened before the undo must not overwrite it silently.
                        for instance in changed:
                            instance.version = F("version") + 1
                        fields.add("version")
                    model.objects.bulk_update(changed, [*fields, "updated_at"])
                progress("values", done, total)
        # The entries, and one event on the timeline of each customer they touched (the
        # customers the import created included).
        record_changes(entries, on_timeline=False)
        record_source_events(
            source=source,
            kind=EventKind.IMPORT,
            summary=gettext(
                "Import undone: %(deleted)s records removed, %(reverted)s records put back."
            )
            % {"deleted": deleted, "reverted": reverted},
            actor=actor,
            source_object=batch,
            data={"message": "undone", "deleted": deleted, "reverted": reverted},
        )
        batch.status = Import.Status.UNDONE
        batch.undone_at = timezone.now()
        batch.undone_by = actor
        batch.undo_deleted, batch.undo_reverted = deleted, reverted
        batch.save(
            update_fields=[
                "status",
                "undone_at",
                "undone_by",
                "undo_deleted",
                "undo_reverted",
                "updated_at",
            ]
        )
        progress("done", total, total)
    return {"deleted": deleted, "reverted": reverted}


def _delete_records(
    rows, actor, source: str, entries: list[AuditEntry], *, folded: dict[int, dict] | None = None
) -> int:
    """Delete `rows` (records of customers, at most `UNDO_BATCH`), adding to `entries` a
    deletion entry for each with its values; return how many were deleted.

    With `folded` (records of customers being removed), a customer's first record of each
    model goes into `folded[customer id]` instead, as `<model>.<field>: [value, None]`: the
    customer's own deletion entry then mirrors its creation entry, one entry per customer
    rather than four (an undo may remove tens of thousands).
    """
    count = 0
    # The customer too: a subscription's name includes its customer's.
    for instance in rows.select_related("customer").order_by("customer_id", "pk"):
        count += 1
        prefix = f"{instance._meta.model_name}."
        removed = folded.setdefault(instance.customer_id, {}) if folded is not None else None
        if removed is not None and not any(key.startswith(prefix) for key in removed):
            for name, value in snapshot(instance).items():
                if value is not None:
                    removed[prefix + name] = [value, None]
            continue
        entry = new_change(
            customer=Customer(pk=instance.customer_id),
            actor=actor,
            action=AuditEntry.Action.DELETE,
            instance=instance,
            before=snapshot(instance),
            source=source,
        )
        if entry is not None:
            entries.append(entry)
    rows.delete()
    return count


def _remove_customers(
    ids: list[int], actor, source: str, moment, entries: list[AuditEntry], folded: dict[int, dict]
) -> int:
    """Soft-delete the customers `ids` in one UPDATE, as `delete_customer` does one, cancel
    their open tasks, and add to `entries` a deletion entry for each, holding the values of
    its records in `folded` (see `_delete_records`); return how many were not deleted yet.
    One somebody deleted already gets an entry only for records removed now."""
    customers = list(Customer.objects.filter(pk__in=ids))
    alive = [customer.pk for customer in customers if customer.deleted_at is None]
    Customer.objects.filter(pk__in=alive).update(
        deleted_at=moment, deleted_by=actor, version=F("version") + 1, updated_at=moment
    )
    # Their checklist tasks (from the onboarding enrolment) would otherwise stay in people's
    # day for customers nobody sees any more.
    Task.objects.filter(customer_id__in=ids, status=TaskStatus.OPEN).update(
        status=TaskStatus.CANCELLED, updated_at=moment
    )
    for customer in customers:
        if customer.deleted_at is not None and not folded.get(customer.pk):
            continue  # deleted by someone already, and nothing of it removed now
        entry = new_change(
            customer=customer,
            actor=actor,
            action=AuditEntry.Action.DELETE,
            instance=customer,
            source=source,
            changes=folded.get(customer.pk, {}),
        )
        if entry is not None:
            entries.append(entry)
    return len(alive)


def _field_by_attname(model, attname):
    for model_field in model._meta.concrete_fields:
        if model_field.attname == attname:
            return model_field
    raise LookupError(attname)


def _refresh_relations(instance) -> None:
    """Drop cached related objects whose id was just reverted, so the history names the right one."""
    for model_field in instance._meta.concrete_fields:
        if model_field.is_relation and model_field.is_cached(instance):
            cached = model_field.get_cached_value(instance)
            if cached is not None and cached.pk != getattr(instance, model_field.attname):
                model_field.delete_cached_value(instance)


__all__ = [
    "ImportChange",
    "can_import",
    "open_batch_table",
    "queue_import",
    "remember_mapping",
    "run_import",
    "start_dry_run",
    "start_undo",
    "undo_import",
]


def delete_old_files(*, now) -> int:
    """Delete the uploaded file and error file of every import older than
    IMPORT_FILE_RETENTION_DAYS, and clear its file fields; the import's record and counts stay.

    Idempotent: an import whose files are gone is no longer selected, and a run killed between
    deleting files and clearing fields is finished by the next one (deleting a missing file is a
    no-op). The fields are cleared by one UPDATE per thousand imports. Returns how many imports
    lost their files.
    """
    storage = private_storage()
    cleared = 0
    while True:
        batch = list(
            Import.objects.with_expired_files(now=now)
            .order_by("pk")
            .values_list("pk", "file", "error_file", "dry_run_error_file")[:FILE_BATCH]
        )
        if not batch:
            return cleared
        for _pk, *names in batch:
            for name in filter(None, names):
                storage.delete(name)
        cleared += Import.objects.filter(pk__in=[pk for pk, *_names in batch]).update(
            file="", error_file="", dry_run_error_file="", files_removed_at=now, updated_at=now
        )
