"""Demo health scores (load_demo runs this after the metrics, engagement, work and tiers demos):
today's scores computed as the nightly job does, and 90 days of snapshots behind them so that
the 360 page's trend chart and the "health fell" trigger have a history."""

import random
from datetime import date

from django.db import connection, transaction
from rich.progress import Progress

from setia.customers.demo import trouble
from setia.customers.demo_load import demo_customers, only_demo_customers
from setia.health.actions import compute_health, factor_settings, save_settings
from setia.health.models import CustomerHealth, FactorSetting, HealthSnapshot, Policy
from setia.tiers.models import Tier

HISTORY_DAYS = 89
# Before the daily history, a snapshot a week for this many weeks: the scores the churn
# model's training and test cut-offs read.
PAST_WEEKS = 40

# The demo's configuration, as a manager might set it: GMV trend and contact weigh most, the
# Platinum customers' contact more, the Bronze customers' GMV more.
WEIGHTS = {
    "gmv_trend": 5,
    "uptime": 2,
    "errors": 1,
    "contact": 3,
    "issues": 2,
    "onboarding": 2,
    "renewal": 1,
    "offers": 2,
    "survey": 3,
}
TIER_WEIGHTS = {"platinum": {"contact": 5, "issues": 3}, "bronze": {"contact": 2, "gmv_trend": 6}}
THRESHOLDS = {"gmv_trend": (0, -20), "contact": (21, 45), "errors": (40, 120)}
POLICY = {"good_from": 75, "poor_below": 50, "any_poor_caps": True}


def load(*, seed: int, people, reference: date, progress: Progress) -> str:
    """Score every customer as of `reference`; the first time, write the snapshots of the 89
    days before (idempotent: a history once written is kept). Skipped next to customers the
    demo did not create: scoring is over all customers, left to the nightly job."""
    if not only_demo_customers():
        return "health skipped: customers not from the demo"
    bar = progress.add_task("Demo health", total=2)
    if not FactorSetting.objects.exists():
        _configure()
    outcome = compute_health(today=reference)
    progress.update(bar, completed=1)
    written = 0
    if not HealthSnapshot.objects.filter(day__lt=reference).exists():
        written = _history(reference, seed)
        written += _past_weeks(reference, seed)
    progress.update(bar, completed=2)
    return f"health {outcome.summary()} history_snapshots={written}"


def _configure() -> None:
    """The demo's thresholds, weights and bands (only where a manager has set none)."""
    factors = {
        key: {
            "is_active": True,
            "good": THRESHOLDS.get(key, (row.good, row.poor))[0],
            "poor": THRESHOLDS.get(key, (row.good, row.poor))[1],
            "window_days": row.window_days,
        }
        for key, row in factor_settings().items()
    }
    weights: dict[int | None, dict[str, int]] = {None: WEIGHTS}
    for tier in Tier.objects.filter(slug__in=TIER_WEIGHTS):
        weights[tier.pk] = WEIGHTS | TIER_WEIGHTS[tier.slug]
    save_settings(actor=None, factors=factors, weights=weights, policy=POLICY)


def _clamp(expression: str) -> str:
    return (
        f"CASE WHEN {expression} < 0 THEN 0 WHEN {expression} > 100 THEN 100 ELSE {expression} END"
    )


def _history(reference: date, seed: int) -> int:
    """One INSERT ... SELECT of the past days' snapshots from today's scores: the poor were
    higher before (they fell, some of them within the last week), the others drift a little
    either way, every day wobbling by a few points."""
    policy = Policy.current()
    ops = connection.ops
    # Points the score was higher `HISTORY_DAYS` days ago, by today's grade; a seeded spread
    # ("%%" is SQL's modulo, escaped from the parameters' format).
    drift = (
        f"(CASE h.grade WHEN 'p' THEN 20 + (h.customer_id * 7 + {int(seed)}) %% 25 "
        f"WHEN 'a' THEN (h.customer_id * 13 + {int(seed)}) %% 21 - 10 "
        f"ELSE (h.customer_id * 5 + {int(seed)}) %% 11 - 5 END)"
    )
    wobble = "((h.customer_id + n.k) * 17 %% 7 - 3)"
    score = _clamp(f"(h.score + {drift} * n.k / {HISTORY_DAYS} + {wobble})")
    day = (
        "CAST(%(reference)s AS date) - n.k"
        if connection.vendor == "postgresql"
        else "date(%(reference)s, '-' || n.k || ' days')"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {HealthSnapshot._meta.db_table} (customer_id, day, score, grade)
            WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < %(days)s),
            past AS (
                SELECT h.customer_id, {day} AS day, {score} AS score
                FROM {CustomerHealth._meta.db_table} h CROSS JOIN n)
            SELECT customer_id, day, score,
                CASE WHEN score >= %(good)s THEN 'g' WHEN score < %(poor)s THEN 'p' ELSE 'a' END
            FROM past
            WHERE true  -- SQLite needs a WHERE before ON CONFLICT in INSERT ... SELECT
            ON CONFLICT (customer_id, day) DO NOTHING
            """,
            {
                "reference": ops.adapt_datefield_value(reference),
                "days": HISTORY_DAYS,
                "good": policy.good_from,
                "poor": policy.poor_below,
            },
        )
        return cursor.rowcount


def _past_weeks(reference: date, seed: int) -> int:
    """A snapshot a week before the daily history, for every demo customer with a
    subscription, until its end: a level of its own, a wobble, and in its rough patch
    (`setia.customers.demo.trouble`) a fall the score catches part of: health sees trouble
    coming, not as well as a model that weighs the figures behind it. One row a customer is
    drawn here (its level and patch, in days before `reference`); one INSERT ... SELECT
    writes the weeks."""
    policy = Policy.current()
    customers = demo_customers().filter(subscription__isnull=False)
    plans = []
    for customer_id, code, ended_on in customers.order_by("id").values_list(
        "id", "code", "subscription__ended_on"
    ):
        level = random.Random(f"setia-demo-health-past:{seed}:{code}").randrange(55, 96)
        patch = trouble(seed, code, ended_on, reference=reference)
        ended = (reference - ended_on).days if ended_on else -1
        if patch is None:
            plans.append((customer_id, level, -1, -1, 0, ended))
            continue
        # The factors see no contact and a broken website; a fall in sales they see only as
        # a trend, which lags.
        points = 15 * patch.silent + 10 * patch.incidents + 5
        first, last = (reference - patch.first).days, (reference - patch.last).days
        plans.append((customer_id, level, first, last, points, ended))
    days = HISTORY_DAYS + 1
    day = (
        "CAST(%(reference)s AS date) - w.ago"
        if connection.vendor == "postgresql"
        else "date(%(reference)s, '-' || w.ago || ' days')"
    )
    # Seeded wobble of -21..21 points (the sum of two draws, "%%" is SQL's modulo).
    wobble = (
        f"((p.customer_id * 7919 + w.ago * 104729 + {int(seed)}) %% 22 "
        f"+ (p.customer_id * 104729 + w.ago * 7919 + {int(seed)}) %% 22 - 21)"
    )
    fall = (
        "CASE WHEN w.ago <= p.first_ago AND w.ago >= p.last_ago AND p.first_ago > p.last_ago "
        "THEN p.points * (p.first_ago - w.ago) / (p.first_ago - p.last_ago) ELSE 0 END"
    )
    score = _clamp(f"(p.level + {wobble} - {fall})")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE demo_health_past (customer_id bigint PRIMARY KEY, "
            "level integer NOT NULL, first_ago integer NOT NULL, last_ago integer NOT NULL, "
            "points integer NOT NULL, ended_ago integer NOT NULL)"
        )
        try:
            cursor.executemany(
                "INSERT INTO demo_health_past VALUES (%s, %s, %s, %s, %s, %s)", plans
            )
            cursor.execute(
                f"""
                INSERT INTO {HealthSnapshot._meta.db_table} (customer_id, day, score, grade)
                WITH RECURSIVE w(k, ago) AS (
                    SELECT 0, %(days)s UNION ALL
                    SELECT k + 1, ago + 7 FROM w WHERE k + 1 < %(weeks)s),
                past AS (
                    SELECT p.customer_id, {day} AS day, {score} AS score
                    FROM demo_health_past p CROSS JOIN w
                    WHERE w.ago > p.ended_ago)
                SELECT customer_id, day, score,
                    CASE WHEN score >= %(good)s THEN 'g' WHEN score < %(poor)s THEN 'p'
                    ELSE 'a' END
                FROM past
                WHERE true  -- SQLite needs a WHERE before ON CONFLICT in INSERT ... SELECT
                ON CONFLICT (customer_id, day) DO NOTHING
                """,
                {
                    "reference": connection.ops.adapt_datefield_value(reference),
                    "days": days,
                    "weeks": PAST_WEEKS,
                    "good": policy.good_from,
                    "poor": policy.poor_below,
                },
            )
            return cursor.rowcount
        finally:
            cursor.execute("DROP TABLE demo_health_past")
