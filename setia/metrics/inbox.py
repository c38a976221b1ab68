"""A folder where the platform drops metrics files (setting METRICS_INBOX).

Each `*.csv` in the folder is claimed by renaming it into `processing/` (a rename is atomic, so
two workers never take the same file), ingested, then moved to `done/` with its error file, or
to `failed/` with a `.log` saying why when it could not be ingested at all.
"""

import logging
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from setia.metrics.ingest import IngestError, ingest_file

log = logging.getLogger(__name__)


@dataclass
class InboxFile:
    name: str
    outcome: str  # "done" or "failed"
    summary: str


def process_inbox(inbox: Path, *, today: date) -> list[InboxFile]:
    """Ingest every CSV waiting in `inbox`, oldest name first; return what became of each."""
    for folder in ("processing", "done", "failed"):
        (inbox / folder).mkdir(parents=True, exist_ok=True)
    processed = []
    for path in sorted(inbox.glob("*.csv")):
        claimed = inbox / "processing" / path.name
        try:
            os.rename(path, claimed)
        except FileNotFoundError:
            continue  # another worker claimed it first
        try:
            result = ingest_file(claimed, today=today)
        except (IngestError, UnicodeDecodeError, OSError) as error:
            _move(claimed, inbox / "failed")
            (inbox / "failed" / f"{path.name}.log").write_text(f"{error}\n", encoding="utf-8")
            log.warning("metrics file %s failed: %s", path.name, error)
            processed.append(InboxFile(path.name, "failed", str(error)))
            continue
        if result.errors_path:
            _move(result.errors_path, inbox / "done")
        _move(claimed, inbox / "done")
        log.info("metrics file %s: %s", path.name, result.summary())
        processed.append(InboxFile(path.name, "done", result.summary()))
    return processed


def _move(path: Path, folder: Path) -> None:
    os.replace(path, folder / path.name)
