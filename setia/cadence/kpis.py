"""The KPIs a target can be set on, and their actuals counted from the history.

Each counted KPI reads one source, and counts for a person and for the team that person was in
at the moment (`TeamMembership`), so a person who moved teams mid-month gives each figure to one
team only:

- `actor`: a condition on timeline events, for the person who did it (calls, messages sent,
  meetings, tasks completed, retention offers accepted and the revenue they keep);
- `owner`: a condition on timeline events, for the customer's owner (tier upgrades, survey
  responses and the NPS of the answers);
- `onboarding`: customers moved to a final onboarding stage for the first time, for the person
  who moved them;
- `gmv`: the monthly GMV rollup of the customers a person owns, for the months that start in the
  period, at the owner's team at the period's end.

An owned customer's figures go to its owner now: a customer handed over mid-month takes its
month's GMV, upgrades and answers to its new owner (the book they hold). `actuals` reads each
source a period needs with one GROUP BY: one row per (person, team at the time), one column per
KPI; a person's figure sums their rows, a team's the rows of that team, and every event is in
exactly one row, so nothing is counted twice.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import connection
from django.db.models import (
    BigIntegerField,
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from setia.history.models import EventKind, TimelineEvent
from setia.lib.dates import add_months
from setia.lib.money import rupiah_from_hundredths
from setia.metrics.models import CustomerMonthlyMetric
from setia.surveys.reports import nps
from setia.work.onboarding.models import StageChange

MANUAL = "manual"
# The sources a counted KPI reads (see the module's docstring).
ACTOR, OWNER, ONBOARDING, GMV = "actor", "owner", "onboarding", "gmv"
NPS = "nps"


@dataclass(frozen=True)
class Kpi:
    code: str
    label: object  # a lazy translation
    source: str = ACTOR
    # On TimelineEvent (sources `actor` and `owner`): the events counted.
    condition: Q | None = None
    # Shown as rupiah, not as a count.
    rupiah: bool = False
    # A count or a sum grows with the days (a forecast scales it); a score (NPS) does not.
    additive: bool = True
    # Known per calendar month only (a rollup): no figure for a week.
    monthly: bool = False

    @property
    def is_manual(self) -> bool:
        return self.source == MANUAL


def _of_kind(kind: str, /, **data) -> Q:
    """Events of `kind` whose data holds `data`. The kind is tested first: the database stops
    there for most events, before reading their data (at 2 million events a year, reading it
    first for every KPI's filter was most of a month's time)."""
    condition = Q(kind=kind)
    for key, value in data.items():
        condition &= Q(**{f"data__{key}": value})
    return condition


def _outbound(kind: str) -> Q:
    # Messages and logged interactions both say their direction; a failed message was not sent.
    return _of_kind(kind, direction="outbound") & ~Q(data__status="failed")


_ACCEPTED = _of_kind(EventKind.OFFER, offer_status="accepted")
_NPS_ANSWER = _of_kind(EventKind.SURVEY, kind="nps")

KPIS: tuple[Kpi, ...] = (
    Kpi("calls", _("Calls"), condition=Q(kind=EventKind.CALL)),
    Kpi("whatsapp_sent", _("WhatsApp messages sent"), condition=_outbound(EventKind.WHATSAPP)),
    Kpi("emails_sent", _("E-mails sent"), condition=_outbound(EventKind.EMAIL)),
    Kpi("meetings", _("Meetings"), condition=Q(kind=EventKind.MEETING)),
    Kpi(
        "tasks_done",
        _("Tasks completed"),
        condition=_of_kind(EventKind.TASK, task_action="completed"),
    ),
    Kpi("offers_accepted", _("Retention offers accepted"), condition=_ACCEPTED),
    Kpi("revenue_kept", _("Revenue kept by retention offers"), condition=_ACCEPTED, rupiah=True),
    Kpi("onboarded_live", _("Customers onboarded to live"), source=ONBOARDING),
    Kpi("gmv_owned", _("GMV of owned customers"), source=GMV, rupiah=True, monthly=True),
    Kpi(
        "tier_upgrades",
        _("Tier upgrades of owned customers"),
        source=OWNER,
        condition=_of_kind(EventKind.TIER, direction="up"),
    ),
    Kpi(
        "survey_responses",
        _("Survey responses from owned customers"),
        source=OWNER,
        condition=Q(kind=EventKind.SURVEY),
    ),
    Kpi(NPS, _("NPS of owned customers"), source=OWNER, additive=False),
    Kpi(MANUAL, _("Entered by hand"), source=MANUAL),
)
BY_CODE = {kpi.code: kpi for kpi in KPIS}
COUNTED = tuple(kpi for kpi in KPIS if not kpi.is_manual)
# The NPS is worked out from three counts of the owner pass (promoters 9-10, detractors 0-6).
_NPS_PARTS = {
    "nps_promoters": _NPS_ANSWER & Q(data__score__gte=9),
    "nps_detractors": _NPS_ANSWER & Q(data__score__lte=6),
    "nps_answers": _NPS_ANSWER,
}
# The kinds each timeline pass reads: its first filter, on the timeline's kind index.
_KINDS = {
    ACTOR: (
        EventKind.CALL,
        EventKind.WHATSAPP,
        EventKind.EMAIL,
        EventKind.MEETING,
        EventKind.TASK,
        EventKind.OFFER,
    ),
    OWNER: (EventKind.TIER, EventKind.SURVEY),
}


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
def covering(person: str = "actor", moment: Any = None) -> FilteredRelation:
    """The join to the membership stretch of `person` (a path to a user) covering `moment` (an
    expression; the event's `occurred_at` by default)."""
    moment = F("occurred_at") if moment is None else moment
    stretch = f"{person}__team_memberships"
    return FilteredRelation(
        stretch,
        condition=Q(**{f"{stretch}__started_at__lte": moment})
        & (Q(**{f"{stretch}__ended_at__isnull": True}) | Q(**{f"{stretch}__ended_at__gt": moment})),
    )


@dataclass
class Actuals:
    """A period's counted KPIs: {(person id, code): n} and {(team id, code): n}. The NPS is
    kept as its three counts (`nps_promoters`, `nps_detractors`, `nps_answers`)."""

    people: dict[tuple[int, str], int] = field(default_factory=lambda: defaultdict(int))
    teams: dict[tuple[int, str], int] = field(default_factory=lambda: defaultdict(int))

    def of(self, target) -> int | None:
        """The actual of `target`: its hand-entered figure, or the counted one (None for an NPS
        without answers)."""
        if target.is_manual:
            return target.manual_actual
        if target.team_id:
            return self.figure(self.teams, target.team_id, target.kpi)
        return self.figure(self.people, target.user_id, target.kpi)

    @staticmethod
    def figure(found: dict[tuple[int, str], int], holder: int, code: str) -> int | None:
        """One holder's figure of KPI `code` in `found` (`people` or `teams`)."""
        if code == NPS:
            return nps(*(found.get((holder, part), 0) for part in _NPS_PARTS))
        if code == "revenue_kept":
            return rupiah_from_hundredths(found.get((holder, code), 0))
        return found.get((holder, code), 0)


def _hundredths_kept():
    # What an accepted offer keeps: its net price over the discounted months, in hundredths of
    # a rupiah (summed exactly, rounded once as the offers' summary does). The offer's event
    # carries its price, discount and months.
    def number(key: str):
        return Cast(KT(f"data__{key}"), BigIntegerField())

    return number("monthly_price") * (100 - number("discount_percent")) * number("months")


def _figures(source: str, codes: set[str]) -> dict[str, Any]:
    """The aggregates of one timeline pass, for the KPIs of `codes` it reads."""
    figures: dict[str, Any] = {}
    for kpi in COUNTED:
        if kpi.source != source or kpi.code not in codes:
            continue
        if kpi.code == NPS:
            figures |= {
                part: Count("id", filter=condition) for part, condition in _NPS_PARTS.items()
            }
        elif kpi.code == "revenue_kept":
            figures[kpi.code] = Sum(_hundredths_kept(), filter=kpi.condition)
        else:
            figures[kpi.code] = Count("id", filter=kpi.condition)
    return figures


def _grouped(rows: QuerySet, person: str, moment: Any, figures: dict[str, Any]) -> QuerySet:
    """`rows` grouped by `person` and their membership stretch covering `moment` (with the
    stretch's team and the person's current team), with `figures` per group."""
    return (
        rows.order_by()
        .alias(covering=covering(person, moment))
        .values(
            person_id=F(person),
            stretch=F("covering__id"),
            stretch_team=F("covering__team_id"),
            current_team=F(f"{person}__team_id"),
        )
        .annotate(**figures)
    )


# Who has any membership stretch, asked once per group after grouping: a person without one
# counts for their current team, one whose stretches do not cover the moment for no team.
# Asked per event inside the GROUP BY, it cost a subquery per event.
_WITH_MOVED = """
SELECT g.*, EXISTS (SELECT 1 FROM {membership} AS m WHERE m.user_id = g.person_id) AS moved
FROM ({grouped}) AS g
"""
_GROUP_KEYS = ("person_id", "stretch", "stretch_team", "current_team", "moved")


def _read(rows: QuerySet) -> list[tuple[int, int | None, dict[str, Any]]]:
    """(person, team at the time, figures) of each group of a grouped pass, in one query."""
    membership = apps.get_model("cadence", "TeamMembership")._meta.db_table
    grouped, params = rows.query.sql_with_params()
    sql = _WITH_MOVED.format(membership=connection.ops.quote_name(membership), grouped=grouped)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        found = []
        for values in cursor.fetchall():
            row = dict(zip(names, values, strict=True))
            if row["stretch"] is not None:
                team = row["stretch_team"]
            else:
                team = None if row["moved"] else row["current_team"]
            # PostgreSQL sums bigints as numeric: whole numbers all the same.
            figures = {
                name: int(value or 0) for name, value in row.items() if name not in _GROUP_KEYS
            }
            found.append((row["person_id"], team, figures))
    return found


def _passes(start, end, codes: set[str]) -> list[QuerySet]:
    """One grouped query per source the KPIs of `codes` read."""
    sources = {BY_CODE[code].source for code in codes if code in BY_CODE}
    passes = []
    in_period = Q(occurred_at__gte=start, occurred_at__lt=end)
    if ACTOR in sources:
        events = TimelineEvent.objects.filter(
            in_period, kind__in=_KINDS[ACTOR], actor__isnull=False
        )
        passes.append(_grouped(events, "actor", None, _figures(ACTOR, codes)))
    if OWNER in sources:
        events = TimelineEvent.objects.filter(
            in_period,
            kind__in=_KINDS[OWNER],
            customer__owner__isnull=False,
            customer__deleted_at__isnull=True,
        )
        passes.append(_grouped(events, "customer__owner", None, _figures(OWNER, codes)))
    if ONBOARDING in sources:
        change = StageChange.objects
        went_live = change.filter(
            to_stage__is_final=True, changed_at__gte=start, changed_at__lt=end
        ).exclude(changed_by=None)
        # Counted once: the first time the customer reached a final stage, not a move back.
        earlier = change.filter(onboarding=OuterRef("onboarding"), to_stage__is_final=True).filter(
            Q(changed_at__lt=OuterRef("changed_at"))
            | Q(changed_at=OuterRef("changed_at"), pk__lt=OuterRef("pk"))
        )
        passes.append(
            _grouped(
                went_live.filter(~Exists(earlier)),
                "changed_by",
                F("changed_at"),
                {"onboarded_live": Count("pk")},
            )
        )
    if GMV in sources:
        months = CustomerMonthlyMetric.objects.filter(
            month__gte=timezone.localtime(start).date(),
            month__lt=timezone.localtime(end).date(),
            customer__owner__isnull=False,
            customer__deleted_at__isnull=True,
        )
        # The team of the owner at the period's end (or now, for the month under way).
        moment = min(end, timezone.now()) - datetime.timedelta(microseconds=1)
        passes.append(_grouped(months, "customer__owner", moment, {"gmv_owned": Sum("gmv")}))
    return passes


def actuals(
    start: datetime.datetime,
    end: datetime.datetime,
    *,
    people=None,
    codes: Iterable[str] | None = None,
) -> Actuals:
    """The counted KPIs from `start` (included) to `end` (excluded), per person and per team:
    one query per source that the KPIs of `codes` (every KPI by default) read. `people` (ids)
    limits it to those people's figures."""
    wanted = {kpi.code for kpi in COUNTED} if codes is None else set(codes)
    result = Actuals()
    for rows in _passes(start, end, wanted):
        if people is not None:
            rows = rows.filter(person_id__in=people)
        for person, team, figures in _read(rows):
            for name, count in figures.items():
                if not count:
                    continue
                result.people[person, name] += count
                if team is not None:
                    result.teams[team, name] += count
    return result


def codes_of(targets) -> set[str]:
    """The KPIs `targets` count: what their actuals need to read."""
    return {target.kpi for target in targets if not target.is_manual}


def progress(targets, found: Actuals) -> list[dict]:
    """Each target with its actual and the percentage reached (from 0 to 100 for the bar)."""
    rows = []
    for target in targets:
        actual = found.of(target)
        percent = round(100 * (actual or 0) / target.value) if target.value else 0
        rows.append(
            {
                "target": target,
                "actual": actual,
                "percent": percent,
                "bar": max(0, min(percent, 100)),
            }
        )
    return rows
