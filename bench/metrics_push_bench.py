"""The metrics push against `ingest_metrics` on the same rows, on PostgreSQL.

    .venv/bin/python bench/metrics_push_bench.py [--stores 1000 --days 100] [--repeats 4]

Creates the database `setia_push_bench` (dropped afterwards), N stores and a CSV of N x D rows
ending yesterday, then in one run, each phase into an empty metrics table and once more with
the same rows (nothing changes):
  (a) `ingest_file`, as `manage.py ingest_metrics` calls it, on the file;
  (b) the same bytes POSTed to /api/v1/metrics/ as text/csv with a service token, and the job
      run by the runner (`run_pending`, as `run_jobs` runs it): timed from the POST to done.
Each phase runs once untimed first (imports, the URLconf, the catalogue caches), then --repeats
times each, in alternating order (a b, b a, a b...), so that a drift of the machine's load
weighs on both alike. Before each "empty" round the table is emptied with TRUNCATE: a DELETE
leaves the deleted rows' versions in the table and its key until a vacuum, and the next phase's
inserts would step over them while the first phase wrote into a new table. It prints seconds
and rows/s of each run, then the ratio of b's speed to a's over the best times and over the
medians. Goal: b >= 0.8x a.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import setup_django

# BENCH_DATABASE: another scratch database name, for a server shared with other benches.
DATABASE = os.environ.get("BENCH_DATABASE", "setia_push_bench")
SERVER = "postgres://postgres@127.0.0.1:5432"
WORK = Path("/tmp/setia_push_bench")


def write_csv(path: Path, stores: int, days: int, today: date) -> None:
    first = today - timedelta(days=days)
    with path.open("w") as out:
        out.write("store,date,gmv,orders,visitors,uptime_pct,errors\n")
        for store in range(stores):
            for index in range(days):
                day = (first + timedelta(days=index)).isoformat()
                gmv = 100_000 + (store * 7919 + index * 104729) % 5_000_000
                out.write(f"bench{store}.example.id,{day},{gmv},{gmv // 90_000},{gmv // 5000},"
                          f"{99 + (index % 100) / 100:.2f},{index % 3}\n")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stores", type=int, default=1000)
    parser.add_argument("--days", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=4, help="timed runs of each phase")
    args = parser.parse_args()
    rows = args.stores * args.days
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as server:
        server.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        server.execute(f"CREATE DATABASE {DATABASE}")
    try:
        run(args.stores, args.days, rows, args.repeats)
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as server:
            server.execute(f"DROP DATABASE IF EXISTS {DATABASE}")


def run(stores: int, days: int, rows: int, repeats: int) -> None:
    setup_django(f"{SERVER}/{DATABASE}")
    from django.conf import settings
    from django.db import connection
    from rest_framework.test import APIClient

    from setia.accounts.models import Role
    from setia.api.actions import create_token
    from setia.jobs.actions import run_pending
    from setia.lib.dates import today as today_in_jakarta
    from setia.metrics.ingest import TABLE, ingest_file
    from setia.test import make_customer, make_store, make_user

    settings.ALLOWED_HOSTS = ["*"]
    settings.JOBS_EAGER = False
    settings.RATE_LIMIT_API = "100000/m"
    today = today_in_jakarta()
    customer = make_customer()
    for store in range(stores):
        make_store(customer, domain=f"bench{store}.example.id")
    WORK.mkdir(exist_ok=True)
    path = WORK / f"metrics_{stores}x{days}.csv"
    write_csv(path, stores, days, today)
    admin = make_user(Role.ADMIN)
    _token, secret = create_token(
        user=admin, name="bench", scope="metrics", kind="service", expires_at=None
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    body = path.read_bytes()
    print(f"metrics push bench: {stores} stores x {days} days = {rows:,} rows")

    def command() -> str:
        return ingest_file(path, today=today).summary()

    def push() -> str:
        answer = client.post("/api/v1/metrics/", body, content_type="text/csv")
        assert answer.status_code == 202, answer.content
        run_pending()
        return client.get(answer["Location"]).json()["summary"]

    def empty_table() -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {TABLE}")

    phases = {"a": command, "b": push}
    times: dict[tuple[str, str], list[float]] = {}
    # Untimed: the first run of each loads what the later ones reuse (the URLconf, caches).
    for phase in phases.values():
        empty_table()
        phase()
    for repeat in range(repeats):
        for label in ("a", "b") if repeat % 2 == 0 else ("b", "a"):
            for round_ in ("empty", "again"):
                if round_ == "empty":
                    empty_table()
                started = time.perf_counter()
                summary = phases[label]()
                seconds = time.perf_counter() - started
                times.setdefault((label, round_), []).append(seconds)
                print(
                    f"({label}) {round_:5} {seconds:6.2f} s {rows / seconds:10,.0f} rows/s"
                    f"  {summary}"
                )
    for round_ in ("empty", "again"):
        a, b = times["a", round_], times["b", round_]
        print(
            f"b speed / a speed, {round_}: {min(a) / min(b):.2f} best, "
            f"{statistics.median(a) / statistics.median(b):.2f} median"
        )


if __name__ == "__main__":
    main()
