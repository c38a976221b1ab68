"""Metrics pushed over HTTP: the body is kept as a CSV file and ingested by a background job
through `ingest_file`, the very code of `manage.py ingest_metrics`, so a push validates,
counts and re-runs exactly as the command does.

A JSON array of objects becomes a CSV file whose header is the required columns followed by
any other key (reported as unknown, as in a file); a missing key is an empty value, and so a
row rejected for it.
"""

import csv
import json
import uuid
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from setia.jobs.actions import Failed, enqueue, report_progress
from setia.jobs.models import Job
from setia.metrics.ingest import COLUMNS, IngestError, check_header, ingest_file, reason_text

PUSH_TASK = "setia.metrics.push.ingest_pushed_file"
CHUNK = 1 << 16
# Rejected rows listed in a job's result; the count is always complete.
REJECTS_SHOWN = 1000


class PushError(Exception):
    """The body cannot be ingested at all (not an array of objects, no header, missing
    columns); nothing was queued."""


def _new_path() -> Path:
    folder = Path(settings.PRIVATE_ROOT) / "metrics-push"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{uuid.uuid4().hex}.csv"


def save_csv(stream, *, digest=None) -> Path:
    """Copy a CSV body from `stream` (read in chunks, never whole in memory) to a file and check
    its header as the command does; raises PushError (the file removed) when it is unusable.
    `digest` (a hashlib object) is fed the bytes on the way."""
    path = _new_path()
    with path.open("wb") as out:
        while chunk := stream.read(CHUNK):
            out.write(chunk)
            if digest is not None:
                digest.update(chunk)
    try:
        check_header(path)
    except IngestError as error:
        path.unlink(missing_ok=True)
        raise PushError(str(error)) from None
    except UnicodeDecodeError:
        path.unlink(missing_ok=True)
        raise PushError(_("The body is not UTF-8 text.")) from None
    return path


def save_json(stream, *, digest=None) -> Path:
    """Write a JSON array of row objects as a CSV file (see the module docstring); raises
    PushError when the body is not such an array. `digest` is fed the body's bytes."""
    body = stream.read() if stream is not None else b""
    if digest is not None:
        digest.update(body)
    try:
        rows = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise PushError(_("The body is not valid JSON.")) from None
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise PushError(_("Send a JSON array of objects, one per store and day."))
    extra = sorted({key for row in rows for key in row} - set(COLUMNS))
    header = COLUMNS + extra
    path = _new_path()
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows([_text(row.get(name)) for name in header] for row in rows)
    return path


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool | list | dict):
        return json.dumps(value)  # not a number: the row is rejected with the file's reason
    return str(value)


@transaction.atomic
def push_metrics(*, path: Path, actor, today: date) -> Job:
    """Queue the ingest of the pushed file `path` (from `save_csv` or `save_json`) as one job
    started by `actor`; rows dated after `today` are rejected as in the command."""
    return enqueue(
        PUSH_TASK,
        str(path),
        today=today.isoformat(),
        language=translation.get_language() or settings.LANGUAGE_CODE,
        label=_("Metrics push"),
        created_by=actor,
    )


def ingest_pushed_file(path: str, *, today: str, language: str) -> None:
    """The job: ingest the pushed file with `ingest_file` and keep the accounting line, the
    counts and the rejected rows (with their reasons in the pusher's language) as the job's
    final progress; the file and its error file are removed afterwards."""
    pushed = Path(path)
    with translation.override(language):
        try:
            result = ingest_file(pushed, today=date.fromisoformat(today))
        except IngestError as error:
            raise Failed(str(error)) from None
        except FileNotFoundError:
            raise Failed(_("The pushed file is gone; push it again.")) from None
        rejects = [
            {"row": number, "reason": code, "message": reason_text(code), "values": values}
            for number, code, values in result.rejects[:REJECTS_SHOWN]
        ]
    if result.errors_path:
        result.errors_path.unlink(missing_ok=True)
    pushed.unlink(missing_ok=True)
    report_progress(
        "done",
        result.rows,
        result.rows,
        summary=result.summary(),
        rows=result.rows,
        inserted=result.inserted,
        updated=result.updated,
        rejected=result.rejected,
        unknown_columns=result.unknown_columns,
        rejects=rejects,
    )
