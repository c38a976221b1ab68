"""Demo metrics: a year of daily figures for every demo store, then the recompute.

Each customer grows, stays flat or declines over the year (from its own seeded random
generator); on top come a weekly rhythm (weekends sell more), payday at the end of the month,
Ramadan (more sales, most in its last two weeks, then a quiet Lebaran week) and the 11.11 and
12.12 marketplace sales. Deterministic for a seed; skipped when metrics exist already.
"""

import math
import random
from datetime import date, timedelta

from django.db import connection
from rich.progress import Progress

from setia.customers.demo_load import demo_customers, only_demo_customers
from setia.customers.models import Store
from setia.metrics.actions import run_recompute
from setia.metrics.models import StoreDailyMetric

DAYS = 365
BATCH = 20_000  # rows per write round
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


def _store_rows(store, customer_rng_state, *, seed, first, seasons, order_value):
    level, growth, status = customer_rng_state
    rng = random.Random(f"setia-metrics:{seed}:{store['code']}")
    share = 1.0 if store["kind"] == "website" else rng.uniform(0.25, 0.6)
    start = 0
    if store["launched_on"] is None:
        start = DAYS - rng.randrange(10, 60)  # launched recently
    elif store["launched_on"] > first:
        start = min(DAYS - 1, (store["launched_on"] - first).days)
    stop = DAYS - rng.randrange(20, 120) if status == "churned" else DAYS
    rows = []
    for index in range(start, stop):
        day = first + timedelta(days=index)
        trend = growth ** (index / DAYS)
        gmv = int(level * share * trend * seasons[index] * rng.lognormvariate(0, 0.25))
        orders = max(0, round(gmv / order_value * rng.uniform(0.85, 1.15)))
        visitors = orders * rng.randint(25, 60) + rng.randint(5, 80)
        incident = rng.random() < 0.01
        uptime = (
            round(rng.uniform(93, 99), 2) if incident else (99.9 if rng.random() < 0.1 else 100)
        )
        errors = rng.randint(20, 200) if incident else rng.choice((0, 0, 0, 1, 2))
        rows.append((store["id"], day, gmv, orders, visitors, uptime, errors))
    return rows


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
        for customer in demo_customers().values("id", "code", "status", "category__slug")
    }
    profiles = {}
    for customer_id, customer in customers.items():
        rng = random.Random(f"setia-metrics:{seed}:{customer['code']}")
        profiles[customer_id] = (*_profile(rng, customer["status"]), customer["status"])
    stores = list(
        Store.objects.filter(customer__in=demo_customers())
        .order_by("id")
        .values("id", "code", "kind", "launched_on", "customer_id")
    )
    bar = progress.add_task("Demo metrics", total=len(stores))
    written = 0
    pending = []
    for number, store in enumerate(stores, start=1):
        customer = customers[store["customer_id"]]
        pending.extend(
            _store_rows(
                store,
                profiles[store["customer_id"]],
                seed=seed,
                first=first,
                seasons=seasons,
                order_value=ORDER_VALUE.get(customer["category__slug"], 120_000),
            )
        )
        if len(pending) >= BATCH or number == len(stores):
            _write(pending)
            written += len(pending)
            pending = []
            progress.update(bar, completed=number)
    if not only_demo_customers():
        return f"metrics days created={written} recompute skipped: customers not from the demo"
    steps = run_recompute(today=reference)
    recomputed = " ".join(f"{step.name.rsplit('.', 1)[-1]}={step.rows}" for step in steps)
    return f"metrics days created={written} {recomputed}"


def _write(rows) -> None:
    columns = "store_id, day, gmv, orders, visitors, uptime_pct, errors"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(
                f"COPY metrics_storedailymetric ({columns}) FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(
                f"INSERT INTO metrics_storedailymetric ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [(*row[:1], row[1].isoformat(), *row[2:]) for row in rows],
            )
