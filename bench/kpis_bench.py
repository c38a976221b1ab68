"""A month's target actuals over a year of history, on PostgreSQL.

    .venv/bin/python bench/kpis_bench.py [--customers 100000 --days 365] [--keep | --reuse]
        [--repeat 5]

Builds `setia_kpis_bench` (or BENCH_KPIS_DATABASE): the demo people, N customers, ~20
timeline events a customer a year (the pages bench's `CUSTOMERS_SQL` and `TIMELINE_SQL`: 2
million events at 100k), a monthly GMV rollup per customer and month, and a team move for every executive in the middle of the last full
month, so that the team at the event's time matters. Then, for that month, times
`kpis.actuals` for each source the page reads (by actor, by owner) and for every KPI (best
and median of --repeat runs, warm), and prints the plan of the pass by actor (EXPLAIN
ANALYZE, BUFFERS); then builds the daily rollup from that month (timed) and times the same
periods read from it. `--keep` leaves the database; `--reuse` measures a kept one again (migrated
first: a new index is built on the same data).
"""

import argparse
import datetime
import json
import os
import statistics
import time
from typing import Any

import time_machine
from common import lap, scratch_database, setup_django  # bench/ is on sys.path when a bench runs
from pages_bench import CITIES, CUSTOMERS_SQL, EVENTS, FIRST, TIMELINE_SQL, WORDS

SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
DATABASE = os.environ.get("BENCH_KPIS_DATABASE", "setia_kpis_bench")


# Each customer's monthly GMV rollup over the period (the owned-GMV KPI's source).
MONTHS_SQL = """
INSERT INTO metrics_customermonthlymetric (customer_id, month, gmv, orders)
SELECT c.id, (date_trunc('month', current_date) - make_interval(months => k))::date,
    50000 + (c.id * 7919 + k * 104729) %% 40000000, 1 + (c.id + k) %% 400
FROM customers_customer AS c CROSS JOIN generate_series(0, %(days)s / 30) AS k
"""


def build(customers: int, days: int) -> Any:
    """The people, customers, events and team moves; returns the demo people."""
    from django.db import connection
    from django.utils import timezone

    from setia.accounts.models import Role
    from setia.cadence.actions import change_team
    from setia.customers.demo_load import load_demo_people

    people = load_demo_people()
    owners = [[user.pk for user in team] for team in people.owners_by_team]
    params: dict[str, Any] = {
        "n": customers, "first": FIRST, "words": WORDS, "cities": CITIES,
        "teams": [team.pk for team in people.teams], "owners0": owners[0],
        "owners1": owners[1], "days": days, "kinds": [kind for kind, _data in EVENTS],
        "data": [json.dumps(data) for _kind, data in EVENTS],
    }  # fmt: skip
    with connection.cursor() as cursor:
        steps = (("customers", CUSTOMERS_SQL), ("timeline", TIMELINE_SQL), ("months", MONTHS_SQL))
        for name, sql in steps:
            started = time.perf_counter()
            cursor.execute(sql, params)
            print(f"  {name}: {cursor.rowcount:,} rows in {lap(started)} s")
    manager = next(user for user in people.users if user.role == Role.MANAGER)
    middle = _month(timezone.localdate()) + datetime.timedelta(days=14)
    moved = [user for user in people.users if user.role == Role.EXECUTIVE]
    moment = datetime.datetime.combine(
        middle, datetime.time(12), tzinfo=timezone.get_current_timezone()
    )
    with time_machine.travel(moment, tick=False):
        for user in moved:
            other = next(team for team in people.teams if team.pk != user.team_id)
            change_team(user=user, team=other, actor=manager)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return people


def _month(day: datetime.date) -> datetime.date:
    """The first day of the last full month before `day`."""
    return (day.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def timed(label: str, repeat: int, run) -> None:
    run()  # warm
    times = []
    for _n in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    print(f"  {label}: best {min(times):.0f} ms, median {statistics.median(times):.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure a kept database again")
    args = parser.parse_args()
    if args.reuse:
        setup_django(f"{SERVER}/{DATABASE}")
        run(args, build_it=False)
        return
    with scratch_database(SERVER, DATABASE, keep=args.keep):
        run(args, build_it=True)


def run(args, *, build_it: bool) -> None:
    from django.utils import timezone

    from setia.cadence import kpis
    from setia.cadence.models import KpiDay, KpiRollup
    from setia.history.models import TimelineEvent

    if build_it:
        started = time.perf_counter()
        print(f"building {DATABASE}: {args.customers:,} customers, {args.days} days")
        build(args.customers, args.days)
        print(f"built in {lap(started)} s")
    start, end = kpis.month_bounds(_month(timezone.localdate()))
    in_month = TimelineEvent.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
    print(f"{TimelineEvent.objects.count():,} events, {in_month.count():,} in {start:%Y-%m}")
    actor = {kpi.code for kpi in kpis.COUNTED if kpi.source == kpis.ACTOR}
    owner = {kpi.code for kpi in kpis.COUNTED if kpi.source == kpis.OWNER}
    passes = (
        ("by actor", actor),
        ("by owner", owner),
        ("owned GMV", {"gmv_owned"}),
        ("every KPI", None),
    )
    # Counted live first: no rollup.
    KpiRollup.objects.all().delete()
    KpiDay.objects.all().delete()
    print("live:")
    for label, codes in passes:
        timed(label, args.repeat, lambda codes=codes: kpis.actuals(start, end, codes=codes))
    [by_actor] = kpis._passes(start, end, actor)
    print(by_actor.explain(analyze=True, buffers=True))
    month = timezone.localtime(start).date()
    timed("rollup build from the month", args.repeat, lambda: kpis.build_rollup(month))
    print(f"from the rollup ({KpiDay.objects.count():,} rows):")
    for label, codes in passes:
        timed(label, args.repeat, lambda codes=codes: kpis.actuals(start, end, codes=codes))


if __name__ == "__main__":
    main()
