"""Trigger evaluation: which customers need a playbook started, in set-based queries.

Each active rule is one query that selects the matching customers with the figures behind the
match (a GROUP BY over store metrics, a filter over rollups, subscriptions, onboardings or the
timeline), never a query per customer. The new runs, whose reasons are written here in the
site's language, go in with one statement with ON CONFLICT DO NOTHING against the partial unique
index "one open run per (customer, playbook)"; the runs this evaluation inserted carry its batch
id, which is how they are counted and given their tasks and timeline events, each kind in one
INSERT ... SELECT (bench/triggers_bench.py times all this against hand-written SQL).
"""

import datetime
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, NullIf
from django.utils import translation
from django.utils.translation import gettext as _

from setia.accounts.models import Role, Team, User
from setia.customers.models import Customer, Subscription
from setia.history.actions import record_events_select
from setia.history.models import EventKind, TimelineEvent
from setia.lib.dates import now, today
from setia.lib.names import in_reader_language_sql
from setia.metrics.models import StoreDailyMetric
from setia.work.automation.models import (
    URGENCY,
    AssignTo,
    Playbook,
    PlaybookRun,
    PlaybookStep,
    TriggerKind,
    TriggerRule,
)
from setia.work.automation.reasons import reason_text
from setia.work.onboarding.models import Onboarding, Stage
from setia.work.schedule.fairness import SLOTS, person_rows
from setia.work.schedule.models import PRIORITY_WEIGHTS, Priority, Status, Task, reminder_time

INTERACTION_KINDS = ["call", "whatsapp", "email", "meeting"]


@dataclass
class Outcome:
    customers: int = 0
    started: int = 0
    already_open: int = 0

    def summary(self) -> str:
        return f"customers={self.customers} started={self.started} already_open={self.already_open}"


def _value():
    """A customer's yearly subscription revenue, the value that is at risk."""
    return F("subscription__monthly_price") * 12


# Trigger kinds whose matches an app above this one computes from its own tables (the health
# app: "health fell"): kind -> function(rule, day, moment) returning the same kind of rows as
# `candidates`. Filled when that app is ready, so this package imports nothing above it.
SOURCES: dict[str, Callable] = {}


def register_source(kind: str) -> Callable[[Callable], Callable]:
    """Decorator: the function computing the matches of trigger `kind` (see SOURCES)."""

    def register(function: Callable) -> Callable:
        SOURCES[kind] = function
        return function

    return register


def candidates(rule: TriggerRule, day: datetime.date, moment: datetime.datetime):
    """One query: (customer_id, value, figures...) rows of the customers `rule` fires for."""
    if rule.kind in SOURCES:
        return SOURCES[rule.kind](rule, day, moment)
    live = Customer.objects.alive()
    if rule.kind in (TriggerKind.WEBSITE_DOWN, TriggerKind.ERROR_SPIKE):
        first = day - datetime.timedelta(days=max(rule.window_days, 1) - 1)
        metrics = StoreDailyMetric.objects.filter(
            day__gte=first, day__lte=day, store__customer__deleted_at__isnull=True
        ).values(customer_id=F("store__customer_id"))
        if rule.kind == TriggerKind.WEBSITE_DOWN:
            return (
                metrics.filter(uptime_pct__lt=rule.threshold)
                .annotate(lowest_uptime=Min("uptime_pct"), days_down=Count("day"))
                .annotate(value=Max(F("store__customer__subscription__monthly_price") * 12))
            )
        return (
            metrics.annotate(errors=Sum("errors"))
            .filter(errors__gte=rule.threshold)
            .annotate(value=Max(F("store__customer__subscription__monthly_price") * 12))
        )
    if rule.kind == TriggerKind.GMV_DROP:
        return gmv_drops(day, window=max(rule.window_days, 1), threshold=rule.threshold)
    if rule.kind == TriggerKind.ONBOARDING_STALLED:
        return (
            Onboarding.objects.stalled(list(Stage.objects.all()), moment)
            .filter(customer__deleted_at__isnull=True)
            .values(
                "customer_id",
                "entered_stage_at",
                stage_name=F("stage__name_en"),
                stage_name_id=F("stage__name_id"),
                value=F("customer__subscription__monthly_price") * 12,
            )
        )
    if rule.kind == TriggerKind.RENEWAL_DUE:
        last = day + datetime.timedelta(days=rule.window_days)
        return Subscription.objects.filter(
            customer__deleted_at__isnull=True, renews_on__gte=day, renews_on__lte=last
        ).values("customer_id", "renews_on", value=F("monthly_price") * 12)
    if rule.kind == TriggerKind.NO_INTERACTION:
        cutoff = moment - datetime.timedelta(days=rule.window_days)
        latest = (
            TimelineEvent.objects.filter(customer=OuterRef("pk"), kind__in=INTERACTION_KINDS)
            .order_by("-occurred_at")
            .values("occurred_at")[:1]
        )
        customers = live.filter(created_at__lt=cutoff)
        if rule.tier_id:
            customers = customers.filter(tier_assignment__tier_id=rule.tier_id)
        return (
            customers.annotate(last_interaction=Subquery(latest))
            .filter(Q(last_interaction__lt=cutoff) | Q(last_interaction__isnull=True))
            .values("last_interaction", customer_id=F("pk"), value=_value())
        )
    raise ValueError(f"unknown trigger kind {rule.kind!r}")


# The GMV-drop baseline: the daily average over the 90 days before the window, taken over the
# days that have figures, so that a store with a short history is compared too once it has at
# least MIN_BASELINE_DAYS of them.
BASELINE_DAYS = 90
MIN_BASELINE_DAYS = 30


def gmv_drops(day: datetime.date, *, window: int, threshold: int):
    """One GROUP BY over store metrics: (customer_id, value, figures...) rows of the customers
    whose daily GMV over the `window` days ending `day` is at least `threshold` % below their
    daily average over the 90 days before.

    A day of the window without figures counts as a day without sales (a store that stops
    reporting has stopped selling); the baseline averages over the days that have figures.
    """
    first = day - datetime.timedelta(days=window - 1)
    before = Q(day__lt=first)
    recent_daily = ExpressionWrapper(
        Coalesce(Sum("gmv", filter=Q(day__gte=first)), 0) * 1.0 / window,
        output_field=FloatField(),
    )
    before_daily = ExpressionWrapper(
        Sum("gmv", filter=before) * 1.0 / NullIf(Count("day", filter=before, distinct=True), 0),
        output_field=FloatField(),
    )
    return (
        StoreDailyMetric.objects.filter(
            day__gte=first - datetime.timedelta(days=BASELINE_DAYS),
            day__lte=day,
            store__customer__deleted_at__isnull=True,
        )
        .values(customer_id=F("store__customer_id"))
        .annotate(baseline_days=Count("day", filter=before, distinct=True))
        .filter(baseline_days__gte=MIN_BASELINE_DAYS)
        .annotate(gmv_daily=recent_daily, gmv_daily_before=before_daily)
        .filter(
            gmv_daily_before__gt=0,
            gmv_daily__lte=F("gmv_daily_before") * (100 - float(threshold)) / 100,
        )
        .annotate(
            gmv_change_pct=(F("gmv_daily") - F("gmv_daily_before")) * 100.0 / F("gmv_daily_before"),
            window_days=Value(window),
            value=Max(F("store__customer__subscription__monthly_price") * 12),
        )
    )


# Kinds whose reason names the rule's days, kept with the figures.
WINDOWED_KINDS = {TriggerKind.WEBSITE_DOWN, TriggerKind.ERROR_SPIKE}


def _reason(rule: TriggerRule, row: dict) -> tuple[str, dict]:
    """The reason in the active (the site's) language, and the figures as JSON-safe values:
    the figures are what the pages read it from, in the reader's language."""
    figures = {}
    for key, value in row.items():
        if key in ("customer_id", "value"):
            continue
        if isinstance(value, datetime.datetime | datetime.date):
            value = value.isoformat()
        elif value is not None and not isinstance(value, int | str):
            value = round(float(value), 1)
        figures[key] = value
    if "window_days" not in figures and rule.kind in WINDOWED_KINDS:
        figures["window_days"] = rule.window_days
    text = reason_text(rule.kind, figures)
    return text[:300], figures


def evaluate(*, day: datetime.date | None = None, rules=None, customers=None) -> Outcome:
    """Evaluate every active rule (or `rules`) and start their playbooks; see the module doc.

    `customers`, a Customer queryset, limits the evaluation to them (the demo data evaluates
    only the customers it created)."""
    day = day or today()
    moment = now()
    batch = uuid.uuid4()
    rules = list(
        (rules if rules is not None else TriggerRule.objects.filter(is_active=True))
        .select_related("playbook")
        .order_by("kind", "id")
    )
    outcome = Outcome()
    matched: set[int] = set()
    new_runs: list[tuple] = []
    with transaction.atomic(), translation.override(_site_language()):
        open_pairs = set(PlaybookRun.objects.open().values_list("customer_id", "playbook_id"))
        for rule in rules:
            rows = candidates(rule, day, moment)
            if customers is not None:
                rows = rows.filter(customer_id__in=customers.values("pk"))
            for row in rows:
                customer_id = row["customer_id"]
                matched.add(customer_id)
                if (customer_id, rule.playbook_id) in open_pairs:
                    outcome.already_open += 1
                    continue
                open_pairs.add((customer_id, rule.playbook_id))
                reason, figures = _reason(rule, row)
                value = int(row.get("value") or 0)
                at_risk = value * URGENCY[rule.kind] // 100
                new_runs.append(
                    (customer_id, rule.playbook_id, rule.kind, reason, figures, value, at_risk)
                )
        _insert_runs(new_runs, batch, moment)
        outcome.customers = len(matched)
        outcome.started = PlaybookRun.objects.filter(batch=batch).count()
        if outcome.started:
            _create_tasks(batch, moment)
            _record_starts(batch, moment)
    return outcome


def _site_language() -> str:
    # Reasons and timeline summaries are stored text, written in the site's language.
    return settings.LANGUAGE_CODE


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _new_uuid() -> str:
    """SQL for a fresh random UUID in the column format Django uses on this database."""
    if connection.vendor == "postgresql":
        return "gen_random_uuid()"
    return "lower(hex(randomblob(16)))"  # SQLite: UUIDField is char(32), hex without dashes


def _text(template: str, **expressions: str) -> tuple[str, list[str]]:
    """A translated %(name)s template as SQL: its literal parts (as parameters) concatenated
    with the SQL `expressions`, in the order the translation puts them."""
    pieces, params = [], []
    for index, part in enumerate(re.split(r"%\((\w+)\)s", template)):
        if index % 2:
            pieces.append(f"COALESCE(CAST({expressions[part]} AS TEXT), '')")
        elif part:
            pieces.append("CAST(%s AS TEXT)")
            params.append(part.replace("%%", "%"))
    return " || ".join(pieces) or "''", params


def _insert_runs(rows: list[tuple], batch: uuid.UUID, moment: datetime.datetime) -> None:
    """Insert the new runs (customer, playbook, kind, reason, figures, value, at risk) in one
    INSERT ... SELECT over a JSON array of them.

    ON CONFLICT DO NOTHING against the partial unique index: a run opened meanwhile by a
    concurrent evaluation wins, and this evaluation's batch does not count it.
    """
    if not rows:
        return
    table = _table(PlaybookRun)
    columns = (
        "code, customer_id, playbook_id, kind, reason, figures, value, revenue_at_risk, "
        "status, batch, started_at, created_at, updated_at"
    )
    batch_value = PlaybookRun._meta.get_field("batch").get_db_prep_value(batch, connection)
    stamp = connection.ops.adapt_datetimefield_value(moment)
    keys = ("customer_id", "playbook_id", "kind", "reason", "figures", "value", "at_risk")
    document = json.dumps([dict(zip(keys, row, strict=True)) for row in rows])
    if connection.vendor == "postgresql":
        source = (
            "jsonb_to_recordset(CAST(%s AS jsonb)) AS r (customer_id bigint, playbook_id bigint, "
            "kind text, reason text, figures jsonb, value bigint, at_risk bigint)"
        )
    else:
        source = (
            "(SELECT json_extract(value, '$.customer_id') AS customer_id, "
            "json_extract(value, '$.playbook_id') AS playbook_id, "
            "json_extract(value, '$.kind') AS kind, json_extract(value, '$.reason') AS reason, "
            "json_extract(value, '$.figures') AS figures, "
            "json_extract(value, '$.value') AS value, "
            "json_extract(value, '$.at_risk') AS at_risk FROM json_each(%s)) AS r"
        )
    with connection.cursor() as cursor:
        # One JSON document of all the rows as the only parameter: converting it is one C
        # call, where a row of parameters per run costs the driver far more than the insert.
        cursor.execute(
            f"""
            INSERT INTO {table} ({columns})
            SELECT {_new_uuid()}, r.customer_id, r.playbook_id, r.kind, r.reason, r.figures,
                r.value, r.at_risk, %s, %s, %s, %s, %s
            FROM {source}
            WHERE true  -- SQLite needs a WHERE before ON CONFLICT in INSERT ... SELECT
            ON CONFLICT DO NOTHING
            """,
            [Status.OPEN, batch_value, stamp, stamp, stamp, document],
        )


def _create_tasks(batch: uuid.UUID, moment: datetime.datetime) -> None:
    """The started runs' tasks from their playbook steps, in one INSERT ... SELECT.

    Each task goes to the customer's owner; a "lead" step to the team lead; an "intern" step
    to one of the team's interns by fair assignment (`fairness.SLOTS`, interns in id order):
    the team's n-th intern task (runs by revenue at risk, then steps in order) takes the n-th
    slot, every intern task weighing the same (high priority).
    """
    runs = PlaybookRun.objects.filter(batch=batch)
    steps = list(PlaybookStep.objects.filter(playbook_id__in=runs.values("playbook_id")))
    if not steps:
        return
    interns = list(
        User.objects.filter(is_active=True, groups__name=Role.INTERN, team__isnull=False)
        .values_list("pk", "team_id")
        .distinct()
    )
    load = dict(
        Task.objects.open()
        .filter(owner__groups__name=Role.INTERN)
        .values("owner")
        .annotate(load=Task.objects.load_weight())
        .values_list("owner", "load")
    )
    # Round-robin turn: the intern's id, so ties go to the intern who joined first.
    person, person_params = person_rows(
        [(pk, team, load.get(pk, 0), pk) for pk, team in sorted(interns)]
    )
    ops = connection.ops
    due = " ".join(["WHEN %s THEN %s"] * len(steps))
    due_params, remind_params = [], []
    for step in steps:
        due_at = moment + datetime.timedelta(days=step.due_in_days)
        due_params += [step.pk, ops.adapt_datetimefield_value(due_at)]
        remind_params += [step.pk, ops.adapt_datetimefield_value(reminder_time(due_at))]
    stamp = ops.adapt_datetimefield_value(moment)
    batch_value = PlaybookRun._meta.get_field("batch").get_db_prep_value(batch, connection)
    # Who gets the task: the lead for a "lead" step, the intern's slot for an "intern" step,
    # else the customer's owner. The task's title is the step's in that person's language (the
    # site's language for a task nobody owns).
    assignee = """CASE WHEN task.assign_to = %s AND task.lead_id IS NOT NULL THEN task.lead_id
                     WHEN slot.id IS NOT NULL THEN slot.id
                     ELSE task.owner_id END"""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE {person},
            run AS (
                SELECT r.id, r.customer_id, r.playbook_id, r.revenue_at_risk, c.owner_id,
                    c.team_id, t.lead_id
                FROM {_table(PlaybookRun)} r
                JOIN {_table(Customer)} c ON c.id = r.customer_id
                LEFT JOIN {_table(Team)} t ON t.id = c.team_id
                WHERE r.batch = %s),
            task AS (
                SELECT run.*, st.id AS step_id, st.title, st.title_id, st.assign_to,
                    CASE WHEN st.assign_to = %s
                              AND run.team_id IN (SELECT team_id FROM person)
                         THEN row_number() OVER (
                             PARTITION BY run.team_id, st.assign_to
                             ORDER BY run.revenue_at_risk DESC, run.id, st.position, st.id)
                    END AS n
                FROM run JOIN {_table(PlaybookStep)} st ON st.playbook_id = run.playbook_id),
            need (team_id, n, weight) AS (
                SELECT team_id, max(n), %s FROM task WHERE n IS NOT NULL GROUP BY team_id),
            {SLOTS}
            INSERT INTO {_table(Task)} (code, title, notes, owner_id, team_id, customer_id,
                due_at, remind_at, priority, status, recurrence, playbook_run_id, created_at,
                updated_at)
            SELECT {_new_uuid()},
                CASE WHEN task.title_id <> '' AND COALESCE(
                    (SELECT u.language FROM {_table(User)} u WHERE u.id = {assignee}), %s) = 'id'
                THEN task.title_id ELSE task.title END, '',
                {assignee},
                task.team_id, task.customer_id, CASE task.step_id {due} END,
                CASE task.step_id {due} END, %s, %s, '', task.id, %s, %s
            FROM task LEFT JOIN slot ON slot.team_id = task.team_id AND slot.n = task.n
            """,
            [
                *person_params,
                batch_value,
                AssignTo.INTERN,
                PRIORITY_WEIGHTS[Priority.HIGH],
                AssignTo.LEAD,
                settings.LANGUAGE_CODE,
                AssignTo.LEAD,
                *due_params,
                *remind_params,
                Priority.HIGH,
                Status.OPEN,
                stamp,
                stamp,
            ],
        )


def _record_starts(batch: uuid.UUID, moment: datetime.datetime) -> None:
    """One timeline event per started run, with the reason and the figures behind it, in one
    INSERT ... SELECT."""
    shown = in_reader_language_sql("p")
    summary, summary_params = _text(
        _("Playbook “%(playbook)s” started: %(reason)s"), playbook=shown, reason="r.reason"
    )
    if connection.vendor == "postgresql":
        data = (
            "jsonb_build_object('playbook', p.name, 'playbook_name_id', p.name_id, "
            "'trigger', r.kind, 'reason', r.reason, 'figures', r.figures)"
        )
    else:
        data = (
            "json_object('playbook', p.name, 'playbook_name_id', p.name_id, "
            "'trigger', r.kind, 'reason', r.reason, 'figures', json(r.figures))"
        )
    stamp = connection.ops.adapt_datetimefield_value(moment)
    batch_value = PlaybookRun._meta.get_field("batch").get_db_prep_value(batch, connection)
    record_events_select(
        f"""
        SELECT r.customer_id, %s, NULL, SUBSTR({summary}, 1, 300), {data}, %s, %s,
            CAST(r.id AS TEXT), %s, %s
        FROM {_table(PlaybookRun)} r JOIN {_table(Playbook)} p ON p.id = r.playbook_id
        WHERE r.batch = %s
        """,
        [
            EventKind.TASK,
            *summary_params,
            stamp,
            PlaybookRun._meta.label_lower,
            stamp,
            stamp,
            batch_value,
        ],
    )
