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
from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    Count,
    Exists,
    F,
    FilteredRelation,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from setia.history.models import EventKind, TimelineEvent
from setia.lib.dates import add_months
from setia.lib.money import rupiah_from_hundredths
from setia.metrics.models import CustomerMonthlyMetric
from setia.surveys.reports import nps
from setia.work.automation.reasons import RUN_COMPLETED
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
    Kpi(
        "playbooks_completed",
        _("Playbooks completed"),
        condition=_of_kind(EventKind.TASK, run_action=RUN_COMPLETED),
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


def _grouped(
    rows: QuerySet, person: str, moment: Any, figures: dict[str, Any], day: Any = None
) -> QuerySet:
    """`rows` grouped by `person` and their membership stretch covering `moment` (with the
    stretch's team and the person's current team), and by `day` if given, with `figures` per
    group."""
    keys = {
        "holder": F(person),
        "stretch": F("covering__id"),
        "stretch_team": F("covering__team_id"),
        "current_team": F(f"{person}__team_id"),
    }
    if day is not None:
        keys["day"] = day
    return (
        rows.order_by().alias(covering=covering(person, moment)).values(**keys).annotate(**figures)
    )


# The team a group counts for: its stretch's; for a person with no stretch at all, their
# current team; for one whose stretches do not cover the moment, none. Whether a person has any
# stretch is asked once per group, after grouping: asked per event inside the GROUP BY, it cost
# a subquery per event.
_RESOLVED = """
SELECT g.*, CASE WHEN g.stretch IS NOT NULL THEN g.stretch_team
    WHEN EXISTS (SELECT 1 FROM {membership} AS m WHERE m.user_id = g.holder) THEN NULL
    ELSE g.current_team END AS team
FROM ({grouped}) AS g
"""
_GROUP_KEYS = ("holder", "stretch", "stretch_team", "current_team", "team", "day")


def _resolved(rows: QuerySet) -> tuple[str, tuple]:
    """The SQL of a grouped pass with each group's team, and its parameters."""
    membership = apps.get_model("cadence", "TeamMembership")._meta.db_table
    grouped, params = rows.query.sql_with_params()
    sql = _RESOLVED.format(membership=connection.ops.quote_name(membership), grouped=grouped)
    return sql, params


def _figure_names(rows: QuerySet) -> list[str]:
    return [name for name in rows.query.annotation_select if name not in _GROUP_KEYS]


def _read(rows: QuerySet) -> list[tuple[int, int | None, dict[str, Any]]]:
    """(person, team at the time, figures) of each group of a grouped pass, in one query."""
    sql, params = _resolved(rows)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        found = []
        for values in cursor.fetchall():
            row = dict(zip(names, values, strict=True))
            # PostgreSQL sums bigints as numeric: whole numbers all the same.
            figures = {
                name: int(value or 0) for name, value in row.items() if name not in _GROUP_KEYS
            }
            found.append((row["holder"], row["team"], figures))
    return found


_EVERY = Q()


def _passes(
    start,
    end,
    codes: set[str],
    *,
    events: Q = _EVERY,
    changes: Q = _EVERY,
    gmv: tuple | None = None,
    daily: bool = False,
) -> list[QuerySet]:
    """One grouped query per source the KPIs of `codes` read: the events from `start` to `end`
    (None: no end) that match `events`, the stage changes that match `changes`, and, when `gmv`
    is (first moment, end, the moment whose team counts), the months of owned GMV in that range.
    `daily` adds each row's day to its group (building the rollup)."""
    sources = {BY_CODE[code].source for code in codes if code in BY_CODE}
    passes = []
    in_period = Q(occurred_at__gte=start)
    if end is not None:
        in_period &= Q(occurred_at__lt=end)
    zone = timezone.get_current_timezone()

    def day(moment: str) -> Any:
        return TruncDate(moment, tzinfo=zone) if daily else None

    if ACTOR in sources:
        rows = TimelineEvent.objects.filter(
            in_period, events, kind__in=_KINDS[ACTOR], actor__isnull=False
        )
        passes.append(_grouped(rows, "actor", None, _figures(ACTOR, codes), day("occurred_at")))
    if OWNER in sources:
        rows = TimelineEvent.objects.filter(
            in_period,
            events,
            kind__in=_KINDS[OWNER],
            customer__owner__isnull=False,
            customer__deleted_at__isnull=True,
        )
        passes.append(
            _grouped(rows, "customer__owner", None, _figures(OWNER, codes), day("occurred_at"))
        )
    if ONBOARDING in sources:
        change = StageChange.objects
        went_live = change.filter(changes, to_stage__is_final=True, changed_at__gte=start).exclude(
            changed_by=None
        )
        if end is not None:
            went_live = went_live.filter(changed_at__lt=end)
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
                day("changed_at"),
            )
        )
    if GMV in sources and gmv is not None:
        first, until, moment = gmv
        passes.append(_grouped(_owned_months(first, until), "customer__owner", moment, _GMV_SUM))
    return passes


_GMV_SUM = {"gmv_owned": Sum("gmv")}


def _owned_months(first, until) -> QuerySet:
    """The monthly GMV rollups of owned, live customers for the months starting from `first`
    up to `until` (None: no end)."""
    months = CustomerMonthlyMetric.objects.filter(
        month__gte=timezone.localtime(first).date(),
        customer__owner__isnull=False,
        customer__deleted_at__isnull=True,
    )
    if until is not None:
        months = months.filter(month__lt=timezone.localtime(until).date())
    return months


@dataclass(frozen=True)
class _Segment:
    """The days one rollup build holds (from `start` to `end`, None: no end) and the last event
    and stage change it counted."""

    start: datetime.datetime
    end: datetime.datetime | None
    events_upto: int
    changes_upto: int

    def overlaps(self, start, end) -> bool:
        return self.start < end and (self.end is None or self.end > start)

    def later(self, moment: str, upto: int) -> Q:
        """Rows of these days that came after the build: counted live."""
        condition = Q(**{f"{moment}__gte": self.start, "pk__gt": upto})
        if self.end is not None:
            condition &= Q(**{f"{moment}__lt": self.end})
        return condition


def _is_midnight(moment: datetime.datetime) -> bool:
    return timezone.localtime(moment).time() == datetime.time()


def builds() -> list:
    """The rollup's builds, oldest first: what `actuals` reads; one query, shared by a page that
    counts several periods."""
    return list(apps.get_model("cadence", "KpiRollup").objects.order_by("since"))


def _segments(start, end, found: list | None) -> list[_Segment]:
    """The rollup builds (`found`, or read now) covering part of a period of whole days; none
    for another period (counted live whole)."""
    if not (_is_midnight(start) and _is_midnight(end)):
        return []
    found = builds() if found is None else found
    moments = [month_bounds(build.since)[0] for build in found]
    segments = [
        _Segment(
            moment,
            moments[n + 1] if n + 1 < len(moments) else None,
            build.events_upto,
            build.changes_upto,
        )
        for n, (moment, build) in enumerate(zip(moments, found, strict=True))
    ]
    return [segment for segment in segments if segment.overlaps(start, end)]


def _live(segments: list[_Segment], moment: str, upto: str) -> Q:
    """The rows of a period the rollup does not hold: those before its first day, and those of
    each build's days that came after it."""
    first = segments[0]
    condition = Q(**{f"{moment}__lt": first.start})
    for segment in segments:
        condition |= segment.later(moment, getattr(segment, upto))
    return condition


def _rolled(first_day, end_day, codes: set[str], people, moment) -> list[tuple]:
    """(person, team, figures) of the rollup's days from `first_day` to `end_day` (excluded):
    one query, and one more for the owned GMV (whose team is the owner's at `moment`)."""
    KpiDay = apps.get_model("cadence", "KpiDay")
    days = KpiDay.objects.filter(day__gte=first_day, day__lt=end_day).order_by()
    if people is not None:
        days = days.filter(person__in=people)
    names: set[str] = set()
    for code in codes - {"gmv_owned"}:
        names |= set(_NPS_PARTS) if code == NPS else {code}
    found = []
    if names:
        rows = days.filter(figure__in=names).values_list("person_id", "team_id", "figure")
        for person, team, figure, value in rows.annotate(Sum("value")):
            found.append((person, team, {figure: int(value)}))
    if "gmv_owned" in codes:
        gmv = days.filter(figure="gmv_owned")
        found += _read(_grouped(gmv, "person", moment, {"gmv_owned": Sum("value")}))
    return found


def actuals(
    start: datetime.datetime,
    end: datetime.datetime,
    *,
    people=None,
    codes: Iterable[str] | None = None,
    rollup: list | None = None,
) -> Actuals:
    """The counted KPIs from `start` (included) to `end` (excluded), per person and per team.
    The days the rollup holds (`build_rollup`) are read from it, and what came after its build
    is counted live: one query per source the KPIs of `codes` (every KPI by default) read, plus
    the rollup's (`rollup`: its `builds()` when already read). `people` (ids) limits it to those
    people's figures."""
    wanted = {kpi.code for kpi in COUNTED} if codes is None else set(codes)
    result = Actuals()
    if not wanted:
        return result
    # The owner's team for the owned GMV: at the period's end, or now for the month under way.
    moment = min(end, timezone.now()) - datetime.timedelta(microseconds=1)
    segments = _segments(start, end, rollup)
    if segments:
        rolled_from = max(start, segments[0].start)
        found = _rolled(
            timezone.localtime(rolled_from).date(),
            timezone.localtime(end).date(),
            wanted,
            people,
            moment,
        )
        events = _live(segments, "occurred_at", "events_upto")
        changes = _live(segments, "changed_at", "changes_upto")
        if start >= segments[0].start:
            # Only rows newer than the oldest build: the primary key's range, a few rows.
            events &= Q(pk__gt=segments[0].events_upto)
            changes &= Q(pk__gt=segments[0].changes_upto)
        gmv = (start, rolled_from, moment) if start < rolled_from else None
        passes = _passes(start, end, wanted, events=events, changes=changes, gmv=gmv)
    else:
        found = []
        passes = _passes(start, end, wanted, gmv=(start, end, moment))
    for rows in passes:
        if people is not None:
            rows = rows.filter(holder__in=people)
        found += _read(rows)
    for person, team, figures in found:
        for name, count in figures.items():
            if not count:
                continue
            result.people[person, name] += count
            if team is not None:
                result.teams[team, name] += count
    return result


# Each figure column of a grouped pass becomes a row of the rollup.
_INSERT = """
WITH r AS ({resolved})
INSERT INTO {table} (day, person_id, team_id, figure, value)
{selects}
"""


def _insert(rows: QuerySet, team: bool = True) -> None:
    """Write a daily grouped pass into the rollup (the team empty when not `team`)."""
    table = apps.get_model("cadence", "KpiDay")._meta.db_table
    quote = connection.ops.quote_name
    if team:
        resolved, params = _resolved(rows)
    else:
        resolved, params = rows.query.sql_with_params()
    names = _figure_names(rows)
    selects = " UNION ALL ".join(
        f"SELECT r.day, r.holder, {'r.team' if team else 'NULL'}, %s, r.{quote(name)} "
        f"FROM r WHERE r.{quote(name)} <> 0"
        for name in names
    )
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT.format(resolved=resolved, table=quote(table), selects=selects),
            (*params, *names),
        )


_ROLLUP_LOCK = 0x4B504953


def build_rollup(since: datetime.date) -> int:
    """Count every KPI per person, team and day from the month of `since` on into the rollup
    (`KpiDay`), replacing what an earlier build held for those months: one INSERT ... SELECT
    per source, in one transaction. Events and stage changes recorded later are counted live
    until the next build; edits to counted ones (a message marked failed, a customer handed
    over, a GMV recomputed) show at the next build. Returns the rows written."""
    KpiDay = apps.get_model("cadence", "KpiDay")
    KpiRollup = apps.get_model("cadence", "KpiRollup")
    since = since.replace(day=1)
    start = month_bounds(since)[0]
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Two builds at once (the nightly one and the ten-minute one) would each keep the
            # rows the other wrote: one at a time. SQLite writes one transaction at a time.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ROLLUP_LOCK])
        events_upto = TimelineEvent.objects.aggregate(upto=Max("pk"))["upto"] or 0
        changes_upto = StageChange.objects.aggregate(upto=Max("pk"))["upto"] or 0
        KpiDay.objects.filter(day__gte=since).delete()
        KpiRollup.objects.filter(since__gte=since).delete()
        codes = {kpi.code for kpi in COUNTED}
        for rows in _passes(
            start,
            None,
            codes,
            events=Q(pk__lte=events_upto),
            changes=Q(pk__lte=changes_upto),
            daily=True,
        ):
            _insert(rows)
        months = _owned_months(start, None).values(holder=F("customer__owner"), day=F("month"))
        _insert(months.order_by().annotate(**_GMV_SUM), team=False)
        KpiRollup.objects.create(
            since=since,
            events_upto=events_upto,
            changes_upto=changes_upto,
            built_at=timezone.now(),
        )
    # SQLite does not count the rows an INSERT with a WITH clause writes.
    return KpiDay.objects.filter(day__gte=since).count()


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
