"""The KPIs a target can be set on, and their actuals counted from the customers' timelines.

Each counted KPI is a condition on a timeline event (its kind and a value of its data). An
event counts for the person who did it (its actor) and for the team that person was in when it
happened (`TeamMembership`), so a person who moved teams mid-month gives each event to one team
only. `actuals` reads a month with one GROUP BY query: one row per (person, team at the time),
one column per KPI; a person's figure sums their rows, a team's the rows of that team, and
every event is in exactly one row, so nothing is counted twice.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from setia.history.models import EventKind, TimelineEvent
from setia.lib.dates import add_months

MANUAL = "manual"


@dataclass(frozen=True)
class Kpi:
    code: str
    label: object  # a lazy translation
    condition: Q | None = None  # on TimelineEvent; None for the hand-entered KPI

    @property
    def is_manual(self) -> bool:
        return self.condition is None


def _outbound(kind: str) -> Q:
    # Messages and logged interactions both say their direction; a failed message was not sent.
    return Q(kind=kind, data__direction="outbound") & ~Q(data__status="failed")


KPIS: tuple[Kpi, ...] = (
    Kpi("calls", _("Calls"), Q(kind=EventKind.CALL)),
    Kpi("whatsapp_sent", _("WhatsApp messages sent"), _outbound(EventKind.WHATSAPP)),
    Kpi("emails_sent", _("E-mails sent"), _outbound(EventKind.EMAIL)),
    Kpi("meetings", _("Meetings"), Q(kind=EventKind.MEETING)),
    Kpi("tasks_done", _("Tasks completed"), Q(kind=EventKind.TASK, data__task_action="completed")),
    Kpi(
        "offers_accepted",
        _("Retention offers accepted"),
        Q(kind=EventKind.OFFER, data__offer_status="accepted"),
    ),
    Kpi(MANUAL, _("Entered by hand")),
)
BY_CODE = {kpi.code: kpi for kpi in KPIS}
COUNTED = tuple(kpi for kpi in KPIS if not kpi.is_manual)
# The kinds any counted KPI reads: the query's first filter, on the timeline's kind index.
_KINDS = (
    EventKind.CALL,
    EventKind.WHATSAPP,
    EventKind.EMAIL,
    EventKind.MEETING,
    EventKind.TASK,
    EventKind.OFFER,
)


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The first moment of `month` and of the next one, in the team's time zone."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(month.replace(day=1), datetime.time(), tzinfo=zone)
    return start, datetime.datetime.combine(
        add_months(month.replace(day=1), 1), datetime.time(), tzinfo=zone
    )


# The membership stretch covering each event, joined (a stretch per event at most, as one
# person's stretches do not overlap): a correlated subquery per event cost ~0.8 s a month at
# 2 million events a year on PostgreSQL. A new one for each query: a query resolves it in place.
def covering() -> FilteredRelation:
    """The join to the actor's membership stretch covering the event's moment."""
    return FilteredRelation(
        "actor__team_memberships",
        condition=Q(actor__team_memberships__started_at__lte=F("occurred_at"))
        & (
            Q(actor__team_memberships__ended_at__isnull=True)
            | Q(actor__team_memberships__ended_at__gt=F("occurred_at"))
        ),
    )


def team_at_event():
    """An expression for the team the event's actor was in when it happened (on a queryset
    aliased `covering=covering()`): the stretch covering the moment; for a person without
    any stretch, their current team."""
    membership = apps.get_model("cadence", "TeamMembership").objects
    return Case(
        When(Exists(membership.filter(user=OuterRef("actor_id"))), then=F("covering__team_id")),
        default=F("actor__team_id"),
        output_field=BigIntegerField(),
    )


@dataclass
class Actuals:
    """A period's counted KPIs: {(person id, code): n} and {(team id, code): n}."""

    people: dict[tuple[int, str], int] = field(default_factory=lambda: defaultdict(int))
    teams: dict[tuple[int, str], int] = field(default_factory=lambda: defaultdict(int))

    def of(self, target) -> int | None:
        """The actual of `target`: its hand-entered figure, or the counted one."""
        if target.is_manual:
            return target.manual_actual
        if target.team_id:
            return self.teams.get((target.team_id, target.kpi), 0)
        return self.people.get((target.user_id, target.kpi), 0)


def actuals(start: datetime.datetime, end: datetime.datetime, *, people=None) -> Actuals:
    """The counted KPIs of the events from `start` (included) to `end` (excluded), per person
    and per team, in one query. `people` (ids) limits it to what those people did."""
    events = TimelineEvent.objects.filter(
        kind__in=_KINDS, occurred_at__gte=start, occurred_at__lt=end, actor__isnull=False
    )
    if people is not None:
        events = events.filter(actor_id__in=people)
    rows = (
        events.order_by()
        .alias(covering=covering())
        .values("actor_id", team=team_at_event())
        .annotate(**{kpi.code: Count("id", filter=kpi.condition) for kpi in COUNTED})
    )
    result = Actuals()
    # The KPI columns are named at run time: the rows are read as plain mappings.
    rows_read: Iterable[dict[str, Any]] = rows  # type: ignore[assignment]
    for row in rows_read:
        for kpi in COUNTED:
            if count := row[kpi.code]:
                result.people[row["actor_id"], kpi.code] += count
                if row["team"] is not None:
                    result.teams[row["team"], kpi.code] += count
    return result


def progress(targets, found: Actuals) -> list[dict]:
    """Each target with its actual and the percentage reached (capped at 100 for the bar)."""
    rows = []
    for target in targets:
        actual = found.of(target)
        percent = round(100 * (actual or 0) / target.value) if target.value else 0
        rows.append(
            {"target": target, "actual": actual, "percent": percent, "bar": min(percent, 100)}
        )
    return rows
