"""The import wizard: upload → mapping → preview → dry-run summary → commit → result.

Every step is a plain page; only the progress box of a running import refreshes itself (htmx).
"""

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from setia.core.http import AuthenticatedHttpRequest
from setia.imports import actions, engine
from setia.imports.forms import MappingForm, UploadForm, ValuesForm
from setia.imports.mapping import EXTRA, FIELDS, IGNORE, normalise_header, propose_mapping
from setia.imports.models import Import, ImportSource
from setia.imports.progress import percent
from setia.jobs.actions import runner_is_alive
from setia.lib.ratelimits import rate_limited
from setia.lib.reading import Table

SAMPLES = Path(__file__).resolve().parent / "samples"
SAMPLE_FILES = {
    "onboarding-sheet.csv": "text/csv",
    "onboarding-sheet.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
SAMPLE_ROWS = 20  # rows kept at upload for the mapping and preview steps
LIST_LIMIT = 50


def get_import_for_user(
    request: AuthenticatedHttpRequest, code, *, editable: bool = False
) -> Import:
    """The import with `code` if the user may see it (404 otherwise, so it does not leak)."""
    batch = get_object_or_404(
        Import.objects.visible_to(request.user).select_related(
            "actor", "source", "default_owner", "job", "dry_run_job", "undo_job", "undone_by"
        ),
        code=code,
    )
    if editable and (batch.status != Import.Status.UPLOADED or batch.files_removed_at):
        # The mapping of an import that ran is history; show its result instead. An import left
        # at the wizard until its file was deleted cannot go on either.
        raise Http404
    return batch


@login_required
@permission_required("imports.add_import", raise_exception=True)
@require_GET
def list_imports(request: AuthenticatedHttpRequest) -> HttpResponse:
    imports = Import.objects.visible_to(request.user).select_related("actor", "source")
    return render(
        request,
        "imports/list.html",
        {"imports": imports[:LIST_LIMIT], "samples": list(SAMPLE_FILES)},
    )


@login_required
@permission_required("imports.add_import", raise_exception=True)
@require_http_methods(["GET", "POST"])
@rate_limited("upload", rate_setting="RATE_LIMIT_UPLOAD", applies=lambda r: r.method == "POST")
def upload_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    context = {"form": form, "samples": list(SAMPLE_FILES)}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "imports/upload.html", context, status=400)
        upload = form.cleaned_data["file"]
        source = None
        if form.cleaned_data["source"]:
            source, _created = ImportSource.objects.get_or_create(name=form.cleaned_data["source"])
        table = form.table
        assert table is not None  # a valid form has read its file
        batch = Import(
            source=source,
            actor=request.user,
            default_owner=form.cleaned_data["default_owner"],
            file_name=Path(upload.name).name[:255],
            is_strict=form.cleaned_data["is_strict"],
            header=table.header,
            sample=[[number, cells] for number, cells in table.rows[:SAMPLE_ROWS]],
            mapping=propose_mapping(table.header, source.mapping if source else None),
            value_map=source.value_map if source else {},
        )
        batch.file.save(f"{batch.code}{Path(upload.name).suffix[:8]}", upload, save=False)
        batch.save()
        return redirect("imports:import-mapping", code=batch.code)
    return render(request, "imports/upload.html", context)


@login_required
@permission_required("imports.add_import", raise_exception=True)
@require_http_methods(["GET", "POST"])
def map_columns(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    batch = get_import_for_user(request, code, editable=True)
    samples = [cells for _number, cells in batch.sample]
    form = MappingForm(
        request.POST or None, header=batch.header, mapping=batch.mapping, samples=samples
    )
    context = {"batch": batch, "form": form, "step": 2}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "imports/mapping.html", context, status=400)
        batch.mapping = form.mapping()
        with transaction.atomic():
            if batch.source:
                actions.remember_mapping(source_name=batch.source.name, mapping=batch.mapping)
            batch.save(update_fields=["mapping", "updated_at"])
        return redirect("imports:import-preview", code=batch.code)
    return render(request, "imports/mapping.html", context)


@login_required
@permission_required("imports.add_import", raise_exception=True)
@require_GET
def preview_import(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    """The first rows as they will be read, with each row's errors (no database lookups)."""
    batch = get_import_for_user(request, code, editable=True)
    table = Table(header=batch.header, rows=[tuple(row) for row in batch.sample], kind="")
    shown = [
        (index, column, FIELDS.get(key) or _("extra attribute"))
        for index, column in enumerate(batch.header)
        if (key := batch.mapping.get(column, EXTRA)) != IGNORE
    ]
    rows = [
        {
            "number": row.number,
            "cells": [
                row.cells[index] if index < len(row.cells) else "" for index, _c, _f in shown
            ],
            "errors": row.errors,
        }
        for row in engine.preview_rows(table, batch.mapping, actor=request.user)
    ]
    # The field under its column, unless the column already says it ("EMAIL" read as "Email").
    columns = [
        (column, "" if normalise_header(column) == normalise_header(str(field)) else field)
        for _index, column, field in shown
    ]
    context = {"batch": batch, "rows": rows, "columns": columns, "step": 3}
    return render(request, "imports/preview.html", context)


@login_required
@permission_required("imports.add_import", raise_exception=True)
@require_http_methods(["GET", "POST"])
def dry_run_import(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    """What importing the whole file would do: computed by a background job (a POST starts it
    unless one is running or done for the present mapping), shown with its progress until
    done, then its result."""
    batch = get_import_for_user(request, code, editable=True)
    job = batch.dry_run_job
    if request.method == "POST":
        if not batch.dry_run_is_current() and not (job and job.is_active):
            actions.start_dry_run(batch=batch, actor=request.user)
        return redirect("imports:import-dry-run", code=batch.code)
    return render(request, "imports/dry_run.html", _dry_run_context(request, batch))


def _dry_run_context(request, batch: Import) -> dict:
    job = batch.dry_run_job
    if job:
        job.changeable = job.can_be_changed_by(request.user)
    unknown = batch.dry_run.get("unknown", [])
    values_form = None
    if unknown:
        values_form = ValuesForm(unknown=unknown, chosen=batch.value_map, user=request.user)
    return {
        "batch": batch,
        "job": job,
        "done": batch.dry_run_is_current(),
        "counts": batch.dry_run.get("counts", {}),
        "rejected": batch.dry_run.get("rejected", []),
        "values_form": values_form,
        "percent": percent(job.current_progress() if job else None, dry_run=True),
        "runner_is_alive": runner_is_alive(),
        "step": 4,
    }


@login_required
@permission_required("imports.add_import", raise_exception=True)
@require_POST
def choose_values(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    """The values step: what each value outside a managed list becomes; the file is checked
    again with the choices."""
    batch = get_import_for_user(request, code, editable=True)
    form = ValuesForm(
        request.POST,
        unknown=batch.dry_run.get("unknown", []),
        chosen=batch.value_map,
        user=request.user,
    )
    if not form.is_valid():
        context = _dry_run_context(request, batch) | {"values_form": form}
        return render(request, "imports/dry_run.html", context, status=400)
    actions.choose_values(batch=batch, chosen=form.chosen(), actor=request.user)
    return redirect("imports:import-dry-run", code=batch.code)


@login_required
@permission_required("imports.add_import", raise_exception=True)
@require_POST
def commit_import(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    batch = get_import_for_user(request, code, editable=True)
    actions.queue_import(batch=batch, actor=request.user)
    return redirect("imports:import-detail", code=batch.code)


@login_required
@permission_required("imports.add_import", raise_exception=True)
@require_GET
def import_detail(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    batch = get_import_for_user(request, code)
    return render(request, "imports/detail.html", _detail_context(request, batch))


@login_required
@permission_required("imports.add_import", raise_exception=True)
@require_GET
def import_progress(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    """The status box alone, polled by the result page while the import runs."""
    batch = get_import_for_user(request, code)
    return render(request, "imports/_status.html", _detail_context(request, batch))


def _detail_context(request, batch: Import) -> dict:
    """The status of an import: its job's state and progress come from the database, so the
    page works whatever state the broker is in."""
    job = batch.job
    running = batch.status in (Import.Status.QUEUED, Import.Status.RUNNING) or bool(
        job and job.is_active
    )
    progress = job.current_progress() if job and running else None
    if job:
        job.changeable = job.can_be_changed_by(request.user)
    undo_job = batch.undo_job
    undoing = batch.is_being_undone
    if undo_job:
        undo_job.changeable = undo_job.can_be_changed_by(request.user)
    return {
        "batch": batch,
        "job": job,
        "running": running,
        "progress": progress,
        "percent": percent(progress),
        "undo_job": undo_job,
        "undoing": undoing,
        "undo_percent": (undo_job.percent() or 0) if undo_job and undoing else 0,
        "runner_is_alive": runner_is_alive() if running or undoing else None,
        "batch_url": batch_url(batch),
        "can_undo": request.user.has_perm("imports.undo_import") and batch.can_be_undone,
        "retention_days": settings.IMPORT_FILE_RETENTION_DAYS,
        "step": 5,
    }


def _private_download(file, *, filename: str, content_type: str) -> FileResponse:
    """A download of customer data: always an attachment, never kept by a browser or proxy."""
    response = FileResponse(file, as_attachment=True, filename=filename, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@permission_required("imports.add_import", raise_exception=True)
@require_GET
def download_file(request: AuthenticatedHttpRequest, code) -> FileResponse:
    """The uploaded file as it was, to whoever may see the import (it is never served by URL)."""
    batch = get_import_for_user(request, code)
    if not batch.file:
        raise Http404
    return _private_download(
        batch.file.open("rb"),
        filename=batch.file_name or "import",
        content_type="application/octet-stream",
    )


@login_required
@permission_required("imports.add_import", raise_exception=True)
@require_GET
def download_errors(request: AuthenticatedHttpRequest, code) -> FileResponse:
    batch = get_import_for_user(request, code)
    if not batch.error_file:
        raise Http404
    stem = Path(batch.file_name).stem or "import"
    return _private_download(
        batch.error_file.open("rb"),
        filename=f"{stem}-errors.csv",
        content_type="text/csv; charset=utf-8",
    )


@login_required
@permission_required("imports.add_import", raise_exception=True)
@require_GET
def dry_run_errors(request: AuthenticatedHttpRequest, code) -> FileResponse:
    """The error file of the dry run, before anything is imported."""
    batch = get_import_for_user(request, code, editable=True)
    if not batch.dry_run_is_current() or not batch.dry_run_error_file:
        raise Http404
    stem = Path(batch.file_name).stem or "import"
    return _private_download(
        batch.dry_run_error_file.open("rb"),
        filename=f"{stem}-errors.csv",
        content_type="text/csv; charset=utf-8",
    )


@login_required
@permission_required("imports.undo_import", raise_exception=True)
@require_POST
def undo(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    """Queue the undo (a background job); the import's page follows its progress."""
    batch = get_import_for_user(request, code)
    if actions.start_undo(batch=batch, actor=request.user) is None:
        batch.refresh_from_db()
        if batch.is_being_undone:
            messages.error(request, _("This import is being undone already."))
        else:
            messages.error(request, _("This import cannot be undone."))
    return redirect(batch_url(batch))


def batch_url(batch: Import) -> str:
    return reverse("imports:import-detail", args=[batch.code])


@login_required
@permission_required("imports.add_import", raise_exception=True)
@require_GET
def download_sample(request: AuthenticatedHttpRequest, name: str) -> FileResponse:
    if name not in SAMPLE_FILES:
        raise Http404
    return FileResponse(
        (SAMPLES / name).open("rb"),
        as_attachment=True,
        filename=name,
        content_type=SAMPLE_FILES[name],
    )
