"""Health scores computed set-based: every live customer's factors, grades, score and the
day's snapshot in a fixed number of SQL statements, whatever the number of customers.

One INSERT ... SELECT computes each customer's figures (GMV trend from the rollups, uptime and
errors from one scan of the window's store metrics, days since the last call, chat, e-mail or
meeting, open complaints and website issues, days stalled in onboarding, days to renewal,
retention offers, the last NPS or CSAT answer), grades them against the thresholds (inlined as parameters), weighs them
with the customer's tier's weights (a CASE over the few tiers) and writes `CustomerHealth`.
The day's snapshot is an upsert keyed by (customer, day), so a second run the same day
replaces the first; the customers list's sort keys follow with two UPDATEs.
`bench/health_bench.py` times this against hand-written SQL.
"""

import datetime
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count

from setia.customers.models import Customer, Store, Subscription
from setia.engagement.models import Interaction, RetentionOffer
from setia.health.models import (
    FACTOR_ORDER,
    HIGHER_IS_BETTER,
    CustomerHealth,
    Factor,
    FactorSetting,
    FactorWeight,
    HealthSnapshot,
    Policy,
)
from setia.lib.dates import now
from setia.metrics.models import CustomerRollup, StoreDailyMetric
from setia.surveys.models import SurveyResponse
from setia.tiers.models import CustomerTier
from setia.work.onboarding.models import Onboarding, Stage

# Interactions that count as real contact (a note or a reported issue is not).
CONTACT_KINDS = ("call", "whatsapp", "email", "meeting")
# Interactions that count as complaints while not resolved: website issues and those a
# follow-up was asked for.
ISSUE_KINDS = ("website_issue",)
ISSUE_OUTCOME = "follow_up"
RESOLVED = "resolved"

# Defaults (good, poor, days looked at) of a factor without a setting row.
DEFAULTS: dict[str, tuple[int, int, int]] = {
    Factor.GMV_TREND: (-10, -30, 30),
    Factor.UPTIME: (99, 95, 30),
    Factor.ERRORS: (30, 150, 30),
    Factor.CONTACT: (30, 60, 30),
    Factor.ISSUES: (0, 2, 30),
    Factor.ONBOARDING: (0, 14, 30),
    Factor.RENEWAL: (60, 14, 30),
    Factor.OFFERS: (0, 1, 180),
    # An NPS of 8 or a CSAT of 4 is good; an NPS of 0-5 or a CSAT of 1-2 poor.
    Factor.SURVEY: (75, 60, 180),
}
# The survey kinds the "last NPS/CSAT" factor reads (CES asks about effort, not loyalty).
SURVEY_KINDS = ("nps", "csat")
DEFAULT_WEIGHT = 1


@dataclass
class Outcome:
    customers: int = 0
    scored: int = 0
    good: int = 0
    average: int = 0
    poor: int = 0

    def summary(self) -> str:
        return (
            f"customers={self.customers} scored={self.scored} good={self.good} "
            f"average={self.average} poor={self.poor}"
        )


def factor_settings() -> dict[str, FactorSetting]:
    """Every factor's setting, the defaults for those without a row (one query)."""
    stored = {row.factor: row for row in FactorSetting.objects.all()}
    settings = {}
    for factor in FACTOR_ORDER:
        if factor in stored:
            settings[factor.value] = stored[factor]
        else:
            good, poor, days = DEFAULTS[factor]
            settings[factor.value] = FactorSetting(
                factor=factor, good=good, poor=poor, window_days=days
            )
    return settings


def weights() -> dict[int | None, dict[str, int]]:
    """{tier id or None: {factor: weight}}: each tier's weights, falling back to the default
    row (None) and then DEFAULT_WEIGHT (one query)."""
    rows = list(FactorWeight.objects.values_list("tier_id", "factor", "weight"))
    default = {factor.value: DEFAULT_WEIGHT for factor in FACTOR_ORDER}
    default |= {factor: weight for tier, factor, weight in rows if tier is None}
    table: dict[int | None, dict[str, int]] = {None: default}
    for tier, factor, weight in rows:
        if tier is not None:
            table.setdefault(tier, dict(default))[factor] = weight
    return table


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _quoted(values: tuple[str, ...]) -> str:
    """Constant SQL string literals (these module constants, never user input)."""
    return ", ".join(f"'{value}'" for value in values)


def _days_since(moment_param: str, expression: str) -> str:
    """Whole days from the moment `expression` to the parameter `moment_param`."""
    if connection.vendor == "postgresql":
        return (
            f"CAST(floor(extract(epoch FROM (CAST(%({moment_param})s AS timestamptz) - "
            f"{expression})) / 86400) AS integer)"
        )
    return f"CAST(julianday(%({moment_param})s) - julianday({expression}) AS INTEGER)"


def _days_until(day_param: str, expression: str) -> str:
    """Whole days from the date parameter `day_param` to the date `expression`."""
    if connection.vendor == "postgresql":
        return f"({expression} - CAST(%({day_param})s AS date))"
    return f"CAST(julianday({expression}) - julianday(%({day_param})s) AS INTEGER)"


def _grade_sql(factor: str, setting: FactorSetting) -> str:
    """SQL grading the figure column `factor` (a letter; '-' without a figure or counted)."""
    if not setting.is_active:
        return "'-'"
    good, poor = int(setting.good), int(setting.poor)
    if factor in HIGHER_IS_BETTER:
        return (
            f"CASE WHEN f.{factor} IS NULL THEN '-' WHEN f.{factor} >= {good} THEN 'g' "
            f"WHEN f.{factor} < {poor} THEN 'p' ELSE 'a' END"
        )
    return (
        f"CASE WHEN f.{factor} IS NULL THEN '-' WHEN f.{factor} <= {good} THEN 'g' "
        f"WHEN f.{factor} > {poor} THEN 'p' ELSE 'a' END"
    )


def _weight_sql(factor: str, table: dict[int | None, dict[str, int]]) -> str:
    """SQL for the weight of `factor` for the row's tier: a CASE over the tiers with weights."""
    default = int(table[None][factor])
    branches = " ".join(
        f"WHEN {int(tier)} THEN {int(row[factor])}"
        for tier, row in table.items()
        if tier is not None and row[factor] != default
    )
    return f"(CASE f.tier_id {branches} ELSE {default} END)" if branches else str(default)


def scores_sql(settings: dict[str, FactorSetting], table, policy: Policy) -> str:
    """The SELECT of (customer_id, score, grade, grades, figures...) for every live customer
    with at least one graded factor: the heart of the computation, and what the bench times."""
    uptime_from = f"%(first_{Factor.UPTIME})s"
    errors_from = f"%(first_{Factor.ERRORS})s"
    letters = {factor: f"g.{factor}_grade" for factor in settings}
    points = " + ".join(
        f"(CASE {letters[f]} WHEN 'g' THEN 100 WHEN 'a' THEN 50 ELSE 0 END) * g.{f}_weight"
        for f in settings
    )
    counted = " + ".join(
        f"(CASE WHEN {letters[f]} = '-' THEN 0 ELSE g.{f}_weight END)" for f in settings
    )
    has_poor = " OR ".join(f"{letters[f]} = 'p'" for f in settings)
    grade = (
        f"CASE WHEN score >= {int(policy.good_from)} THEN 'g' "
        f"WHEN score < {int(policy.poor_below)} THEN 'p' ELSE 'a' END"
    )
    grade_columns = ", ".join(
        f"{_grade_sql(f, s)} AS {f}_grade, {_weight_sql(f, table)} AS {f}_weight"
        for f, s in settings.items()
    )
    grades_string = " || ".join(letters[f] for f in settings)
    figures = ", ".join(f"g.{f}" for f in settings)
    stall = _days_since("moment", "o.entered_stage_at") + " - st.stalled_after_days"
    return f"""
    WITH m AS (
        SELECT s.customer_id,
            avg(d.uptime_pct) FILTER (WHERE d.day >= {uptime_from}) AS uptime,
            sum(d.errors) FILTER (WHERE d.day >= {errors_from}) AS errors
        FROM {_t(StoreDailyMetric)} d JOIN {_t(Store)} s ON s.id = d.store_id
        WHERE d.day >= %(first_metric)s AND d.day < %(today)s
        GROUP BY s.customer_id),
    i AS (
        SELECT customer_id,
            max(occurred_at) FILTER (WHERE kind IN ({_quoted(CONTACT_KINDS)})) AS last_contact,
            count(*) FILTER (WHERE (kind IN ({_quoted(ISSUE_KINDS)}) OR outcome = '{ISSUE_OUTCOME}')
                AND outcome <> '{RESOLVED}' AND occurred_at >= %(since_{Factor.ISSUES})s)
                AS issues
        FROM {_t(Interaction)}
        GROUP BY customer_id),
    r AS (
        SELECT customer_id, count(*) AS offers FROM {_t(RetentionOffer)}
        WHERE created_at >= %(since_{Factor.OFFERS})s GROUP BY customer_id),
    sv AS (
        SELECT customer_id, percent AS survey FROM (
            SELECT customer_id, percent, row_number() OVER (
                PARTITION BY customer_id ORDER BY responded_at DESC, id DESC) AS n
            FROM {_t(SurveyResponse)}
            WHERE kind IN ({_quoted(SURVEY_KINDS)})
              AND responded_at >= %(since_{Factor.SURVEY})s AND responded_at <= %(moment)s
        ) AS latest WHERE n = 1),
    f AS (
        SELECT c.id AS customer_id, ct.tier_id,
            CASE WHEN ru.gmv_90d > 0 THEN ru.gmv_30d * 300.0 / ru.gmv_90d - 100 END AS gmv_trend,
            m.uptime, m.errors,
            {_days_since("moment", "COALESCE(i.last_contact, c.created_at)")} AS contact,
            COALESCE(i.issues, 0) AS issues,
            CASE WHEN o.customer_id IS NULL THEN NULL WHEN st.is_final THEN 0
                 WHEN {stall} > 0 THEN {stall} ELSE 0 END AS onboarding,
            CASE WHEN sub.renews_on >= %(today)s
                 THEN {_days_until("today", "sub.renews_on")} END AS renewal,
            COALESCE(r.offers, 0) AS offers,
            sv.survey
        FROM {_t(Customer)} c
        LEFT JOIN {_t(CustomerTier)} ct ON ct.customer_id = c.id
        LEFT JOIN {_t(CustomerRollup)} ru ON ru.customer_id = c.id
        LEFT JOIN m ON m.customer_id = c.id
        LEFT JOIN i ON i.customer_id = c.id
        LEFT JOIN r ON r.customer_id = c.id
        LEFT JOIN sv ON sv.customer_id = c.id
        LEFT JOIN {_t(Onboarding)} o ON o.customer_id = c.id
        LEFT JOIN {_t(Stage)} st ON st.id = o.stage_id
        LEFT JOIN {_t(Subscription)} sub ON sub.customer_id = c.id
        WHERE c.deleted_at IS NULL),
    g AS (SELECT f.*, {grade_columns} FROM f),
    w AS (
        SELECT g.customer_id, {grades_string} AS grades, {figures},
            ({points}) AS points, ({counted}) AS counted,
            ({has_poor}) AS has_poor
        FROM g),
    raw AS (
        SELECT w.*, CAST(round(points * 1.0 / counted) AS integer) AS raw
        FROM w WHERE counted > 0),
    capped AS (
        SELECT raw.*, CASE WHEN has_poor AND raw >= {int(policy.good_from)}
            AND {1 if policy.any_poor_caps else 0} = 1
            THEN {int(policy.good_from) - 1} ELSE raw END AS score
        FROM raw)
    SELECT customer_id, score, {grade} AS grade, grades, {", ".join(settings)}
    FROM capped
    """


def _params(settings: dict[str, FactorSetting], today: datetime.date, moment) -> dict:
    ops = connection.ops
    params = {
        "today": ops.adapt_datefield_value(today),
        "moment": ops.adapt_datetimefield_value(moment),
    }
    firsts = {
        factor: today - datetime.timedelta(days=settings[factor].window_days)
        for factor in (Factor.UPTIME, Factor.ERRORS)
    }
    for factor, first in firsts.items():
        params[f"first_{factor}"] = ops.adapt_datefield_value(first)
    # The one scan of the store metrics covers the longer of the two windows.
    params["first_metric"] = ops.adapt_datefield_value(min(firsts.values()))
    for factor in (Factor.ISSUES, Factor.OFFERS, Factor.SURVEY):
        params[f"since_{factor}"] = ops.adapt_datetimefield_value(
            moment - datetime.timedelta(days=settings[factor].window_days)
        )
    return params


_UPSERT_SNAPSHOTS = """
INSERT INTO {snapshot} (customer_id, day, score, grade)
SELECT customer_id, %(today)s, score, grade FROM {health}
WHERE true  -- SQLite needs a WHERE before ON CONFLICT in INSERT ... SELECT
ON CONFLICT (customer_id, day) DO UPDATE SET score = excluded.score, grade = excluded.grade
"""
_SET_SORT_KEYS = """
UPDATE {customer} SET health_score = h.score, health_grade = h.grade
FROM {health} h
WHERE h.customer_id = {customer}.id
  AND ({customer}.health_score IS NULL OR {customer}.health_score <> h.score
       OR {customer}.health_grade <> h.grade)
"""
_CLEAR_SORT_KEYS = """
UPDATE {customer} SET health_score = NULL, health_grade = ''
WHERE health_score IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM {health} h WHERE h.customer_id = {customer}.id)
"""


def compute_health(*, today: datetime.date) -> Outcome:
    """Score every live customer as of `today` (see the module doc), keep the day's snapshot
    (replacing an earlier run's of the same day) and the list's sort keys; return the counts."""
    settings = factor_settings()
    table = weights()
    policy = Policy.current()
    params = _params(settings, today, now())
    names = {
        "snapshot": _t(HealthSnapshot),
        "health": _t(CustomerHealth),
        "customer": _t(Customer),
    }
    columns = "customer_id, score, grade, grades, " + ", ".join(settings)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {names['health']}")
        cursor.execute(
            f"INSERT INTO {names['health']} ({columns}, computed_on) "
            f"SELECT {columns}, %(today)s FROM ({scores_sql(settings, table, policy)}) AS s",
            params,
        )
        cursor.execute(_UPSERT_SNAPSHOTS.format(**names), params)
        cursor.execute(_SET_SORT_KEYS.format(**names))
        cursor.execute(_CLEAR_SORT_KEYS.format(**names))
    counts = dict(
        CustomerHealth.objects.order_by()
        .values_list("grade")
        .annotate(n=Count("pk"))
        .values_list("grade", "n")
    )
    return Outcome(
        customers=Customer.objects.alive().count(),
        scored=sum(counts.values()),
        good=counts.get("g", 0),
        average=counts.get("a", 0),
        poor=counts.get("p", 0),
    )


def health_step(*, today: datetime.date) -> int:
    """The nightly recompute step (RECOMPUTE_STEPS): `compute_health`; returns the customers
    scored."""
    return compute_health(today=today).scored


@transaction.atomic
def save_settings(
    *, actor, factors: dict[str, dict], weights: dict[int | None, dict[str, int]], policy: dict
) -> None:
    """Store the factors' thresholds, the weights (a tier's weight equal to the default is not
    kept: the tier follows the default) and the policy. Takes effect at the next computation.
    `actor` is the manager saving them (settings are no customer's history)."""
    for factor, values in factors.items():
        FactorSetting.objects.update_or_create(factor=factor, defaults=values)
    FactorWeight.objects.all().delete()
    default = weights[None]
    rows = [
        FactorWeight(factor=factor, tier=None, weight=weight) for factor, weight in default.items()
    ]
    for tier, row in weights.items():
        if tier is not None:
            rows += [
                FactorWeight(factor=factor, tier_id=tier, weight=weight)
                for factor, weight in row.items()
                if weight != default[factor]
            ]
    FactorWeight.objects.bulk_create(rows)
    Policy.objects.update_or_create(pk=1, defaults=policy)
