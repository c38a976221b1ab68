"""The campaign report at scale on PostgreSQL: 10,000 participants with a year of metrics.

    .venv/bin/python bench/campaign_bench.py [--participants 10000 --days 365] [--keep]
        [--database setia_campaign_bench]

Builds a database of its own (`--database`, dropped first, and at the end unless `--keep`):
twice as many customers as participants (ranks 1 to 4 and the seeded categories in turn;
participants in blocks of five ids, so that every tier and category has both groups), one
store each with `--days` days of metrics ending
yesterday, written set-based, and a campaign of the last 90 days that half the customers
joined. Then times the uplift computation (`results.measure`) and the whole report page for a
manager (who sees every merchant), each the median of five runs after one warm-up, and prints
the page's query count. Goal: the page in at most 2 s.
"""

import argparse
import os
import statistics
import time

import psycopg
from common import lap, setup_django  # bench/ is on sys.path when a bench runs

SERVER = "postgres://postgres@127.0.0.1:5432"
DATABASE = "setia_campaign_bench"

STEPS = [
    (
        "customers",
        """
INSERT INTO customers_customer (code, name, city, province, status, notes, version, created_at,
    updated_at, category_id, tier_rank)
SELECT gen_random_uuid(), 'Toko Bench ' || i, 'Bandung', '', 'active', '', 1, now(), now(),
    (SELECT array_agg(id ORDER BY id) FROM customers_category)[1 + i %%
        (SELECT count(*) FROM customers_category)::int],
    1 + i %% 4
FROM generate_series(1, %(customers)s) AS i
""",
    ),
    (
        "stores",
        """
INSERT INTO customers_store (code, customer_id, kind, url, domain, platform_version,
    version, created_at, updated_at)
SELECT gen_random_uuid(), c.id, 'website', 'https://bench' || c.id || '.co.id',
    'bench' || c.id || '.co.id', 'v2', 1, now(), now()
FROM customers_customer AS c
""",
    ),
    (
        "metrics",
        """
INSERT INTO metrics_storedailymetric (store_id, day, gmv, orders, visitors, uptime_pct, errors)
SELECT s.id, (now() AT TIME ZONE 'Asia/Jakarta')::date - n, (50000 + (s.id * 7919) %% 4000000)::bigint, 3, 100, 100, 0
FROM customers_store AS s CROSS JOIN generate_series(%(days)s, 1, -1) AS n
""",
    ),
    (
        "participants",
        """
INSERT INTO campaigns_participant (campaign_id, customer_id, status, invited_at, joined_at,
    updated_at)
SELECT %(campaign)s, c.id, 'joined', now(), now(), now()
FROM customers_customer AS c WHERE (c.id / 5) %% 2 = 0
""",
    ),
]


def median_seconds(run, times: int = 5) -> float:
    run()
    laps = []
    for _ in range(times):
        started = time.perf_counter()
        run()
        laps.append(time.perf_counter() - started)
    return statistics.median(laps)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--database", default=DATABASE, help="the database to build (dropped first)"
    )
    options = parser.parse_args()
    database = options.database
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {database}")
    try:
        run(options)
    finally:
        if not options.keep:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


def run(options) -> None:
    started = time.perf_counter()
    # The product's settings with its static files' manifest, as deployed (docs/deploy.md).
    os.environ["DJANGO_SETTINGS_MODULE"] = "pages_settings"
    setup_django(f"{SERVER}/{options.database}")
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    import datetime

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from setia.campaigns import results
    from setia.campaigns.models import Campaign
    from setia.customers.demo_load import load_demo_people
    from setia.customers.models import Customer

    manager = load_demo_people().users[1]
    today = datetime.date.today()
    campaign = Campaign.objects.create(
        name="Bench",
        objective="Bench",
        starts_on=today - datetime.timedelta(days=90),
        ends_on=today - datetime.timedelta(days=1),
    )
    params = {
        "customers": 2 * options.participants,
        "days": options.days,
        "campaign": campaign.pk,
    }
    with connection.cursor() as cursor:
        # The metric rows are most of the build: written without WAL and without their primary
        # key, which is then built once, sorted (as pages_bench.py does).
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute("ALTER TABLE metrics_storedailymetric SET UNLOGGED")
        cursor.execute(
            "ALTER TABLE metrics_storedailymetric DROP CONSTRAINT metrics_storedailymetric_pkey"
        )
        for name, sql in STEPS:
            step = time.perf_counter()
            cursor.execute(sql, params)
            print(f"  {name}: {cursor.rowcount:,} rows in {lap(step)} s")
        cursor.execute(
            "ALTER TABLE metrics_storedailymetric ADD CONSTRAINT metrics_storedailymetric_pkey"
            " PRIMARY KEY (store_id, day) INCLUDE (gmv)"  # as the metrics migration has it
        )
        cursor.execute("ALTER TABLE metrics_storedailymetric SET LOGGED")
        cursor.execute("VACUUM ANALYZE")
    print(f"built in {lap(started)} s")

    customers = Customer.objects.visible_to(manager)
    uplift = results.measure(campaign, customers, today)
    assert uplift is not None
    # No uplift percent without sales before the campaign (a short --days).
    percent = "none" if uplift.percent is None else f"{uplift.percent:.2f}%"
    print(
        f"participants={uplift.participants.merchants:,} "
        f"comparison={uplift.comparison.merchants:,} uplift={percent}"
    )
    measure = median_seconds(lambda: results.measure(campaign, customers, today))
    from django.conf import settings

    settings.ALLOWED_HOSTS.append("testserver")  # the test client's host name
    client = Client()
    client.force_login(manager)
    url = campaign.get_absolute_url()

    def page() -> None:
        assert client.get(url).status_code == 200

    seconds = median_seconds(page)
    with CaptureQueriesContext(connection) as queries:
        page()
    print(f"measure: {measure:.3f} s; report page: {seconds:.3f} s, {len(queries)} queries")
    print(f"goal <= 2 s: {'met' if seconds <= 2 else 'NOT met'}")


if __name__ == "__main__":
    main()
