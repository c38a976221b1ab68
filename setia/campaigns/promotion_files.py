"""Promotions read from a CSV or XLSX file: the columns recognised by their English or
Indonesian headers, each row's values checked, with row errors in the reader's language.

The file is read by `setia.lib.reading` (the customer imports' safe reading: encoding and
delimiter sniffed, size and zip limits, formulas as text); a cell a spreadsheet of ours
neutralised (`'=…`) is read back as typed. Merchants and campaigns are looked up by
`actions.import_promotions`, set-based, after every row is read.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from setia.lib.dates import parse_date
from setia.lib.reading import FileError, Table
from setia.lib.spreadsheets import unneutralise

# The most rows one file may hold: a week's promotions are tens, a season's a few hundred.
MAX_ROWS = 5000

# Field → the headers that name it (compared lower-case, without accents or punctuation).
HEADERS = {
    "merchant": ("merchant", "toko", "nama toko", "store", "customer", "pelanggan", "kode"),
    "name": ("promotion", "promo", "nama promo", "promotion name", "name", "nama"),
    "starts_on": ("starts on", "start", "mulai", "tanggal mulai", "dari"),
    "ends_on": ("ends on", "end", "selesai", "tanggal selesai", "sampai"),
    "discount": ("discount", "diskon", "potongan"),
    "link": ("link", "tautan", "url"),
    "campaign": ("campaign", "kampanye"),
}
REQUIRED = ("merchant", "name", "starts_on", "ends_on", "discount", "link")
_LIMITS = {"merchant": 200, "name": 200, "discount": 100, "link": 500, "campaign": 200}


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


_LOOKUP = {_key(header): field for field, headers in HEADERS.items() for header in headers}


def labels() -> dict[str, str]:
    """Each field's name as the row errors and the page show it."""
    return {
        "merchant": _("Merchant"),
        "name": _("Promotion"),
        "starts_on": _("Starts on"),
        "ends_on": _("Ends on"),
        "discount": _("Discount"),
        "link": _("Link"),
        "campaign": _("Campaign"),
    }


@dataclass(frozen=True)
class RowError:
    row: int  # the spreadsheet's row number
    column: str  # a label of `labels()`
    message: str


@dataclass
class PromotionRow:
    """One row's checked values; the merchant and campaign still as typed."""

    row: int
    merchant: str
    name: str
    starts_on: datetime.date
    ends_on: datetime.date
    discount: str
    link: str
    campaign: str

    @property
    def merchant_code(self) -> uuid.UUID | None:
        try:
            return uuid.UUID(self.merchant)
        except ValueError:
            return None


def columns(header: list[str]) -> dict[str, int]:
    """{field: column index} of the recognised headers, the first of each; FileError naming
    the required columns the file lacks."""
    found: dict[str, int] = {}
    for index, text in enumerate(header):
        field = _LOOKUP.get(_key(text))
        if field and field not in found:
            found[field] = index
    names = labels()
    missing = [names[field] for field in REQUIRED if field not in found]
    if missing:
        raise FileError(
            _("The file has no column for: %(columns)s. Check the header row.")
            % {"columns": ", ".join(missing)}
        )
    return found


_VALIDATE_URL = URLValidator()


def _link(text: str) -> str:
    """The link as the form takes it: `https://` added when no scheme is typed."""
    link = text if "://" in text else f"https://{text}"
    _VALIDATE_URL(link)
    return link


def read_rows(table: Table) -> tuple[list[PromotionRow], list[RowError]]:
    """Each row's checked values, and the errors of the rows that have any (none of whose
    values are returned)."""
    found = columns(table.header)
    if len(table.rows) > MAX_ROWS:
        raise FileError(
            _("The file has more than %(count)s rows: split it into several files.")
            % {"count": MAX_ROWS}
        )
    names = labels()
    rows: list[PromotionRow] = []
    errors: list[RowError] = []
    for number, cells in table.rows:
        values = {
            field: " ".join(unneutralise(cells[index]).split()) if index < len(cells) else ""
            for field, index in found.items()
        }
        values.setdefault("campaign", "")
        problems: list[RowError] = []
        for field in REQUIRED:
            if not values[field]:
                problems.append(RowError(number, names[field], _("This field is required.")))
        for field, limit in _LIMITS.items():
            if len(values[field]) > limit:
                problems.append(
                    RowError(
                        number,
                        names[field],
                        _("At most %(count)s characters.") % {"count": limit},
                    )
                )
        dates = {}
        for field in ("starts_on", "ends_on"):
            if values[field]:
                try:
                    dates[field] = parse_date(values[field])
                except ValueError:
                    problems.append(
                        RowError(
                            number,
                            names[field],
                            _("“%(value)s” is not a date; write it as 2026-12-07 or 7/12/2026.")
                            % {"value": values[field]},
                        )
                    )
        if len(dates) == 2 and dates["ends_on"] < dates["starts_on"]:
            problems.append(
                RowError(number, names["ends_on"], _("The end cannot be before the start."))
            )
        link = ""
        if values["link"]:
            try:
                link = _link(values["link"])
            except ValidationError:
                problems.append(RowError(number, names["link"], _("Enter a valid URL.")))
        if problems:
            errors.extend(problems)
            continue
        rows.append(
            PromotionRow(
                row=number,
                merchant=values["merchant"],
                name=values["name"],
                starts_on=dates["starts_on"],
                ends_on=dates["ends_on"],
                discount=values["discount"],
                link=link,
                campaign=values["campaign"],
            )
        )
    return rows, errors
