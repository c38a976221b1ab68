from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from setia.lib.dates import today as today_in_jakarta
from setia.metrics.ingest import IngestError, ingest_file


class Command(BaseCommand):
    help = (
        "Load daily store metrics from a CSV file (columns store, date, gmv, orders, visitors, "
        "uptime_pct, errors). Re-running it with the same file changes nothing; a corrected "
        "file updates only the days that changed. Rejected rows go to an error file."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the CSV file")
        parser.add_argument(
            "--errors",
            type=Path,
            default=None,
            help="where to write rejected rows (default: PATH.rejected.csv)",
        )
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help="the date after which a row is in the future (default: today in TIME_ZONE)",
        )

    def handle(self, *args, path: Path, errors: Path | None, today: date | None, **options):
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            disable=options["verbosity"] == 0,
        ) as progress:
            bar = progress.add_task(f"Ingesting {path.name}", total=path.stat().st_size)
            try:
                result = ingest_file(
                    path,
                    today=today or today_in_jakarta(),
                    errors_path=errors,
                    on_progress=lambda done, total: progress.update(bar, completed=done),
                )
            except IngestError as error:
                raise CommandError(f"{path}: {error}") from None
        if result.unknown_columns:
            self.stderr.write("unknown columns ignored: " + ", ".join(result.unknown_columns))
        self.stdout.write(result.summary())
        if result.errors_path:
            self.stdout.write(f"rejected rows and reasons: {result.errors_path}")
