"""Metrics ingest and recompute against plain PostgreSQL and SQLite.

    .venv/bin/python bench/metrics_bench.py [--stores 100000 --days 365] [--skip-sqlite]

Generates the metrics CSV (N stores x D days, ending yesterday) under /tmp/setia_bench, then in
one run times, on a PostgreSQL database `setia_bench` that it creates and drops:
  (a0) server-side COPY of the file into a bare heap table with no key,
  (a)  the same into a bare table keyed by (store, date) and no other constraint,
  (b)  our `ingest_metrics` (validation, rejects and idempotence included) into the empty table,
       then the same file again (nothing changes; shown for information),
  (c)  one hand-written SQL statement computing the 90-day rollup and a tier per customer,
  (c+) (c) and a second hand-written statement for what `recompute` also writes, each
       customer's GMV and orders per month over the last 13 months: the same results as (d),
  (d)  our `recompute` (every step of RECOMPUTE_STEPS: rollups with the monthly totals,
       onboarding enrolment, tiers with their history);
and on SQLite, in a child process on a fresh file: (a) raw sqlite3 executemany of the file's
rows into a bare table keyed by (store, date), and (b) our ingest. It prints rows/s, seconds
and the ratios b/a, b/a0 and d/c. Goals: b >= 0.8x a; d <= 2x c; SQLite b >= 0.5x a.

(c) assigns tiers by fixed 90-day GMV thresholds written in the SQL
(Platinum >= Rp 1 M (juta) x 1000, Gold >= Rp 250 juta, Silver >= Rp 50 juta, else Bronze).
The bench's customers joined on the first day of their metrics (a year of metrics means a year
as a customer), so the first `recompute` enrols them on the onboarding pipeline without
creating new-customer checklists for 77,000 long-standing customers.
Every phase starts after a CHECKPOINT so that none pays for the previous one's dirty pages.
"""

import argparse
import csv
import io
import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import cast

from common import lap, setup_django  # bench/ is on sys.path when a bench runs

WORK = Path("/tmp/setia_bench")
SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
DATABASE = "setia_bench"
STORES_PER_CUSTOMER = 1.3

HAND_WRITTEN_ROLLUP = """
CREATE TABLE bench_rollup AS
SELECT c.id AS customer_id,
    coalesce(a.gmv_30d, 0) AS gmv_30d, coalesce(a.gmv_90d, 0) AS gmv_90d,
    coalesce(a.gmv_prev_90d, 0) AS gmv_prev_90d, coalesce(a.orders_30d, 0) AS orders_30d,
    coalesce(a.orders_90d, 0) AS orders_90d, coalesce(a.orders_prev_90d, 0) AS orders_prev_90d,
    CASE WHEN a.gmv_prev_90d > 0
        THEN (a.gmv_90d - a.gmv_prev_90d) * 100.0 / a.gmv_prev_90d END AS gmv_growth_pct,
    CASE WHEN a.gmv_90d >= 1000000000 THEN 'platinum'
         WHEN a.gmv_90d >= 250000000 THEN 'gold'
         WHEN a.gmv_90d >= 50000000 THEN 'silver'
         ELSE 'bronze' END AS tier
FROM customers_customer AS c
LEFT JOIN (
    SELECT s.customer_id,
        sum(m.gmv) FILTER (WHERE m.day >= %(d30)s) AS gmv_30d,
        sum(m.gmv) FILTER (WHERE m.day >= %(d90)s) AS gmv_90d,
        sum(m.gmv) FILTER (WHERE m.day < %(d90)s) AS gmv_prev_90d,
        sum(m.orders) FILTER (WHERE m.day >= %(d30)s) AS orders_30d,
        sum(m.orders) FILTER (WHERE m.day >= %(d90)s) AS orders_90d,
        sum(m.orders) FILTER (WHERE m.day < %(d90)s) AS orders_prev_90d
    FROM metrics_storedailymetric AS m JOIN customers_store AS s ON s.id = m.store_id
    WHERE m.day >= %(d180)s AND m.day < %(today)s
    GROUP BY s.customer_id
) AS a ON a.customer_id = c.id
"""
# What `recompute` also writes: each customer's GMV and orders per month, the last 13 months.
HAND_WRITTEN_MONTHLY = """
CREATE TABLE bench_monthly AS
SELECT s.customer_id, date_trunc('month', m.day)::date AS month,
    sum(m.gmv) AS gmv, sum(m.orders) AS orders
FROM metrics_storedailymetric AS m JOIN customers_store AS s ON s.id = m.store_id
WHERE m.day >= %(start)s AND m.day < %(today)s
GROUP BY s.customer_id, date_trunc('month', m.day)
"""
BARE_COLUMNS = (
    "store text, date date, gmv bigint, orders integer, visitors integer, "
    "uptime_pct numeric(5, 2), errors integer"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stores", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--skip-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--sqlite-part", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--keep", action="store_true", help="keep setia_bench afterwards")
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    WORK.chmod(0o755)  # the PostgreSQL server reads the CSV itself for (a) and (a0)
    today = date.today()
    path = WORK / f"metrics_{args.stores}x{args.days}.csv"
    if args.sqlite_part:
        print(json.dumps(run_sqlite(path, args.stores, args.days, today)))
        return
    rows = args.stores * args.days
    # A script's stdout is a TextIOWrapper; the stubs type sys.stdout as any TextIO.
    cast(io.TextIOWrapper, sys.stdout).reconfigure(line_buffering=True)
    print(f"metrics bench: {args.stores} stores x {args.days} days = {rows:,} rows")
    if not path.exists():
        started = time.perf_counter()
        generate_csv(path, args.stores, args.days, today)
        print(f"generated {path} ({path.stat().st_size / 2**30:.2f} GiB) in {lap(started)} s")
    path.chmod(0o644)
    results = run_postgresql(path, args.stores, args.days, today, keep=args.keep)
    if not args.skip_sqlite:
        child = subprocess.run(
            [sys.executable, __file__, "--sqlite-part", "--stores", str(args.stores),
             "--days", str(args.days)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        results["sqlite"] = json.loads(child.stdout.strip().splitlines()[-1])
    report(results, rows)


def generate_csv(path: Path, stores: int, days: int, today: date) -> None:
    """Deterministic rows: each store has a level, a trend and a weekly rhythm."""
    rng = random.Random(4)
    first = today - timedelta(days=days)
    day_texts = [(first + timedelta(days=index)).isoformat() for index in range(days)]
    weekly = [1.0, 0.9, 0.95, 1.0, 1.1, 1.3, 1.25]
    temporary = path.with_suffix(".tmp")
    with temporary.open("w") as out:
        out.write("store,date,gmv,orders,visitors,uptime_pct,errors\n")
        for store in range(stores):
            level = rng.lognormvariate(13.5, 1.2)  # median ≈ Rp 730,000 a day
            trend = rng.uniform(-0.002, 0.003)
            domain = f"bench{store}.example.id"
            lines = []
            for index, day in enumerate(day_texts):
                gmv = int(level * weekly[index % 7] * (1 + trend) ** index)
                orders = gmv // 85_000
                lines.append(
                    f"{domain},{day},{gmv},{orders},{orders * 23 + 40},"
                    f"{'100' if index % 11 else '99.5'},{int(index % 5 == 0)}\n"
                )
            out.write("".join(lines))
    temporary.rename(path)


def create_stores(stores: int, joined: date) -> None:
    """Customers with ~1.3 stores each, `bench<i>.example.id` for store i, who joined on
    `joined`."""
    from django.db import transaction

    from setia.customers.models import Category, Customer, Store

    category = Category.objects.first()
    customers = max(1, round(stores / STORES_PER_CUSTOMER))
    batch = 10_000
    with transaction.atomic():
        ids: list[int] = []
        for start in range(0, customers, batch):
            created = Customer.objects.bulk_create(
                Customer(name=f"Bench {index}", category=category, city="Jakarta")
                for index in range(start, min(start + batch, customers))
            )
            ids.extend(customer.pk for customer in created)
        Customer.objects.update(created_at=datetime.combine(joined, datetime.min.time(), UTC))
        for start in range(0, stores, batch):
            Store.objects.bulk_create(
                Store(
                    customer_id=ids[index % customers],
                    domain=f"bench{index}.example.id",
                    url=f"https://bench{index}.example.id",
                )
                for index in range(start, min(start + batch, stores))
            )


def run_postgresql(path: Path, stores: int, days: int, today: date, *, keep: bool) -> dict:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        admin.execute(f"CREATE DATABASE {DATABASE}")
    try:
        setup_django(f"{SERVER}/{DATABASE}")
        return _run_postgresql(path, stores, today - timedelta(days=days), today)
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
            with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {DATABASE}")


def _run_postgresql(path: Path, stores: int, joined: date, today: date) -> dict:
    from django.conf import settings
    from django.db import connection

    from setia.lib.dates import month_start
    from setia.metrics.actions import run_recompute
    from setia.metrics.ingest import ingest_file

    started = time.perf_counter()
    create_stores(stores, joined)
    print(f"created {stores} stores in {lap(started)} s")
    seconds = {}

    def timed(name, work):
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
        started = time.perf_counter()
        outcome = work()
        seconds[name] = time.perf_counter() - started
        print(f"  {name}: {seconds[name]:.1f} s {outcome if outcome is not None else ''}")
        return outcome

    def copy_into(table, key):
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TABLE {table} ({BARE_COLUMNS}{key})")
            cursor.execute(f"COPY {table} FROM %s (FORMAT csv, HEADER true)", [str(path)])
            return f"rows={cursor.rowcount}"

    def drop(table):
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {table}")

    timed("a0", lambda: copy_into("bench_heap", ""))
    drop("bench_heap")
    timed("a", lambda: copy_into("bench_keyed", ", PRIMARY KEY (store, date)"))
    drop("bench_keyed")
    timed("b", lambda: ingest_file(path, today=today).summary())
    timed("b_again", lambda: ingest_file(path, today=today).summary())
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE metrics_storedailymetric")
    ops = connection.ops
    params = {
        "d30": ops.adapt_datefield_value(today - timedelta(days=30)),
        "d90": ops.adapt_datefield_value(today - timedelta(days=90)),
        "d180": ops.adapt_datefield_value(today - timedelta(days=180)),
        "today": ops.adapt_datefield_value(today),
        "start": ops.adapt_datefield_value(month_start(today, -12)),
    }

    def hand_written(*statements):
        with connection.cursor() as cursor:
            rows = []
            for statement in statements:
                cursor.execute(statement, params)
                rows.append(cursor.rowcount)
            return f"rows={'+'.join(map(str, rows))}"

    timed("c", lambda: hand_written(HAND_WRITTEN_ROLLUP))
    drop("bench_rollup")
    timed("c+", lambda: hand_written(HAND_WRITTEN_ROLLUP, HAND_WRITTEN_MONTHLY))
    timed(
        "d",
        lambda: ", ".join(
            f"{step.name.rsplit('.', 1)[-1]} rows={step.rows} {step.seconds:.1f} s"
            for step in run_recompute(today=today)
        ),
    )
    with connection.cursor() as cursor:
        # The two must agree, or the comparison means nothing.
        cursor.execute(
            """
            SELECT count(*) FROM bench_rollup AS b
            JOIN metrics_customerrollup AS r USING (customer_id)
            WHERE (b.gmv_30d, b.gmv_90d, b.gmv_prev_90d, b.orders_30d, b.orders_90d,
                   b.orders_prev_90d)
               <> (r.gmv_30d, r.gmv_90d, r.gmv_prev_90d, r.orders_30d, r.orders_90d,
                   r.orders_prev_90d)
            """
        )
        differences = cursor.fetchone()[0]
        cursor.execute(
            """
            SELECT count(*) FROM bench_monthly AS b
            FULL JOIN metrics_customermonthlymetric AS r USING (customer_id, month)
            WHERE (b.gmv, b.orders) IS DISTINCT FROM (r.gmv, r.orders)
            """
        )
        differences += cursor.fetchone()[0]
    print(f"  rollups and months differing between (c+) and (d): {differences}")
    return {"seconds": seconds, "steps": settings.RECOMPUTE_STEPS, "differences": differences}


def run_sqlite(path: Path, stores: int, days: int, today: date) -> dict:
    database = WORK / "bench.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    setup_django(f"sqlite:///{database}")
    create_stores(stores, today - timedelta(days=days))
    from django.db import connection

    from setia.metrics.ingest import ingest_file

    seconds = {}
    # (a) raw executemany of the file's rows, in one transaction, into a bare keyed table.
    raw = sqlite3.connect(database, isolation_level=None)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=NORMAL")
    raw.execute(
        "CREATE TABLE bench_keyed (store text, date date, gmv bigint, orders integer, "
        "visitors integer, uptime_pct decimal, errors integer, PRIMARY KEY (store, date))"
    )
    started = time.perf_counter()
    with path.open(newline="") as file:
        reader = csv.reader(file)
        next(reader)
        raw.execute("BEGIN")
        while batch := [row for _, row in zip(range(10_000), reader, strict=False)]:
            raw.executemany("INSERT INTO bench_keyed VALUES (?, ?, ?, ?, ?, ?, ?)", batch)
        raw.execute("COMMIT")
    seconds["a"] = time.perf_counter() - started
    raw.execute("DROP TABLE bench_keyed")
    raw.close()
    started = time.perf_counter()
    summary = ingest_file(path, today=today).summary()
    seconds["b"] = time.perf_counter() - started
    connection.close()
    return {"seconds": seconds, "summary": summary}


def report(results: dict, rows: int) -> None:
    seconds = results["seconds"]

    def rate(name):
        return rows / seconds[name]

    print()
    print(f"{'phase':<44}{'seconds':>10}{'rows/s':>14}")
    labels = {
        "a0": "(a0) PostgreSQL COPY, bare heap",
        "a": "(a)  PostgreSQL COPY, keyed (store, date)",
        "b": "(b)  ingest_metrics, PostgreSQL",
        "b_again": "     the same file again (no change)",
        "c": "(c)  hand-written rollup + tiers SQL",
        "c+": "(c+) (c) + hand-written monthly totals",
        "d": "(d)  recompute",
    }
    for name, label in labels.items():
        print(f"{label:<44}{seconds[name]:>10.1f}{rate(name):>14,.0f}")
    if "sqlite" in results:
        lite = results["sqlite"]["seconds"]
        print(
            f"{'(a)  SQLite raw executemany, keyed':<44}{lite['a']:>10.1f}{rows / lite['a']:>14,.0f}"
        )
        print(f"{'(b)  ingest_metrics, SQLite':<44}{lite['b']:>10.1f}{rows / lite['b']:>14,.0f}")
    print()
    print(f"b/a   = {rate('b') / rate('a'):.2f}  (goal >= 0.8)")
    print(f"b/a0  = {rate('b') / rate('a0'):.2f}")
    print(f"d/c   = {seconds['d'] / seconds['c']:.2f}  (goal <= 2; time of d over time of c)")
    print(f"d/c+  = {seconds['d'] / seconds['c+']:.2f}  (the same results: rollups, months, tiers)")
    if "sqlite" in results:
        print(f"SQLite b/a = {lite['a'] / lite['b']:.2f}  (goal >= 0.5)")
    print(f"recompute steps: {', '.join(results['steps'])}")
    if results["differences"]:
        print(f"WARNING: {results['differences']} rollups or months differ between (c+) and (d)")


if __name__ == "__main__":
    main()
