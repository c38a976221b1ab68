"""The weekly update of a team or a person: each target of the week's month with the week's
actual, the week before's, the month to date and a forecast to the month's end; the week's
tier moves, accepted retention offers (saves) and lost customers; the blockers written in the
week's checkpoints. The page, its PDF and XLSX and the Monday e-mail all read `weekly_update`.

A fixed number of queries whatever the size of the history: the actuals of three periods
(`kpis.actuals`, a GROUP BY per source the targets' KPIs read), the targets, the tier moves and the lost customers (each counted, then the
first few) and the blockers.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from setia.cadence import kpis
from setia.cadence.models import Checkpoint, Target
from setia.history.models import AuditEntry
from setia.lib import charts
from setia.lib.dates import add_months
from setia.tiers.models import TierChange

# Tier moves and blockers listed; the counts cover every one.
SHOWN = 20


@dataclass(frozen=True)
class KpiWeek:
    target: Target
    week: int | None
    previous: int | None
    month_to_date: int | None
    forecast: int | None

    @property
    def percent(self) -> int:
        """How much of the target the month to date reached."""
        return (
            round(100 * (self.month_to_date or 0) / self.target.value) if self.target.value else 0
        )

    @property
    def bar(self) -> int:
        return max(0, min(self.percent, 100))

    @property
    def change(self) -> int | None:
        """The week's actual less the week before's."""
        if self.week is None or self.previous is None:
            return None
        return self.week - self.previous


def _moment(day: datetime.date) -> datetime.datetime:
    """The first moment of `day` in the team's time zone."""
    return datetime.datetime.combine(day, datetime.time(), tzinfo=timezone.get_current_timezone())


def week_label(monday: datetime.date) -> str:
    """`2026-W47`: the ISO week starting `monday`."""
    year, week, _weekday = monday.isocalendar()
    return f"{year}-W{week:02d}"


def last_full_week(day: datetime.date) -> datetime.date:
    """The Monday of the last week that ended before `day`: what Monday's e-mail reports."""
    return day - datetime.timedelta(days=day.weekday() + 7)


# A customer is lost when its status becomes churned or its subscription is deleted: both
# leave an audit entry, read by the audit's time index over the week.
_LOST = Q(
    object_type="customers.customer",
    action=AuditEntry.Action.UPDATE,
    changes__status__1="churned",
) | Q(object_type="customers.subscription", action=AuditEntry.Action.DELETE)


def lost_customers(*, start: datetime.date, end: datetime.date, owned: Q):
    """Audit entries of customers lost from `start` to `end` (excluded), `owned` being a
    condition on the entry's customer (`customer__team=…`)."""
    return AuditEntry.objects.filter(
        _LOST, owned, created_at__gte=_moment(start), created_at__lt=_moment(end)
    )


def week_month(monday: datetime.date) -> datetime.date:
    """The month a week reports on: the one of its Thursday (as ISO weeks belong to years)."""
    return (monday + datetime.timedelta(days=3)).replace(day=1)


def weekly_update(*, monday: datetime.date, team=None, person=None) -> dict:
    """The figures of the week starting `monday` for `team` or `person` (one of them)."""
    month = week_month(monday)
    month_end = add_months(month, 1)
    week_end = monday + datetime.timedelta(days=7)
    reported_end = min(week_end, month_end)
    people = [person.pk] if person is not None else None
    holder = Q(team=team) if team is not None else Q(user=person)
    targets = list(Target.objects.of_month(month).filter(holder).select_related("team", "user"))
    # A monthly KPI has no week's figure; the week's saves are its accepted offers, whatever
    # the targets.
    weeks = {code for code in kpis.codes_of(targets) if not kpis.BY_CODE[code].monthly}
    rollup = kpis.builds()
    this_week = kpis.actuals(
        _moment(monday),
        _moment(week_end),
        people=people,
        codes=weeks | {"offers_accepted"},
        rollup=rollup,
    )
    last_week = kpis.actuals(
        _moment(monday - datetime.timedelta(days=7)),
        _moment(monday),
        people=people,
        codes=weeks,
        rollup=rollup,
    )
    to_date = kpis.actuals(
        _moment(month),
        _moment(reported_end),
        people=people,
        codes=kpis.codes_of(targets),
        rollup=rollup,
    )
    elapsed = (reported_end - month).days
    days_in_month = (month_end - month).days

    rows = []
    for target in targets:
        mtd = to_date.of(target)
        kpi = kpis.BY_CODE[target.kpi]
        # A count grows with the days; a score, a monthly rollup or a figure typed in by hand
        # is its own forecast.
        forecast = mtd
        if mtd is not None and kpi.additive and not (kpi.is_manual or kpi.monthly) and elapsed:
            forecast = round(mtd * days_in_month / elapsed)
        weekly = not (kpi.is_manual or kpi.monthly)
        rows.append(
            KpiWeek(
                target=target,
                week=this_week.of(target) if weekly else None,
                previous=last_week.of(target) if weekly else None,
                month_to_date=mtd,
                forecast=forecast,
            )
        )

    owned = Q(customer__team=team) if team is not None else Q(customer__owner=person)
    moves = TierChange.objects.filter(owned, changed_on__gte=monday, changed_on__lt=week_end)
    counted = moves.order_by().aggregate(
        up=Count("id", filter=Q(direction=TierChange.Direction.UP)),
        down=Count("id", filter=Q(direction=TierChange.Direction.DOWN)),
    )
    written_by = Q(user__team=team) if team is not None else Q(user=person)
    blockers = (
        Checkpoint.objects.filter(written_by, day__gte=monday, day__lt=week_end)
        .exclude(blockers="")
        .select_related("user")
        .order_by("day", "user__full_name", "id")
    )
    lost = lost_customers(start=monday, end=week_end, owned=owned)
    saves = (
        this_week.teams.get((team.pk, "offers_accepted"), 0)
        if team is not None
        else this_week.people.get((person.pk, "offers_accepted"), 0)
    )
    return {
        "month": month,
        "week_end": week_end - datetime.timedelta(days=1),
        "rows": rows,
        "moves": counted,
        "movers": list(
            moves.select_related("customer", "old_tier", "new_tier").order_by("-changed_on", "-id")[
                :SHOWN
            ]
        ),
        "saves": saves,
        "lost_count": lost.order_by().aggregate(n=Count("customer_id", distinct=True))["n"],
        "lost": list(lost.select_related("customer").order_by("-created_at", "-id")[:SHOWN]),
        "blockers": list(blockers[:SHOWN]),
        "shown": SHOWN,
    }


def week_chart(rows):
    """The week against the week before, per counted KPI (a pygal chart, or None)."""
    counted = [row for row in rows if row.week is not None]
    if not counted:
        return None
    chart = charts.bar_chart(
        colours=[charts.MUTED, charts.BRAND], rupiah=False, title=_("Week over week")
    )
    chart.x_labels = [row.target.display_name for row in counted]
    chart.add(_("Week before"), [row.previous or 0 for row in counted])
    chart.add(_("This week"), [row.week or 0 for row in counted])
    return chart


def month_chart(rows):
    """Target, month to date and forecast to the month's end per KPI (a pygal chart, or None)."""
    if not rows:
        return None
    chart = charts.bar_chart(
        colours=[charts.MUTED, charts.BRAND, "#f59e0b"],
        rupiah=False,
        title=_("Target, month to date and forecast"),
    )
    chart.x_labels = [row.target.display_name for row in rows]
    chart.add(_("Target"), [row.target.value for row in rows])
    chart.add(_("Month to date"), [row.month_to_date or 0 for row in rows])
    chart.add(_("Forecast"), [row.forecast or 0 for row in rows])
    return chart
