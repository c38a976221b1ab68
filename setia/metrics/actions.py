"""Rollups of the daily store metrics per customer, recomputed in bulk by set-based SQL.

Each recompute step is a callable `step(*, today) -> int` (rows written) listed in the setting
RECOMPUTE_STEPS; `run_recompute` runs them in order, each in its own transaction, for the
`recompute` command and the nightly Celery job. Windows end the day before `today`: the
platform reports a day once it is over, so today's figures are never complete.
"""

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils.module_loading import import_string

from setia.lib.dates import month_start, now

ROLLUP_COLUMNS = (
    "gmv_30d, gmv_90d, gmv_prev_90d, orders_30d, orders_90d, orders_prev_90d, gmv_growth_pct, "
    "as_of, computed_at"
)


def recompute_rollups(*, today: date, months: int = 13) -> int:
    """Set every customer's 30/90-day totals and the 90 days before, as of `today`, and its GMV
    and orders per calendar month for the last `months` months (the current, unfinished one
    included, up to the day before `today`); return the number of customers.

    The daily table has no index on the day (its key leads with the store), so any window costs
    a full scan: one scan sums per store and month, with the 30/90/180-day windows as filtered
    sums, into a temporary table; the two per-customer tables are written from that small table.
    Customers without metrics get zero rollups and a growth of NULL when the previous 90 days had
    no GMV. Months older than `months` are left as they are.
    """
    ops = connection.ops
    start = month_start(today, -(months - 1))
    d180 = today - timedelta(days=180)
    params = {
        "d30": ops.adapt_datefield_value(today - timedelta(days=30)),
        "d90": ops.adapt_datefield_value(today - timedelta(days=90)),
        "d180": ops.adapt_datefield_value(d180),
        "start": ops.adapt_datefield_value(start),
        "first": ops.adapt_datefield_value(min(start, d180)),
        "today": ops.adapt_datefield_value(today),
        "computed_at": ops.adapt_datetimefield_value(now()),
    }
    month = (
        "(m.day - (date_part('day', m.day)::int - 1))"
        if connection.vendor == "postgresql"
        else "strftime('%%Y-%%m-01', m.day)"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        _give_memory(cursor)
        # CREATE TABLE AS runs with parallel workers on PostgreSQL (INSERT ... SELECT would
        # scan on one core), and what follows reads ~13 rows per store instead of ~395.
        cursor.execute(
            f"""
            CREATE TEMPORARY TABLE metrics_store_month AS
            SELECT m.store_id, {month} AS month, sum(m.gmv) AS gmv, sum(m.orders) AS orders,
                sum(m.gmv) FILTER (WHERE m.day >= %(d30)s) AS gmv_30d,
                sum(m.gmv) FILTER (WHERE m.day >= %(d90)s) AS gmv_90d,
                sum(m.gmv) FILTER (WHERE m.day >= %(d180)s AND m.day < %(d90)s) AS gmv_prev_90d,
                sum(m.orders) FILTER (WHERE m.day >= %(d30)s) AS orders_30d,
                sum(m.orders) FILTER (WHERE m.day >= %(d90)s) AS orders_90d,
                sum(m.orders) FILTER (WHERE m.day >= %(d180)s AND m.day < %(d90)s)
                    AS orders_prev_90d
            FROM metrics_storedailymetric AS m
            WHERE m.day >= %(first)s AND m.day < %(today)s
            GROUP BY m.store_id, {month}
            """,
            params,
        )
        cursor.execute(
            """
            CREATE TEMPORARY TABLE metrics_customer_month AS
            SELECT s.customer_id, r.month, sum(r.gmv) AS gmv, sum(r.orders) AS orders,
                sum(r.gmv_30d) AS gmv_30d, sum(r.gmv_90d) AS gmv_90d,
                sum(r.gmv_prev_90d) AS gmv_prev_90d, sum(r.orders_30d) AS orders_30d,
                sum(r.orders_90d) AS orders_90d, sum(r.orders_prev_90d) AS orders_prev_90d
            FROM metrics_store_month AS r
            JOIN customers_store AS s ON s.id = r.store_id
            GROUP BY s.customer_id, r.month
            """
        )
        if connection.vendor == "sqlite":
            # SQLite runs the NOT EXISTS below as a loop over this table for every monthly row:
            # without an index that was quadratic (16 s at 2,000 customers, an hour at 10,000).
            cursor.execute(
                "CREATE INDEX metrics_customer_month_key ON metrics_customer_month "
                "(customer_id, month)"
            )
        # FILTER sums are NULL where a store had no day in the window, hence the coalesce
        # below. A temporary table has no statistics until analysed; without them PostgreSQL
        # guesses a few thousand rows and picks nested loops for the joins below.
        cursor.execute("ANALYZE metrics_customer_month")
        cursor.execute(
            f"""
            INSERT INTO metrics_customerrollup (customer_id, {ROLLUP_COLUMNS})
            SELECT c.id, coalesce(a.gmv_30d, 0), coalesce(a.gmv_90d, 0),
                coalesce(a.gmv_prev_90d, 0), coalesce(a.orders_30d, 0),
                coalesce(a.orders_90d, 0), coalesce(a.orders_prev_90d, 0),
                CASE WHEN a.gmv_prev_90d > 0
                    THEN (coalesce(a.gmv_90d, 0) - a.gmv_prev_90d) * 100.0 / a.gmv_prev_90d END,
                %(today)s, %(computed_at)s
            FROM customers_customer AS c
            LEFT JOIN (
                SELECT customer_id, sum(gmv_30d) AS gmv_30d, sum(gmv_90d) AS gmv_90d,
                    sum(gmv_prev_90d) AS gmv_prev_90d, sum(orders_30d) AS orders_30d,
                    sum(orders_90d) AS orders_90d, sum(orders_prev_90d) AS orders_prev_90d
                FROM metrics_customer_month
                GROUP BY customer_id
            ) AS a ON a.customer_id = c.id
            WHERE true  -- SQLite needs a WHERE before ON CONFLICT in INSERT ... SELECT
            ON CONFLICT (customer_id) DO UPDATE SET
                gmv_30d = excluded.gmv_30d, gmv_90d = excluded.gmv_90d,
                gmv_prev_90d = excluded.gmv_prev_90d, orders_30d = excluded.orders_30d,
                orders_90d = excluded.orders_90d, orders_prev_90d = excluded.orders_prev_90d,
                gmv_growth_pct = excluded.gmv_growth_pct, as_of = excluded.as_of,
                computed_at = excluded.computed_at
            """,
            params,
        )
        written = cursor.rowcount
        # Only the months whose figures differ are rewritten: night after night that is the
        # current month, not 13 x 100,000 rows. Both statements are hash anti-joins on
        # PostgreSQL; new rows go in key order, so the primary key index is appended to.
        cursor.execute(
            """
            DELETE FROM metrics_customermonthlymetric
            WHERE month >= %(start)s AND NOT EXISTS (
                SELECT 1 FROM metrics_customer_month AS n
                WHERE n.month >= %(start)s AND n.customer_id = metrics_customermonthlymetric.customer_id
                    AND n.month = metrics_customermonthlymetric.month
                    AND n.gmv = metrics_customermonthlymetric.gmv
                    AND n.orders = metrics_customermonthlymetric.orders
            )
            """,
            params,
        )
        cursor.execute(
            """
            INSERT INTO metrics_customermonthlymetric (customer_id, month, gmv, orders)
            SELECT n.customer_id, n.month, n.gmv, n.orders
            FROM metrics_customer_month AS n
            WHERE n.month >= %(start)s AND NOT EXISTS (
                SELECT 1 FROM metrics_customermonthlymetric AS m
                WHERE m.customer_id = n.customer_id AND m.month = n.month
            )
            ORDER BY n.customer_id, n.month
            """,
            params,
        )
        cursor.execute("DROP TABLE metrics_customer_month")
        cursor.execute("DROP TABLE metrics_store_month")
        return written


def replay_gmv_90d(*, days: list[date]) -> Iterator[date]:
    """For replaying tier history: set every customer's 90-day GMV rollup as of each of `days`
    in turn (in order), yielding the day once it is set; the other rollup figures are left as
    they are, so a full `recompute_rollups` must follow the last day.

    One scan of the daily table sums every day's window at once (a filtered sum per day): a
    full recompute per day would scan it once per day. The windows are those of
    `recompute_rollups`: the 90 days before the day. Each day then costs one UPDATE of the
    rollups. Run inside a transaction: the sums wait in a temporary table between days.
    """
    if not days:
        return
    ops = connection.ops
    sums = ", ".join(
        f"sum(m.gmv) FILTER (WHERE m.day >= %(start_{i})s AND m.day < %(end_{i})s) AS gmv_{i}"
        for i in range(len(days))
    )
    params = {"first": ops.adapt_datefield_value(min(days) - timedelta(days=90))}
    params["last"] = ops.adapt_datefield_value(max(days))
    for i, day in enumerate(days):
        params[f"start_{i}"] = ops.adapt_datefield_value(day - timedelta(days=90))
        params[f"end_{i}"] = ops.adapt_datefield_value(day)
    with connection.cursor() as cursor:
        _give_memory(cursor)
        cursor.execute(
            f"""
            CREATE TEMPORARY TABLE metrics_gmv_replay AS
            SELECT s.customer_id, {sums}
            FROM metrics_storedailymetric AS m
            JOIN customers_store AS s ON s.id = m.store_id
            WHERE m.day >= %(first)s AND m.day < %(last)s
            GROUP BY s.customer_id
            """,
            params,
        )
        cursor.execute(
            "CREATE INDEX metrics_gmv_replay_customer ON metrics_gmv_replay (customer_id)"
        )
        cursor.execute("ANALYZE metrics_gmv_replay")
        try:
            for i, day in enumerate(days):
                cursor.execute(
                    f"""
                    UPDATE metrics_customerrollup SET gmv_90d = coalesce((
                        SELECT r.gmv_{i} FROM metrics_gmv_replay AS r
                        WHERE r.customer_id = metrics_customerrollup.customer_id
                    ), 0), as_of = %s
                    """,
                    [ops.adapt_datefield_value(day)],
                )
                yield day
        finally:
            cursor.execute("DROP TABLE metrics_gmv_replay")


def _give_memory(cursor) -> None:
    """Let PostgreSQL hash one group per store and month in memory for this transaction: with
    the default 4 MB, 100,000 stores x 13 months spill to disk in many batches."""
    if connection.vendor == "postgresql":
        cursor.execute("SET LOCAL work_mem = '256MB'")


@dataclass
class StepResult:
    name: str
    rows: int
    seconds: float


def run_recompute(
    *,
    today: date,
    steps: list[str] | None = None,
    on_step: Callable[[StepResult], None] | None = None,
) -> list[StepResult]:
    """Run the RECOMPUTE_STEPS (dotted paths to `step(*, today) -> int`) in order, each in its
    own transaction, and report each step's rows and time."""
    results = []
    for name in settings.RECOMPUTE_STEPS if steps is None else steps:
        step = import_string(name)
        started = time.perf_counter()
        with transaction.atomic():
            rows = step(today=today)
        result = StepResult(name=name, rows=rows, seconds=time.perf_counter() - started)
        results.append(result)
        if on_step:
            on_step(result)
    return results
