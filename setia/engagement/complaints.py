"""Complaints per release and product area per week, per 100 customers on the release.

- A complaint is a website issue, or an interaction whose outcome was "follow-up needed"
  (`InteractionQuerySet.complaints`), whether resolved since or not.
- Its release is the one it was logged with, else the product-wide release in effect on its
  day (`Release.objects.in_effect_on`): an untagged complaint still counts where it belongs.
- Its week starts on Monday, in the team's time zone.
- The customers on a release in a week are the customers whose subscription had started by
  the week's last day: a release of the store platform reaches every store on its date, so
  everyone running a store that week runs the release of that week.

The counts are one GROUP BY query over the complaints; the customers per week, one GROUP BY
query over the subscriptions' start weeks, summed up in order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, DateField, OuterRef, Subquery
from django.db.models.functions import Coalesce, TruncDate, TruncWeek
from django.utils import timezone

from setia.engagement.models import ProductArea, Release

PER = 100  # complaints per this many customers


@dataclass(frozen=True)
class Row:
    week: date  # its Monday
    release: Release | None
    area: str  # a ProductArea value, or "" when the complaint named none
    complaints: int
    customers: int

    @property
    def rate(self) -> float | None:
        """Complaints per PER customers, one decimal; None without customers."""
        return round(self.complaints * PER / self.customers, 1) if self.customers else None

    @property
    def area_label(self) -> str:
        return str(ProductArea(self.area).label) if self.area in ProductArea.values else ""


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weeks_between(start: date, end: date) -> list[date]:
    """The Mondays of the weeks from `start`'s to `end`'s."""
    first, last = monday(start), monday(end)
    return [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The moments from `start`'s Monday to the end of `end`'s Sunday, in the team's zone."""
    zone = timezone.get_current_timezone()
    first = datetime.combine(monday(start), time.min, zone)
    last = datetime.combine(monday(end) + timedelta(days=6), time.max, zone)
    return first, last


def complaint_counts(interactions, *, start: date, end: date, area: str = "") -> list[dict]:
    """Complaints among `interactions` in the weeks from `start` to `end`, per week, release
    and area: dicts with `week` (Monday), `release_id` (None before the first release),
    `area` and `complaints`; one query."""
    first, last = _bounds(start, end)
    in_effect = (
        Release.objects.filter(area="", released_on__lte=OuterRef("day"))
        .order_by("-released_on", "-id")
        .values("pk")[:1]
    )
    complaints = interactions.complaints().filter(occurred_at__range=(first, last))
    if area:
        complaints = complaints.filter(area=area)
    return list(
        complaints.annotate(day=TruncDate("occurred_at"))
        .annotate(
            week=TruncWeek("occurred_at", output_field=DateField()),
            release_key=Coalesce("release_id", Subquery(in_effect)),
        )
        .values("week", "release_key", "area")
        .annotate(complaints=Count("pk"))
        .order_by("week", "release_key", "area")
    )


def customers_per_week(customers, weeks: list[date]) -> dict[date, int]:
    """For each Monday in `weeks`, how many of `customers` had a subscription started by that
    week's Sunday; one query."""
    if not weeks:
        return {}
    last_day = weeks[-1] + timedelta(days=6)
    started = (
        customers.filter(subscription__started_on__lte=last_day)
        .annotate(week=TruncWeek("subscription__started_on", output_field=DateField()))
        .values("week")
        .annotate(count=Count("pk"))
        .order_by("week")
    )
    starts = [(row["week"], row["count"]) for row in started]
    counts, total, position = {}, 0, 0
    for week in weeks:
        while position < len(starts) and starts[position][0] <= week:
            total += starts[position][1]
            position += 1
        counts[week] = total
    return counts


def weekly_report(interactions, customers, *, start: date, end: date, area: str = "") -> list[Row]:
    """The report's rows, oldest week first: complaints among `interactions` and the number of
    `customers` on the release, per week, release and area (only where there are complaints)."""
    counts = complaint_counts(interactions, start=start, end=end, area=area)
    weeks = weeks_between(start, end)
    customers_by_week = customers_per_week(customers, weeks)
    releases = Release.objects.in_bulk({row["release_key"] for row in counts} - {None})
    return [
        Row(
            week=row["week"],
            release=releases.get(row["release_key"]),
            area=row["area"],
            complaints=row["complaints"],
            customers=customers_by_week.get(row["week"], 0),
        )
        for row in counts
    ]


def series(rows: list[Row], weeks: list[date]) -> dict[Release | None, list[float | None]]:
    """Complaints per PER customers for each release and week (all areas together): 0 in a week
    without complaints from the release's week on, None before it or without customers."""
    totals: dict[tuple[Release | None, date], int] = {}
    customers: dict[date, int] = {}
    for row in rows:
        totals[row.release, row.week] = totals.get((row.release, row.week), 0) + row.complaints
        customers[row.week] = row.customers
    lines: dict[Release | None, list[float | None]] = {}
    for release in sorted(
        {row.release for row in rows},
        key=lambda item: (item is not None, item.released_on if item else date.min),
    ):
        values: list[float | None] = []
        for week in weeks:
            count = totals.get((release, week), 0)
            started = release is None or week >= monday(release.released_on)
            if not started and not count:
                values.append(None)
            elif count and customers.get(week):
                values.append(round(count * PER / customers[week], 1))
            else:
                values.append(0.0 if started else None)
        lines[release] = values
    return lines
