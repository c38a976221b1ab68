"""Demo metrics: a year of daily figures for every demo store, then the recompute.

Each customer grows, stays flat or declines over the year (from its own seeded random
generator); on top come a weekly rhythm (weekends sell more), payday at the end of the month,
Ramadan (more sales, most in its last two weeks, then a quiet Lebaran week) and the 11.11 and
12.12 marketplace sales. Deterministic for a seed; skipped when metrics exist already.
"""

import math
import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

from django.conf import settings
from django.db import connection
from rich.progress import Progress

from setia.customers.demo import trouble
from setia.customers.demo_load import demo_customers, only_demo_customers
from setia.customers.models import Store
from setia.metrics.actions import run_recompute
from setia.metrics.models import StoreDailyMetric

DAYS = 365
# Ramadan (first and last day) by year; Lebaran (Idul Fitri) is the day after.
RAMADAN = {
    2025: (date(2025, 3, 1), date(2025, 3, 30)),
    2026: (date(2026, 2, 18), date(2026, 3, 19)),
    2027: (date(2027, 2, 8), date(2027, 3, 9)),
    2028: (date(2028, 1, 28), date(2028, 2, 26)),
}
# Average order value in rupiah by category slug (others: Rp 120,000).
ORDER_VALUE = {
    "fashion": 165_000,
    "food-beverage": 65_000,
    "electronics": 420_000,
    "beauty": 110_000,
}
WEEKDAY = [0.92, 0.9, 0.95, 0.97, 1.05, 1.18, 1.12]  # Monday first


def season(day: date) -> float:
    """How much busier than usual a day is, for every store."""
    factor = WEEKDAY[day.weekday()]
    if day.day >= 25 or day.day == 1:
        factor *= 1.08  # payday
    for first, last in RAMADAN.values():
        if first <= day <= last:
            factor *= 1.6 if (last - day).days < 14 else 1.25
        elif 1 <= (day - last).days <= 7:
            factor *= 0.55  # Lebaran: shops and couriers rest
    if (day.month, day.day) in {(11, 11), (12, 12)}:
        factor *= 3.2
    elif (day.month, day.day) in {(11, 10), (11, 12), (12, 11), (12, 13)}:
        factor *= 1.5
    return factor


def _profile(rng: random.Random, status: str) -> tuple[float, float]:
    """(median daily GMV, growth over the year as a factor) for one customer."""
    level = math.exp(rng.gauss(math.log(1_500_000), 1.1))
    kind = rng.choices(["growing", "flat", "declining"], weights=[30, 45, 25])[0]
    if status == "churned":
        kind = "declining"
    growth = {
        "growing": rng.uniform(1.6, 2.5),
        "flat": rng.uniform(0.9, 1.1),
        "declining": rng.uniform(0.3, 0.7),
    }[kind]
    return level, growth


# The daily noise is drawn in SQL from one pseudo-random number per store and day: a number
# of the store (drawn from its own generator) and the day, mixed by two squarings modulo the
# prime PRIME, then multiplied by one constant per draw (powers of 48271, the Park-Miller
# multiplier). Integer arithmetic alone, under 2**62 at every step, so SQLite and PostgreSQL
# draw the same numbers, and the year of a store is the same on every run.
PRIME = 2_147_483_647
DRAWS = {name: pow(48271, number, PRIME) for number, name in enumerate(
    ["noise1", "noise2", "noise3", "orders", "per_order", "walk_in", "incident", "uptime",
     "errors"], start=1)}  # fmt: skip
STORES_PER_ROUND = 4000  # stores per INSERT … SELECT (about 1.4M rows), for the progress bar


# Chance of a website incident on a day, in a rough patch with incidents and otherwise.
INCIDENTS_IN_TROUBLE = 0.12
INCIDENTS = 0.01
NEVER = 10 * DAYS  # a day index no day reaches


def _store_plan(store, profile, *, seed, first, order_value) -> tuple:
    """One store's year as numbers for the SQL: (store id, its pseudo-random number, median
    daily GMV, log of its growth over the year, first and last day index + 1, order value,
    then the customer's rough patch (`setia.customers.demo.trouble`): first and last day index
    of its fall in sales, the fall per day (log), first and last day index of its incidents)."""
    level, growth, status, patch = profile
    rng = random.Random(f"setia-metrics:{seed}:{store['code']}")
    share = 1.0 if store["kind"] == "website" else rng.uniform(0.25, 0.6)
    start = 0
    if store["launched_on"] is None:
        start = DAYS - rng.randrange(10, 60)  # launched recently
    elif store["launched_on"] > first:
        start = min(DAYS - 1, (store["launched_on"] - first).days)
    stop = DAYS - rng.randrange(20, 120) if status == "churned" else DAYS
    number = rng.randrange(1, PRIME)
    fall_from = fall_to = bad_from = bad_to = NEVER
    fall = 0.0
    if patch is not None:
        if status == "churned":
            stop = max(start, min(DAYS, (patch.last - first).days))
        if patch.gmv_fall:
            fall_from, fall_to = (patch.first - first).days, (patch.last - first).days
            fall = -math.log(1 - patch.gmv_fall) / 30
        if patch.incidents:
            bad_from, bad_to = (patch.first - first).days, (patch.last - first).days
    return (
        store["id"], number, level * share, math.log(growth), start, stop, order_value,
        fall_from, fall_to, fall, bad_from, bad_to,
    )  # fmt: skip


def load(*, seed: int, people, reference: date, progress: Progress) -> str:
    """A year of daily metrics (ending the day before `reference`) for every demo store, then the
    RECOMPUTE_STEPS as of `reference`; nothing when metrics exist already.

    Next to customers the demo did not create there is no recompute: its steps work over all
    customers (rollups, enrolment, tiers), so they are left to the nightly job."""
    if StoreDailyMetric.objects.exists():
        return "metrics skipped: already loaded"
    first = reference - timedelta(days=DAYS)
    seasons = [season(first + timedelta(days=index)) for index in range(DAYS)]
    customers = {
        customer["id"]: customer
        for customer in demo_customers().values(
            "id", "code", "status", "category__slug", "subscription__ended_on"
        )
    }
    profiles = {}
    for customer_id, customer in customers.items():
        rng = random.Random(f"setia-metrics:{seed}:{customer['code']}")
        patch = trouble(
            seed, customer["code"], customer["subscription__ended_on"], reference=reference
        )
        profiles[customer_id] = (*_profile(rng, customer["status"]), customer["status"], patch)
    stores = list(
        Store.objects.filter(customer__in=demo_customers())
        .order_by("id")
        .values("id", "code", "kind", "launched_on", "customer_id")
    )
    plans = [
        _store_plan(
            store,
            profiles[store["customer_id"]],
            seed=seed,
            first=first,
            order_value=ORDER_VALUE.get(customers[store["customer_id"]]["category__slug"], 120_000),
        )
        for store in stores
    ]
    bar = progress.add_task("Demo metrics", total=len(stores))
    written = 0
    with _scratch(first, seasons, plans):
        for start in range(0, len(plans), STORES_PER_ROUND):
            written += _write(start, start + STORES_PER_ROUND)
            progress.update(bar, completed=min(start + STORES_PER_ROUND, len(plans)))
    if not only_demo_customers():
        return f"metrics days created={written} recompute skipped: customers not from the demo"
    # Tiers are left to the tiers demo, which replays the past months' runs: a run today first
    # would put a second "first tier" on every timeline. Health scores are left to the health
    # demo, which runs after the tiers they are weighted by; churn risks need a trained model.
    later = (".assign_tiers", ".health_step", ".churn_step")
    steps = run_recompute(
        today=reference,
        steps=[step for step in settings.RECOMPUTE_STEPS if not step.endswith(later)],
    )
    recomputed = " ".join(f"{step.name.rsplit('.', 1)[-1]}={step.rows}" for step in steps)
    return f"metrics days created={written} {recomputed}"


@contextmanager
def _scratch(first: date, seasons: list[float], plans: list[tuple]) -> Iterator[None]:
    """Two temporary tables for the SQL that writes the year: the days (index, date, how busy)
    and the stores' plans (numbered from 0 in id order, so rounds take ranges of them)."""
    real = "double precision" if connection.vendor == "postgresql" else "REAL"
    days = [(index, first + timedelta(days=index), seasons[index]) for index in range(DAYS)]
    rows = [(position, *plan) for position, plan in enumerate(plans)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE demo_metric_days (n integer PRIMARY KEY, day date NOT NULL, "
            f"season {real} NOT NULL)"
        )
        cursor.execute(
            "CREATE TEMPORARY TABLE demo_metric_stores (position integer PRIMARY KEY, "
            f"store_id bigint NOT NULL, number bigint NOT NULL, level {real} NOT NULL, "
            f"growth {real} NOT NULL, first_day integer NOT NULL, stop_day integer NOT NULL, "
            f"order_value {real} NOT NULL, fall_from integer NOT NULL, fall_to integer NOT NULL, "
            f"fall {real} NOT NULL, bad_from integer NOT NULL, bad_to integer NOT NULL)"
        )
        try:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy("COPY demo_metric_days FROM STDIN") as copy:
                    for row in days:
                        copy.write_row(row)
                with cursor.cursor.copy("COPY demo_metric_stores FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(
                    "INSERT INTO demo_metric_days VALUES (%s, %s, %s)",
                    [(n, day.isoformat(), season) for n, day, season in days],
                )
                cursor.executemany(
                    "INSERT INTO demo_metric_stores VALUES "
                    "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    rows,
                )
            yield
        finally:
            cursor.execute("DROP TABLE demo_metric_stores")
            cursor.execute("DROP TABLE demo_metric_days")


def _write(first_position: int, stop_position: int) -> int:
    """Write the year of the stores numbered [first_position, stop_position) in one
    INSERT … SELECT, in (store, day) order; return how many rows.

    The same figures as a store's day always had: GMV = median * growth over the year *
    season * log-normal noise (sd 0.25, the sum of three uniform draws standing in for the
    normal), orders from the order value ± 15%, 25-60 visitors an order plus 5-80, and on one
    day in a hundred an incident (uptime 93-99%, 20-200 errors; twelve in a hundred in a rough
    patch with incidents), else 100% (99.9% one day in ten) and 0-2 errors. Sales fall through
    a rough patch with a fall (`setia.customers.demo.trouble`)."""
    real = "double precision" if connection.vendor == "postgresql" else "REAL"

    def draw(name: str) -> str:
        return f"((x * {DRAWS[name]}) %% {PRIME})"

    def uniform(name: str) -> str:
        return f"(CAST({draw(name)} AS {real}) / {PRIME})"

    noise = f"({uniform('noise1')} + {uniform('noise2')} + {uniform('noise3')} - 1.5) * 0.5"
    patch = "fall_from, fall_to, fall, bad_from, bad_to"
    # Sales in a rough patch fall by `fall` (log) a day from its first day to its last, and
    # stay at that level after it.
    fallen = (
        "fall * (CASE WHEN n <= fall_from THEN 0 WHEN n >= fall_to THEN fall_to - fall_from "
        "ELSE n - fall_from END)"
    )
    sql = f"""
INSERT INTO metrics_storedailymetric (store_id, day, gmv, orders, visitors, uptime_pct, errors)
SELECT store_id, day, gmv, orders,
    orders * (25 + {draw("per_order")} %% 36) + 5 + {draw("walk_in")} %% 76,
    CASE WHEN incident THEN CAST(9300 + {draw("uptime")} %% 601 AS {real}) / 100
        WHEN {draw("uptime")} %% 10 = 0 THEN 99.9 ELSE 100 END,
    CASE WHEN incident THEN 20 + {draw("errors")} %% 181
        WHEN {draw("errors")} %% 5 = 3 THEN 1 WHEN {draw("errors")} %% 5 = 4 THEN 2 ELSE 0 END
FROM (
    SELECT store_id, day, x, gmv,
        {uniform("incident")} < CASE WHEN n >= bad_from AND n < bad_to
            THEN {INCIDENTS_IN_TROUBLE} ELSE {INCIDENTS} END AS incident,
        CAST(round(gmv / order_value * (0.85 + 0.3 * {uniform("orders")})) AS bigint) AS orders
    FROM (
        SELECT store_id, day, n, x, order_value, bad_from, bad_to,
            CAST(floor(level * exp(growth * n / {DAYS}.0 + {noise} - {fallen}) * season)
                AS bigint) AS gmv
        FROM (
            SELECT store_id, day, n, level, growth, season, order_value, {patch},
                (x1 * x1 + 54321) %% {PRIME} AS x
            FROM (
                SELECT store_id, day, n, level, growth, season, order_value, {patch},
                    (x0 * x0 + 12345) %% {PRIME} AS x1
                FROM (
                    SELECT s.store_id, d.day, d.n, s.level, s.growth, d.season, s.order_value,
                        s.fall_from, s.fall_to, s.fall, s.bad_from, s.bad_to,
                        (s.number + d.n * 104729) %% {PRIME} AS x0
                    FROM demo_metric_stores AS s CROSS JOIN demo_metric_days AS d
                    WHERE s.position >= %s AND s.position < %s
                        AND d.n >= s.first_day AND d.n < s.stop_day
                ) AS mixed0
            ) AS mixed1
        ) AS mixed
    ) AS sales
) AS days
"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [first_position, stop_position])
        return cursor.rowcount
