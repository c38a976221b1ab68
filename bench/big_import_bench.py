"""A file at the upload limit through the wizard's two jobs: the dry run, then the commit.

    .venv/bin/python bench/big_import_bench.py [--megabytes 100] [--database-url URL] [--again]

Generates the onboarding sheet of `bench/import_bench.py` (id-ID Excel CSV with realistic
mess, ~5% duplicate rows, ~3% bad cells) up to `--megabytes` MB, uploads it as a manager's
import (the file stored in the private storage, the mapping proposed from its header), then runs
what the wizard's jobs run, in this process: the dry run (`engine.plan_import` over the stored
file read as a stream) and the commit (`actions.run_import` in its transaction, as the import
job does). With `--again`, the same file is committed a second time (it must create nothing).

The database is a fresh SQLite file in a temporary folder, migrated, unless `--database-url`
names another (e.g. an empty PostgreSQL database of its own: it is migrated and written to).

Prints, per phase: seconds, rows/s, and the peak resident memory of this process during the
phase (sampled every 50 ms), then the largest resident set size of the process as the kernel
counted it (ru_maxrss). Target: each phase < 1 GiB.
"""

import argparse
import os
import resource
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import setup_django
from import_bench import generate

ROWS_PER_MEGABYTE = 6130  # of the generated sheet, measured: ~163 bytes a row


class PeakMemory:
    """The largest resident set size of this process while in the block, sampled."""

    def __init__(self, interval: float = 0.05):
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()

    @staticmethod
    def resident() -> int:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * resource.getpagesize()

    def _sample(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak = max(self.peak, self.resident())

    def __enter__(self):
        self.peak = self.resident()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.resident())


def mib(size: int) -> str:
    return f"{size / 2**20:,.0f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--megabytes", type=float, default=100, help="size of the file (MB)")
    parser.add_argument("--file", type=Path, help="import this CSV instead of generating one")
    parser.add_argument("--database-url", help="default: a fresh SQLite file, migrated")
    parser.add_argument("--again", action="store_true", help="commit the same file again")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="setia-big-import-"))
    os.environ["PRIVATE_ROOT"] = str(folder / "private")
    os.environ["MEDIA_ROOT"] = str(folder / "media")
    path = args.file
    if path is None:
        path = folder / "onboarding.csv"
        started = time.perf_counter()
        generate(path, int(args.megabytes * ROWS_PER_MEGABYTE))
        print(f"generated {path} in {time.perf_counter() - started:.1f} s")
    database_url = args.database_url or f"sqlite:///{folder / 'db.sqlite3'}"
    started = time.perf_counter()
    setup_django(database_url)
    print(
        f"database: {database_url.split('@')[-1]}, migrated in {time.perf_counter() - started:.1f} s"
    )

    from django.contrib.auth.models import Group
    from django.core.files import File
    from django.db import connection, transaction

    from setia.accounts.models import Role, User
    from setia.imports import actions, engine
    from setia.imports.mapping import propose_mapping
    from setia.imports.models import Import
    from setia.lib.reading import open_table

    manager = User.objects.create_user("bench-manager@example.co.id", full_name="Bench Manager")
    manager.groups.add(Group.objects.get(name=Role.MANAGER))
    manager = User.objects.get(pk=manager.pk)  # permissions loaded afresh

    def upload() -> Import:
        """The upload step: the file stored privately, its header read, its mapping proposed."""
        with path.open("rb") as file:
            table = open_table(file)
            batch = Import(
                actor=manager,
                default_owner=manager,
                file_name=path.name,
                header=table.header,
                mapping=propose_mapping(table.header, None),
            )
            batch.file.save(f"{batch.code}.csv", File(file), save=False)
        batch.save()
        return batch

    size = path.stat().st_size
    results = []

    def phase(name: str, work) -> None:
        updates = []

        def progress(step: str, done: int, total: int) -> None:
            updates.append(step)

        started, cpu = time.perf_counter(), time.process_time()
        with PeakMemory() as memory:
            plan = work(progress)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        rows = plan.counts["rows"]
        counts = plan.counts
        assert rows == sum(v for k, v in counts.items() if k != "rows"), counts
        results.append((name, rows, seconds, memory.peak))
        print(
            f"{name:<14} {seconds:7.1f} s (CPU {cpu:6.1f} s) {rows / seconds:7,.0f} rows/s  "
            f"peak {mib(memory.peak):>9}  {len(updates)} progress updates  {plan.summary()}",
            flush=True,
        )

    started = time.perf_counter()
    with PeakMemory() as memory:
        batch = upload()
    print(
        f"upload         {time.perf_counter() - started:7.1f} s  peak {mib(memory.peak):>9}  "
        f"file {size / 1e6:.1f} MB, {len(batch.header)} columns"
    )

    def dry_run(progress):
        with actions.open_batch_table(batch) as table:
            return engine.plan_import(
                table,
                batch.mapping,
                actor=manager,
                default_owner=batch.default_owner,
                progress=progress,
            )

    def commit(progress):
        with actions.open_batch_table(batch) as table, transaction.atomic():
            locked = Import.objects.select_for_update().get(pk=batch.pk)
            locked.status = Import.Status.RUNNING
            return actions.run_import(batch=locked, table=table, actor=manager, progress=progress)

    phase("dry run", dry_run)
    phase("commit", commit)
    if args.again:
        batch = upload()
        phase("dry run again", dry_run)
        phase("commit again", commit)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM customers_customer")
        customers = cursor.fetchone()[0]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    worst = max(memory for *_rest, memory in results)
    print(f"customers in the database: {customers:,}")
    print(
        f"{connection.vendor}: peak resident memory {mib(worst)} in a phase, "
        f"{mib(peak)} for the process (ru_maxrss); target < 1024 MiB: "
        + ("met" if peak < 2**30 else "NOT met")
    )
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
