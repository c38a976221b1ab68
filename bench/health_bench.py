"""Health scores against hand-written PostgreSQL.

    .venv/bin/python bench/health_bench.py [--customers 100000 --days 365] [--keep]

Builds, on a PostgreSQL database `setia_health_bench` that it creates and drops, the triggers
bench's data (N customers with ~1.3 stores each and D days of daily store metrics ending
yesterday, subscriptions, onboardings, teams; generated server-side with generate_series), plus
interactions (calls, chats, e-mails and meetings at various ages, website issues, follow-ups)
and retention offers, then the rollups and tiers. It configures weights that differ per tier.
Then it times, after an untimed warm-up of each:
  (p) plain SQL: one hand-written statement computing every live customer's factors, grades and
      weighted score from the same tables, the day's snapshot upsert and the list's sort keys,
      in a transaction that is rolled back;
  (o) our `compute_health` on the same state (committed);
and checks that both gave every customer the same score and grades. Prints seconds and the
ratio o/p with its goal (<= 2).
"""

import argparse
import io
import os
import sys
import time
from datetime import date, timedelta
from typing import cast

from common import lap, scratch_database  # bench/ is on sys.path when a bench runs

SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
DATABASE = os.environ.get("BENCH_HEALTH_DATABASE", "setia_health_bench")
STORES_PER_CUSTOMER = 1.3

# Per-tier weights the bench configures (tier position -> {factor: weight}); others weigh 1.
TIER_WEIGHTS = {1: {"contact": 4, "issues": 3}, 4: {"gmv_trend": 5}}
DEFAULT_WEIGHTS = {"gmv_trend": 3, "contact": 2}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--keep", action="store_true", help=f"keep {DATABASE} afterwards")
    args = parser.parse_args()
    cast(io.TextIOWrapper, sys.stdout).reconfigure(line_buffering=True)
    stores = round(args.customers * STORES_PER_CUSTOMER)
    print(
        f"health bench: {args.customers:,} customers, {stores:,} stores x {args.days} days = "
        f"{stores * args.days:,} metric rows"
    )
    with scratch_database(SERVER, DATABASE, keep=args.keep):
        results = run(args.customers, stores, args.days)
    report(results)


def engagement(cursor, customers: int) -> None:
    """Interactions and retention offers, deterministic (hashes of the ids)."""
    steps = [
        (
            "interactions",
            # 75% contacted in the last 70 days, the others long ago or never; 1 in 9 with a
            # website issue (a third resolved), 1 in 13 with a follow-up asked; notes besides
            """
            INSERT INTO engagement_interaction (code, kind, direction, outcome, summary, notes,
                decisions, action_items, occurred_at, provider_message_id, created_at,
                updated_at, customer_id)
            SELECT gen_random_uuid(), e.kind, '', e.outcome, 'bench', '', '', '', e.at, '',
                now(), now(), i
            FROM generate_series(1, %(n)s) AS i
            CROSS JOIN LATERAL (VALUES
                (CASE WHEN i %% 4 <> 0 THEN (ARRAY['call', 'whatsapp', 'email'])[i %% 4]
                      WHEN i %% 8 = 0 THEN 'meeting' END, 'reached',
                 now() - make_interval(days => CASE WHEN i %% 4 <> 0 THEN (i * 13) %% 70
                                                    ELSE 200 END)),
                ('note', '', now() - make_interval(days => (i * 3) %% 40)),
                (CASE WHEN i %% 9 = 2 THEN 'website_issue' END,
                 CASE WHEN i %% 27 = 2 THEN 'resolved' ELSE '' END,
                 now() - make_interval(days => (i * 5) %% 60)),
                (CASE WHEN i %% 13 = 5 THEN 'call' END, 'follow_up',
                 now() - make_interval(days => (i * 7) %% 50))
            ) AS e (kind, outcome, at)
            WHERE e.kind IS NOT NULL
            """,
        ),
        (
            "retention offers",
            """
            INSERT INTO engagement_retentionoffer (code, status, asked, offered, discount_percent,
                months, monthly_price, reason, created_at, updated_at, customer_id)
            SELECT gen_random_uuid(), 'accepted', 'bench', 'bench', 10, 3, 199000, '',
                now() - make_interval(days => (i * 11) %% 300), now(), i
            FROM generate_series(1, %(n)s) AS i WHERE i %% 40 = 1
            """,
        ),
    ]
    for name, sql in steps:
        started = time.perf_counter()
        cursor.execute(sql, {"n": customers})
        print(f"  {name}: {cursor.rowcount:,} rows in {lap(started)} s")


def configure() -> None:
    from setia.health.actions import factor_settings, save_settings
    from setia.health.models import FACTOR_ORDER
    from setia.tiers.models import Tier

    base = {factor.value: DEFAULT_WEIGHTS.get(factor.value, 1) for factor in FACTOR_ORDER}
    weights: dict[int | None, dict[str, int]] = {None: base}
    for tier in Tier.objects.filter(position__in=TIER_WEIGHTS):
        weights[tier.pk] = base | TIER_WEIGHTS[tier.position]
    factors = {
        key: {"is_active": True, "good": row.good, "poor": row.poor, "window_days": row.window_days}
        for key, row in factor_settings().items()
    }
    save_settings(
        actor=None,
        factors=factors,
        weights=weights,
        policy={"good_from": 70, "poor_below": 40, "any_poor_caps": True},
    )


def prepare(customers: int, stores: int, days: int, today: date) -> None:
    from django.db import connection
    from triggers_bench import create_people, generate

    from setia.metrics.actions import recompute_rollups
    from setia.tiers.actions import assign_tiers

    started = time.perf_counter()
    create_people()
    with connection.cursor() as cursor:
        generate(cursor, customers, stores, days, today)
        engagement(cursor, customers)
        begun = time.perf_counter()
        cursor.execute("VACUUM ANALYZE")
        print(f"  vacuum analyze in {lap(begun)} s")
    begun = time.perf_counter()
    recompute_rollups(today=today)
    assign_tiers(today=today)
    configure()
    print(f"  rollups, tiers and the health settings in {lap(begun)} s")
    print(f"prepared in {lap(started)} s")


# -- the plain SQL ------------------------------------------------------------------------


def plain_sql(today: date) -> str:
    """Every live customer's factors, grades and weighted score by hand (PostgreSQL), the
    settings read into literals as a developer would write them for one configuration."""
    from setia.health.actions import factor_settings, weights
    from setia.health.models import FACTOR_ORDER, HIGHER_IS_BETTER, Policy

    settings = factor_settings()
    table = weights()
    policy = Policy.current()
    factors = [factor.value for factor in FACTOR_ORDER]

    def grade(factor: str) -> str:
        row = settings[factor]
        if factor in HIGHER_IS_BETTER:
            good, poor = f">= {row.good}", f"< {row.poor}"
        else:
            good, poor = f"<= {row.good}", f"> {row.poor}"
        return (
            f"CASE WHEN {factor} IS NULL THEN '-' WHEN {factor} {good} THEN 'g' "
            f"WHEN {factor} {poor} THEN 'p' ELSE 'a' END"
        )

    tiers = [tier for tier in table if tier is not None]
    weight_rows = ", ".join(
        f"({tier}, {', '.join(str(table[tier][f]) for f in factors)})" for tier in tiers
    )
    weight_join = (
        f"LEFT JOIN (VALUES {weight_rows}) AS tw (tier_id, {', '.join('w_' + f for f in factors)})"
        " ON tw.tier_id = x.tier_id"
        if tiers
        else f"LEFT JOIN (SELECT NULL::bigint AS tier_id, "
        f"{', '.join('NULL::int AS w_' + f for f in factors)}) AS tw ON false"
    )
    weight = {f: f"coalesce(tw.w_{f}, {table[None][f]})" for f in factors}
    points = " + ".join(
        f"(CASE {f}_g WHEN 'g' THEN 100 WHEN 'a' THEN 50 ELSE 0 END) * {f}_w" for f in factors
    )
    counted = " + ".join(f"(CASE WHEN {f}_g = '-' THEN 0 ELSE {f}_w END)" for f in factors)
    any_poor = " OR ".join(f"{f}_g = 'p'" for f in factors)
    cap = int(policy.any_poor_caps)
    first_uptime = today - timedelta(days=settings["uptime"].window_days)
    first_errors = today - timedelta(days=settings["errors"].window_days)
    return f"""
    WITH met AS (
        SELECT s.customer_id,
            avg(d.uptime_pct) FILTER (WHERE d.day >= '{first_uptime}') AS uptime,
            sum(d.errors) FILTER (WHERE d.day >= '{first_errors}') AS errors
        FROM metrics_storedailymetric d JOIN customers_store s ON s.id = d.store_id
        WHERE d.day >= '{min(first_uptime, first_errors)}' AND d.day < '{today}'
        GROUP BY s.customer_id),
    ia AS (
        SELECT customer_id,
            max(occurred_at) FILTER (WHERE kind IN ('call', 'whatsapp', 'email', 'meeting'))
                AS last_contact,
            count(*) FILTER (WHERE (kind = 'website_issue' OR outcome = 'follow_up')
                AND outcome <> 'resolved'
                AND occurred_at >= now() - interval '{settings["issues"].window_days} days')
                AS issues
        FROM engagement_interaction GROUP BY customer_id),
    ro AS (
        SELECT customer_id, count(*) AS offers FROM engagement_retentionoffer
        WHERE created_at >= now() - interval '{settings["offers"].window_days} days'
        GROUP BY customer_id),
    sv AS (
        SELECT DISTINCT ON (customer_id) customer_id, percent AS survey
        FROM surveys_surveyresponse
        WHERE kind IN ('nps', 'csat') AND responded_at <= now()
          AND responded_at >= now() - interval '{settings["survey"].window_days} days'
        ORDER BY customer_id, responded_at DESC, id DESC),
    x AS (
        SELECT c.id AS customer_id, ct.tier_id,
            CASE WHEN r.gmv_90d > 0 THEN r.gmv_30d * 300.0 / r.gmv_90d - 100 END AS gmv_trend,
            met.uptime, met.errors,
            floor(extract(epoch FROM now() - coalesce(ia.last_contact, c.created_at)) / 86400)::int
                AS contact,
            coalesce(ia.issues, 0) AS issues,
            CASE WHEN o.customer_id IS NULL THEN NULL WHEN st.is_final THEN 0
                 ELSE greatest(0, floor(extract(epoch FROM now() - o.entered_stage_at)
                     / 86400)::int - st.stalled_after_days) END AS onboarding,
            CASE WHEN sub.renews_on >= '{today}' THEN sub.renews_on - '{today}'::date END
                AS renewal,
            coalesce(ro.offers, 0) AS offers,
            sv.survey
        FROM customers_customer c
        LEFT JOIN tiers_customertier ct ON ct.customer_id = c.id
        LEFT JOIN metrics_customerrollup r ON r.customer_id = c.id
        LEFT JOIN met ON met.customer_id = c.id
        LEFT JOIN ia ON ia.customer_id = c.id
        LEFT JOIN ro ON ro.customer_id = c.id
        LEFT JOIN sv ON sv.customer_id = c.id
        LEFT JOIN work_onboarding o ON o.customer_id = c.id
        LEFT JOIN work_stage st ON st.id = o.stage_id
        LEFT JOIN customers_subscription sub ON sub.customer_id = c.id
        WHERE c.deleted_at IS NULL),
    y AS (
        SELECT x.*, {", ".join(f"{grade(f)} AS {f}_g, {weight[f]} AS {f}_w" for f in factors)}
        FROM x {weight_join}),
    z AS (
        SELECT y.*, ({points}) AS points, ({counted}) AS counted, ({any_poor}) AS any_poor
        FROM y),
    s AS (
        SELECT z.*, round(points::numeric / counted)::int AS raw FROM z WHERE counted > 0),
    f AS (
        SELECT s.*, CASE WHEN {cap} = 1 AND any_poor AND raw >= {policy.good_from}
                         THEN {policy.good_from - 1} ELSE raw END AS score
        FROM s)
    SELECT customer_id, score,
        CASE WHEN score >= {policy.good_from} THEN 'g' WHEN score < {policy.poor_below} THEN 'p'
             ELSE 'a' END AS grade,
        {" || ".join(f"{f}_g" for f in factors)} AS grades,
        {", ".join(factors)}
    FROM f
    """


def plain(cursor, today: date) -> int:
    """The hand-written computation with the same writes as ours (rolled back by the caller)."""
    cursor.execute("DELETE FROM health_customerhealth")
    cursor.execute(
        "INSERT INTO health_customerhealth (customer_id, score, grade, grades, gmv_trend, "
        "uptime, errors, contact, issues, onboarding, renewal, offers, survey, computed_on) "
        f"SELECT *, '{today}'::date FROM ({plain_sql(today)}) AS q"
    )
    scored = cursor.rowcount
    cursor.execute(
        "CREATE TEMPORARY TABLE IF NOT EXISTS plain_scores AS "
        "SELECT customer_id, score, grades FROM health_customerhealth WITH NO DATA"
    )
    cursor.execute("TRUNCATE plain_scores")
    cursor.execute(
        "INSERT INTO plain_scores SELECT customer_id, score, grades FROM health_customerhealth"
    )
    cursor.execute(
        f"""INSERT INTO health_healthsnapshot (customer_id, day, score, grade)
        SELECT customer_id, '{today}', score, grade FROM health_customerhealth
        ON CONFLICT (customer_id, day) DO UPDATE SET score = excluded.score,
            grade = excluded.grade"""
    )
    cursor.execute(
        """UPDATE customers_customer c SET health_score = h.score, health_grade = h.grade
        FROM health_customerhealth h WHERE h.customer_id = c.id
          AND (c.health_score IS DISTINCT FROM h.score OR c.health_grade <> h.grade)"""
    )
    cursor.execute(
        """UPDATE customers_customer c SET health_score = NULL, health_grade = ''
        WHERE c.health_score IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM health_customerhealth h WHERE h.customer_id = c.id)"""
    )
    return scored


def run(customers: int, stores: int, days: int) -> dict:
    from django.db import connection, transaction

    from setia.health.actions import compute_health
    from setia.lib.dates import today as local_today

    today = local_today()
    prepare(customers, stores, days, today)

    def timed_plain() -> tuple[float, int, list]:
        with connection.cursor() as cursor:
            cursor.execute("BEGIN")
            started = time.perf_counter()
            scored = plain(cursor, today)
            seconds = time.perf_counter() - started
            # keep the plain scores for the comparison, undo the rest
            cursor.execute(
                "CREATE TEMPORARY TABLE IF NOT EXISTS kept AS SELECT * FROM plain_scores"
            )
            cursor.execute("TRUNCATE kept")
            cursor.execute("INSERT INTO kept SELECT * FROM plain_scores")
            rows = cursor.execute("SELECT customer_id, score, grades FROM kept").fetchall()
            cursor.execute("ROLLBACK")
        return seconds, scored, rows

    def checkpoint() -> None:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE health_customerhealth")
            cursor.execute("VACUUM ANALYZE health_healthsnapshot")
            cursor.execute("CHECKPOINT")

    connection.set_autocommit(True)
    timed_plain()  # warm-up: the metrics in the page cache for both
    checkpoint()
    plain_seconds, plain_scored, plain_rows = timed_plain()
    checkpoint()
    started = time.perf_counter()
    with transaction.atomic():
        outcome = compute_health(today=today)
    ours_seconds = time.perf_counter() - started
    from setia.health.models import CustomerHealth

    ours = {
        row[0]: (row[1], row[2])
        for row in CustomerHealth.objects.values_list("customer_id", "score", "grades")
    }
    theirs = {row[0]: (row[1], row[2]) for row in plain_rows}
    differences = sum(1 for key in ours.keys() | theirs.keys() if ours.get(key) != theirs.get(key))
    return {
        "customers": customers,
        "plain": (plain_seconds, plain_scored),
        "ours": (ours_seconds, outcome),
        "differences": differences,
    }


def report(results: dict) -> None:
    plain_seconds, plain_scored = results["plain"]
    ours_seconds, outcome = results["ours"]
    print()
    print(f"size: {results['customers']:,} customers")
    print(f"(p) plain SQL      {plain_seconds:8.2f} s  scored={plain_scored:,}")
    print(f"(o) compute_health {ours_seconds:8.2f} s  {outcome.summary()}")
    print(f"o/p = {ours_seconds / plain_seconds:.2f}  (goal <= 2; time of o over time of p)")
    if results["differences"]:
        print(f"WARNING: {results['differences']} customers scored differently")
    else:
        print("(p) and (o) gave every customer the same score and grades")


if __name__ == "__main__":
    main()
