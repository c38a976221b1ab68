"""Trigger evaluation: which customers need a playbook started, in set-based queries.

Each active rule is one query that selects the matching customers with the figures behind the
match (a GROUP BY over store metrics, a filter over rollups, subscriptions, onboardings or the
timeline), never a query per customer. New runs are bulk-inserted with ON CONFLICT DO NOTHING
against the partial unique index "one open run per (customer, playbook)"; the runs this
evaluation inserted carry its batch id, which is how they are counted and given their tasks.
"""

import datetime
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Max, Min, OuterRef, Q, Subquery, Sum
from django.utils import translation
from django.utils.translation import gettext as _

from setia.accounts.models import Role, User
from setia.customers.models import Customer, Subscription
from setia.engagement.models import TimelineEvent
from setia.lib.dates import now, today
from setia.metrics.models import CustomerRollup, StoreDailyMetric
from setia.work.models import (
    PRIORITY_WEIGHTS,
    URGENCY,
    AssignTo,
    Onboarding,
    PlaybookRun,
    PlaybookStep,
    Stage,
    Task,
    TriggerKind,
    TriggerRule,
)

BATCH = 190  # rows per INSERT; SQLite caps a statement near 199 rows of this width
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


def candidates(rule: TriggerRule, day: datetime.date, moment: datetime.datetime):
    """One query: (customer_id, value, figures...) rows of the customers `rule` fires for."""
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
        return CustomerRollup.objects.filter(
            customer__deleted_at__isnull=True,
            gmv_prev_90d__gt=0,
            gmv_growth_pct__lte=-float(rule.threshold),
        ).values(
            "customer_id",
            "gmv_90d",
            "gmv_prev_90d",
            "gmv_growth_pct",
            value=F("customer__subscription__monthly_price") * 12,
        )
    if rule.kind == TriggerKind.ONBOARDING_STALLED:
        return (
            Onboarding.objects.stalled(list(Stage.objects.all()), moment)
            .filter(customer__deleted_at__isnull=True)
            .values(
                "customer_id",
                "entered_stage_at",
                stage_name=F("stage__name_en"),
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


def _reason(rule: TriggerRule, row: dict) -> tuple[str, dict]:
    """The reason in the site's language, and the figures as JSON-safe values."""
    figures = {}
    for key, value in row.items():
        if key in ("customer_id", "value"):
            continue
        if isinstance(value, datetime.datetime | datetime.date):
            value = value.isoformat()
        elif value is not None and not isinstance(value, int | str):
            value = round(float(value), 1)
        figures[key] = value
    if rule.kind == TriggerKind.WEBSITE_DOWN:
        text = _("Uptime %(uptime)s%% on %(days)s day(s) of the last %(window)s") % {
            "uptime": figures["lowest_uptime"],
            "days": figures["days_down"],
            "window": rule.window_days,
        }
    elif rule.kind == TriggerKind.ERROR_SPIKE:
        text = _("%(errors)s errors in the last %(window)s day(s)") % {
            "errors": figures["errors"],
            "window": rule.window_days,
        }
    elif rule.kind == TriggerKind.GMV_DROP:
        text = _("GMV %(growth)s%% against the previous 90 days") % {
            "growth": figures["gmv_growth_pct"]
        }
    elif rule.kind == TriggerKind.ONBOARDING_STALLED:
        text = _("Onboarding stalled in “%(stage)s” since %(since)s") % {
            "stage": figures["stage_name"],
            "since": figures["entered_stage_at"][:10],
        }
    elif rule.kind == TriggerKind.RENEWAL_DUE:
        text = _("Subscription renews on %(day)s") % {"day": figures["renews_on"]}
    else:
        last = figures.get("last_interaction")
        text = (
            _("No call, chat, e-mail or meeting since %(day)s") % {"day": last[:10]}
            if last
            else _("No call, chat, e-mail or meeting yet")
        )
    return text[:300], figures


def evaluate(*, day: datetime.date | None = None, rules=None) -> Outcome:
    """Evaluate every active rule (or `rules`) and start their playbooks; see the module doc."""
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
    with transaction.atomic(), translation.override(_site_language()):
        open_pairs = set(PlaybookRun.objects.open().values_list("customer_id", "playbook_id"))
        for rule in rules:
            rows = list(candidates(rule, day, moment))
            new_runs = []
            for row in rows:
                customer_id = row["customer_id"]
                matched.add(customer_id)
                if (customer_id, rule.playbook_id) in open_pairs:
                    outcome.already_open += 1
                    continue
                open_pairs.add((customer_id, rule.playbook_id))
                reason, figures = _reason(rule, row)
                value = int(row.get("value") or 0)
                new_runs.append(
                    PlaybookRun(
                        customer_id=customer_id,
                        playbook_id=rule.playbook_id,
                        kind=rule.kind,
                        reason=reason,
                        figures=figures,
                        value=value,
                        revenue_at_risk=value * URGENCY[rule.kind] // 100,
                        batch=batch,
                        started_at=moment,
                    )
                )
            # ON CONFLICT DO NOTHING: a run opened by a concurrent evaluation wins.
            PlaybookRun.objects.bulk_create(new_runs, batch_size=BATCH, ignore_conflicts=True)
        outcome.customers = len(matched)
        outcome.started = PlaybookRun.objects.filter(batch=batch).count()
        _start_runs(batch, moment)
    return outcome


def _site_language() -> str:
    # Reasons and timeline summaries are stored text, written in the site's language.
    return settings.LANGUAGE_CODE


def _start_runs(batch: uuid.UUID, moment: datetime.datetime) -> None:
    """The started runs' tasks (from the playbook steps) and timeline events, in bulk."""
    runs = list(
        PlaybookRun.objects.filter(batch=batch).select_related(
            "customer", "customer__team", "playbook"
        )
    )
    if not runs:
        return
    steps: dict[int, list[PlaybookStep]] = {}
    for step in PlaybookStep.objects.filter(playbook_id__in={run.playbook_id for run in runs}):
        steps.setdefault(step.playbook_id, []).append(step)
    interns: dict[int, list[int]] = {}
    for user_id, team_id in User.objects.filter(
        is_active=True, groups__name=Role.INTERN, team__isnull=False
    ).values_list("pk", "team_id"):
        interns.setdefault(team_id, []).append(user_id)
    intern_load: dict[int, int] = dict(
        Task.objects.open()
        .filter(owner__groups__name=Role.INTERN)
        .values("owner")
        .annotate(load=Task.objects.load_weight())
        .values_list("owner", "load")
    )
    tasks = []
    for run in runs:
        customer = run.customer
        for step in steps.get(run.playbook_id, []):
            owner_id = customer.owner_id
            if step.assign_to == AssignTo.LEAD and customer.team and customer.team.lead_id:
                owner_id = customer.team.lead_id
            elif step.assign_to == AssignTo.INTERN and interns.get(customer.team_id):
                # fair assignment: the team's intern with the least weighted open work
                owner_id = min(
                    interns[customer.team_id], key=lambda pk: (intern_load.get(pk, 0), pk)
                )
                intern_load[owner_id] = intern_load.get(owner_id, 0) + PRIORITY_WEIGHTS["high"]
            due_at = moment + datetime.timedelta(days=step.due_in_days)
            tasks.append(
                Task(
                    title=step.title,
                    owner_id=owner_id,
                    team_id=customer.team_id,
                    customer_id=customer.pk,
                    due_at=due_at,
                    remind_at=due_at - datetime.timedelta(hours=1),
                    priority="high",
                    playbook_run=run,
                )
            )
    Task.objects.bulk_create(tasks, batch_size=BATCH)
    TimelineEvent.objects.bulk_create(
        [
            TimelineEvent(
                customer_id=run.customer_id,
                kind="task",
                summary=_("Playbook “%(playbook)s” started: %(reason)s")
                % {"playbook": run.playbook.name, "reason": run.reason},
                data={
                    "playbook": run.playbook.name,
                    "trigger": run.kind,
                    "reason": run.reason,
                    "figures": run.figures,
                },
                occurred_at=moment,
                source_type="work.playbookrun",
                source_id=str(run.pk),
            )
            for run in runs
        ],
        batch_size=BATCH,
    )
