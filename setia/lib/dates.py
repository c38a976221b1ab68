"""Dates as Indonesian teams write them: day first, Indonesian or English month names."""

import calendar
import re
from datetime import date, datetime
from typing import TypeVar

from django.utils import timezone

_MONTHS = {
    "januari": 1, "jan": 1, "january": 1,
    "februari": 2, "feb": 2, "pebruari": 2, "february": 2,
    "maret": 3, "mar": 3, "march": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "agustus": 8, "agu": 8, "agt": 8, "agus": 8, "aug": 8, "august": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "oct": 10, "october": 10,
    "november": 11, "nov": 11, "nop": 11, "nopember": 11,
    "desember": 12, "des": 12, "dec": 12, "december": 12,
}  # fmt: skip
_NUMERIC = re.compile(r"^(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$", re.ASCII)
# Months a page may be asked for: wide enough for any real record, narrow enough that the
# month before and after, and their days in any time zone, are still dates.
MONTH_YEARS = (2000, 2100)
_WORDS = re.compile(r"^(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{4})$")


def parse_date(text: str) -> date:
    """Parse `2024-04-05`, `05/04/2024` (5 April, never US order), `5-4-24`, `17 Agustus 2024`,
    `17 Agu 2024` or `17 August 2024`. Raises ValueError on anything else or an impossible date.
    """
    value = " ".join((text or "").strip().split())
    if match := _ISO.match(value):
        year, month, day = (int(part) for part in match.groups())
    elif match := _NUMERIC.match(value):
        day, month, year = (int(part) for part in match.groups())
        if year < 100:
            year += 2000
    elif match := _WORDS.match(value):
        day, year = int(match.group(1)), int(match.group(3))
        if (month_number := _MONTHS.get(match.group(2).lower())) is None:
            raise ValueError(f"unknown month in {text!r}")
        month = month_number
    else:
        raise ValueError(f"not a date: {text!r}")
    return date(year, month, day)


# A date or a datetime: the month arithmetic gives back what it was given.
_Day = TypeVar("_Day", date, datetime)


def today() -> date:
    """Today in the team's time zone (Asia/Jakarta by default), not in UTC."""
    return timezone.localdate()


def now() -> datetime:
    """The current aware time; the one clock tests freeze."""
    return timezone.now()


def add_months(day: _Day, months: int) -> _Day:
    """`day` plus `months` calendar months (minus, when negative); a day past the new month's end
    becomes its last day (31 January + 1 month = 28 or 29 February).

    A date gives a date and a naive datetime a naive datetime. An aware datetime moves in the
    current time zone's calendar, keeping its local time of day: a task due on the 31st at
    06:30 in Jakarta repeats at 06:30 on the last day of a shorter month, not at a UTC date.
    """
    if isinstance(day, datetime) and timezone.is_aware(day):
        local = timezone.localtime(day).replace(tzinfo=None)
        return timezone.make_aware(add_months(local, months))
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, _days_in(year, month)))


def month_start(day: date, months: int = 0) -> date:
    """The first day of the month `months` after `day`'s month (before it, when negative)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def parse_month(text: str) -> date:
    """The first day of the month written `2026-11`; ValueError for any other text or a year
    outside MONTH_YEARS."""
    match = _MONTH.match(text.strip())
    if not match:
        raise ValueError(f"not a month: {text!r}")
    year, month = int(match.group(1)), int(match.group(2))
    if not (MONTH_YEARS[0] <= year <= MONTH_YEARS[1] and 1 <= month <= 12):
        raise ValueError(f"month out of range: {text!r}")
    return date(year, month, 1)


def month_end(day: date) -> date:
    """The last day of `day`'s month."""
    return date(day.year, day.month, _days_in(day.year, day.month))


def _days_in(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]
