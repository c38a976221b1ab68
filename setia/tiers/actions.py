"""Tier assignment in bulk, and the managers' edits of tiers and rules."""

from datetime import date, datetime, time

from django.db import connection, transaction
from django.utils import timezone

from setia.customers.models import Category, Customer
from setia.history.actions import record_events_select
from setia.history.models import EventKind
from setia.lib.names import in_reader_language_sql
from setia.metrics.models import CustomerRollup
from setia.tiers.models import (
    DOWNGRADE_AFTER_RUNS,
    DOWNGRADE_MARGIN_PERCENT,
    CustomerTier,
    Tier,
    TierChange,
    TierEvaluation,
    TierRule,
    TierSnapshot,
)

# Each statement below is portable SQL (CTEs, CASE, UPDATE ... FROM, INSERT ... SELECT) that
# SQLite 3.33+ and PostgreSQL both run; table names come from the models.
_T = {
    "customer": Customer._meta.db_table,
    "category": Category._meta.db_table,
    "rollup": CustomerRollup._meta.db_table,
    "tier": Tier._meta.db_table,
    "rule": TierRule._meta.db_table,
    "assignment": CustomerTier._meta.db_table,
    "change": TierChange._meta.db_table,
    "snapshot": TierSnapshot._meta.db_table,
    "evaluation": TierEvaluation._meta.db_table,
}

# Every customer's 90-day GMV, the tier it qualifies for (the highest whose threshold it reaches,
# with its category's own rule replacing the general one), its current tier and that tier's
# threshold, and the decision of the buffer rule (see the module's README and DOWNGRADE_*):
#   first          no tier yet: take the qualifying tier
#   up             qualifies for a higher tier: move up at once
#   down           more than the margin below the current threshold, now for the Nth run: fall
#   below          more than the margin below, but not yet for N runs: count this run, stay
#   rule_removed   the current tier has no rule for the category any more: move at once
#   stay           otherwise (including within the margin, which resets the count)
#   none           qualifies for no tier and has none
_EVALUATE = """
INSERT INTO {evaluation} (
    customer_id, gmv_90d, action, target_tier, target_threshold, target_rule,
    current_tier, current_threshold, current_rule, runs_before
)
WITH effective AS (
    SELECT cat.id AS category_id, t.id AS tier_id, t.position AS position,
           COALESCE(own.id, general.id) AS rule_id,
           COALESCE(own.min_gmv_90d, general.min_gmv_90d) AS threshold
    FROM {category} cat
    CROSS JOIN {tier} t
    LEFT JOIN {rule} own ON own.tier_id = t.id AND own.category_id = cat.id
    LEFT JOIN {rule} general ON general.tier_id = t.id AND general.category_id IS NULL
    WHERE own.id IS NOT NULL OR general.id IS NOT NULL
),
figures AS (
    SELECT c.id AS customer_id, c.category_id, COALESCE(r.gmv_90d, 0) AS gmv
    FROM {customer} c
    LEFT JOIN {rollup} r ON r.customer_id = c.id
    WHERE c.deleted_at IS NULL
),
qualified AS (
    SELECT f.customer_id, MIN(e.position) AS position
    FROM figures f
    JOIN effective e ON e.category_id = f.category_id AND e.threshold <= f.gmv
    GROUP BY f.customer_id
),
decided AS (
    SELECT f.customer_id, f.gmv,
           te.tier_id AS target_tier, te.position AS target_position,
           te.threshold AS target_threshold, te.rule_id AS target_rule,
           a.tier_id AS current_tier, current_tier.position AS current_position,
           ce.threshold AS current_threshold, ce.rule_id AS current_rule,
           CASE WHEN a.computed_on = %(today)s THEN a.runs_below_before
                ELSE COALESCE(a.runs_below, 0) END AS runs_before
    FROM figures f
    LEFT JOIN qualified q ON q.customer_id = f.customer_id
    LEFT JOIN effective te ON te.category_id = f.category_id AND te.position = q.position
    LEFT JOIN {assignment} a ON a.customer_id = f.customer_id
    LEFT JOIN {tier} current_tier ON current_tier.id = a.tier_id
    LEFT JOIN effective ce ON ce.category_id = f.category_id AND ce.tier_id = a.tier_id
)
SELECT customer_id, gmv,
       CASE
           WHEN current_tier IS NULL AND target_tier IS NULL THEN 'none'
           WHEN current_tier IS NULL THEN 'first'
           WHEN target_tier IS NULL THEN 'stay'
           WHEN target_position < current_position THEN 'up'
           WHEN target_position = current_position THEN 'stay'
           WHEN current_threshold IS NULL THEN 'rule_removed'
           WHEN gmv * 100 < current_threshold * (100 - %(margin)s)
                AND runs_before + 1 >= %(after)s THEN 'down'
           WHEN gmv * 100 < current_threshold * (100 - %(margin)s) THEN 'below'
           ELSE 'stay'
       END,
       target_tier, target_threshold, target_rule,
       current_tier, current_threshold, current_rule, runs_before
FROM decided
"""

_MOVES = "('first', 'up', 'down', 'rule_removed')"

_RECORD_CHANGES = f"""
INSERT INTO {{change}} (
    customer_id, old_tier_id, new_tier_id, direction, reason, gmv_90d, threshold, rule_id,
    rule_category_id, changed_on, created_at
)
SELECT e.customer_id, e.current_tier, e.target_tier,
       CASE e.action WHEN 'first' THEN 'new' WHEN 'up' THEN 'up' ELSE 'down' END,
       CASE e.action WHEN 'first' THEN 'first' WHEN 'up' THEN 'reached'
                     WHEN 'down' THEN 'fell_below' ELSE 'rule_removed' END,
       e.gmv_90d,
       CASE WHEN e.action = 'down' THEN e.current_threshold ELSE e.target_threshold END,
       rule.id, rule.category_id, %(today)s, %(now)s
FROM {{evaluation}} e
LEFT JOIN {{rule}} rule
       ON rule.id = CASE WHEN e.action = 'down' THEN e.current_rule ELSE e.target_rule END
WHERE e.action IN {_MOVES}
"""

# A customer that moves takes its new tier's threshold and rule; one that stays keeps its tier's.
_UPDATE_ASSIGNMENTS = f"""
UPDATE {{assignment}}
SET tier_id = CASE WHEN e.action IN {_MOVES} THEN e.target_tier ELSE e.current_tier END,
    since = CASE WHEN e.action IN {_MOVES} THEN %(today)s ELSE {{assignment}}.since END,
    gmv_90d = e.gmv_90d,
    threshold = COALESCE(
        CASE WHEN e.action IN {_MOVES} THEN e.target_threshold ELSE e.current_threshold END, 0),
    rule_id = CASE WHEN e.action IN {_MOVES} THEN e.target_rule ELSE e.current_rule END,
    runs_below = CASE WHEN e.action = 'below' THEN e.runs_before + 1 ELSE 0 END,
    runs_below_before = e.runs_before,
    computed_on = %(today)s,
    updated_at = %(now)s
FROM {{evaluation}} e
WHERE e.customer_id = {{assignment}}.customer_id AND e.action <> 'first'
"""

_INSERT_ASSIGNMENTS = """
INSERT INTO {assignment} (
    customer_id, tier_id, since, gmv_90d, threshold, rule_id, runs_below, runs_below_before,
    computed_on, updated_at
)
SELECT customer_id, target_tier, %(today)s, gmv_90d, target_threshold, target_rule, 0, 0,
       %(today)s, %(now)s
FROM {evaluation}
WHERE action = 'first'
"""

_SNAPSHOT = """
INSERT INTO {snapshot} (day, tier_id, customers)
SELECT %(today)s, a.tier_id, COUNT(*)
FROM {assignment} a
JOIN {customer} c ON c.id = a.customer_id
WHERE c.deleted_at IS NULL
GROUP BY a.tier_id
"""


# The day's moves on their customers' timelines: "Silver → Gold" (named in the site's language
# as the run writes it, `{old}` and `{new}`), with the move's figures.
_TIMELINE_EVENTS = """
SELECT c.customer_id, %(kind)s, NULL,
       SUBSTR(COALESCE({old} || ' → ', '') || {new}, 1, 300),
       {data}, %(occurred)s, %(source_type)s, CAST(c.id AS TEXT), %(now)s, %(now)s
FROM {change} c
JOIN {tier} new ON new.id = c.new_tier_id
LEFT JOIN {tier} old ON old.id = c.old_tier_id
WHERE c.changed_on = %(today)s AND c.created_at = %(now)s
"""
# The tiers' names in both languages (`*_name_id`: the Indonesian, empty when it has none), so
# that the event reads in the reader's language.
_TIMELINE_DATA = (
    "'old_tier', old.name, 'new_tier', new.name, "
    "'old_tier_name_id', old.name_id, 'new_tier_name_id', new.name_id, 'direction', c.direction, "
    "'tier_reason', c.reason, 'gmv_90d', c.gmv_90d, 'threshold', c.threshold"
)


# The customers list's sort keys on the customer row (`Customer.tier_rank`, `gmv_90d`): the
# rank of the customer's tier and the 90-day GMV of its assignment; both empty without one. Only
# the rows whose keys differ are written (each write touches the customer's indexes).
_SET_SORT_KEYS = """
UPDATE {customer}
SET tier_rank = k.position, gmv_90d = k.gmv_90d
FROM (SELECT a.customer_id, t.position, a.gmv_90d
      FROM {assignment} a JOIN {tier} t ON t.id = a.tier_id) AS k
WHERE k.customer_id = {customer}.id
  AND ({customer}.tier_rank IS NULL OR {customer}.tier_rank <> k.position
       OR {customer}.gmv_90d IS NULL OR {customer}.gmv_90d <> k.gmv_90d)
"""
_CLEAR_SORT_KEYS = """
UPDATE {customer}
SET tier_rank = NULL, gmv_90d = NULL
WHERE (tier_rank IS NOT NULL OR gmv_90d IS NOT NULL)
  AND NOT EXISTS (SELECT 1 FROM {assignment} a WHERE a.customer_id = {customer}.id)
"""


def refresh_sort_keys() -> int:
    """Copy every customer's tier rank and 90-day GMV onto its row for the customers list's
    sorts and tier filter (two set-based UPDATEs); return the number of rows changed. Run by
    `assign_tiers`, and after a tier's rank is changed."""
    with transaction.atomic(), connection.cursor() as cursor:
        return _refresh_sort_keys(cursor)


def _refresh_sort_keys(cursor) -> int:
    cursor.execute(_SET_SORT_KEYS.format(**_T))
    changed = cursor.rowcount
    cursor.execute(_CLEAR_SORT_KEYS.format(**_T))
    return changed + cursor.rowcount


def _timeline_events_sql() -> str:
    build = "jsonb_build_object" if connection.vendor == "postgresql" else "json_object"
    names = {key: in_reader_language_sql(key) for key in ("old", "new")}
    return _TIMELINE_EVENTS.format(**_T, **names, data=f"{build}({_TIMELINE_DATA})")


# When the nightly job runs (Asia/Jakarta): the moment a past day's moves are dated at.
NIGHTLY_RUN_AT = time(2, 0)


def assign_tiers(*, today: date, sort_keys: bool = True) -> int:
    """Give every live customer its tier from its 90-day GMV rollup; return how many moved.

    Set-based: a fixed number of SQL statements whatever the number of customers. Moves up at
    once; moves down only after DOWNGRADE_AFTER_RUNS consecutive runs more than
    DOWNGRADE_MARGIN_PERCENT below the current tier's threshold. Each move is a TierChange with
    its figures, and an event on the customer's timeline. Running it again on the same day gives
    the same result (the day's run is replaced, not counted twice). A customer without a rollup
    counts as GMV 0. The customers list's sort keys follow (`refresh_sort_keys`), unless
    `sort_keys` is False (a replay of past runs refreshes them at its last run only).
    """
    now = timezone.now()
    params: dict[str, date | datetime | int] = {
        "today": today,
        "now": now,
        # A run for a past day (a replay) dates its moves on that day, at the nightly run's
        # hour, so that the timeline keeps them in order among the customer's other events.
        "occurred": now
        if today >= timezone.localdate(now)
        else datetime.combine(today, NIGHTLY_RUN_AT, tzinfo=timezone.get_current_timezone()),
        "margin": DOWNGRADE_MARGIN_PERCENT,
        "after": DOWNGRADE_AFTER_RUNS,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One run at a time: the work table is shared.
            cursor.execute(f"LOCK TABLE {_T['evaluation']} IN EXCLUSIVE MODE")
        cursor.execute(f"DELETE FROM {_T['evaluation']}")
        cursor.execute(_EVALUATE.format(**_T), params)
        cursor.execute(_RECORD_CHANGES.format(**_T), params)
        moved = cursor.rowcount
        record_events_select(
            _timeline_events_sql(),
            {**params, "kind": EventKind.TIER, "source_type": TierChange._meta.label_lower},
        )
        cursor.execute(_UPDATE_ASSIGNMENTS.format(**_T), params)
        cursor.execute(_INSERT_ASSIGNMENTS.format(**_T), params)
        cursor.execute(f"DELETE FROM {_T['snapshot']} WHERE day = %(today)s", params)
        cursor.execute(_SNAPSHOT.format(**_T), params)
        cursor.execute(f"DELETE FROM {_T['evaluation']}")
        if sort_keys:
            _refresh_sort_keys(cursor)
    return moved


@transaction.atomic
def update_tier(
    *,
    tier: Tier,
    actor,
    name: str,
    colour: str,
    min_gmv_90d: int,
    name_id: str = "",
    aliases: str = "",
) -> Tier:
    """Rename (in either language) or recolour a tier and set its general threshold (applied at
    the next run)."""
    tier.name, tier.name_id, tier.aliases, tier.colour = name, name_id, aliases, colour
    tier.save(update_fields=["name", "name_id", "aliases", "colour", "updated_at"])
    TierRule.objects.update_or_create(
        tier=tier, category=None, defaults={"min_gmv_90d": min_gmv_90d}
    )
    return tier


def add_rule(*, actor, data: dict) -> TierRule:
    return TierRule.objects.create(**data)


def delete_rule(*, rule: TierRule, actor) -> None:
    rule.delete()
