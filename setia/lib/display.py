"""Values shown to a reader in the active language: dates, moments, numbers, rupiah.

What the app generates (timeline entries, trigger reasons, import summaries, the figures of a
playbook run) is stored as data — ISO dates, numbers, choice values — and turned into text when
read, with these, so it reads in the reader's language whoever wrote it.
"""

import datetime
import re
from decimal import Decimal

from django.utils import formats, timezone

from setia.lib.money import format_rupiah

__all__ = ["format_date", "format_moment", "format_number", "format_rupiah", "format_stored"]

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_MOMENT = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?$"
)


def format_date(value: datetime.date | str) -> str:
    """A day (or its ISO text) as the reader writes it: `5 April 2026`. A moment gives its day
    in the team's time zone."""
    if isinstance(value, str):
        value = (
            datetime.date.fromisoformat(value)
            if _ISO_DATE.match(value)
            else datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        )
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value).date()
    return formats.date_format(value, "DATE_FORMAT")


def format_moment(value: datetime.datetime | str) -> str:
    """A moment (or its ISO text) in the team's time zone: `5 April 2026 14.30`."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "DATETIME_FORMAT")


def format_number(value: int | float | Decimal | str, places: int | None = None) -> str:
    """A number grouped and with the reader's decimal separator: `20.000` / `20,000`,
    `-12,5` / `-12.5`. `places` fixes the decimals (whole numbers show none by default)."""
    if isinstance(value, str):
        value = Decimal(value)
    if places is None and isinstance(value, float) and value.is_integer():
        value = int(value)
    return formats.number_format(value, places, force_grouping=True)


def format_stored(text) -> str:
    """A value kept as text in the history (a snapshot) as the reader writes it when it is an
    ISO date or moment; any other text unchanged (a number may be a postcode: the caller, who
    knows the field, formats numbers)."""
    if not isinstance(text, str):
        return str(text)
    try:
        if _ISO_DATE.match(text):
            return format_date(text)
        if _ISO_MOMENT.match(text):
            return format_moment(text)
    except ValueError:
        pass
    return text
