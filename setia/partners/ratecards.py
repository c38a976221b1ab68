"""Courier rate cards: reading a price sheet into lanes (the columns couriers write, in English
or Indonesian), comparing two versions in SQL, and the export the technology team reads.

Files are read by `setia.lib.reading` (encoding, delimiter, size and zip limits, formulas as
text), like the customer imports; a cell's formula-neutralising `'` is stripped as there.
"""

import hashlib
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from setia.lib.money import parse_rupiah
from setia.lib.reading import FileError, Table
from setia.lib.spreadsheets import neutralise, unneutralise

# The headers couriers' sheets use, after `header_key` (lower case, no brackets or
# punctuation), for each field.
HEADERS = {
    "origin": {"asal", "origin", "kota asal", "asal kota", "dari", "from", "origin city"},
    "destination": {
        "tujuan",
        "destination",
        "kota tujuan",
        "tujuan kota",
        "ke",
        "to",
        "dest",
        "destination city",
    },
    "service": {"layanan", "service", "jenis layanan", "produk", "product", "service type"},
    "weight": {"berat", "weight", "rentang berat", "weight band", "kg", "berat kg"},
    "weight_min": {"berat min", "berat minimum", "min berat", "min weight", "weight min", "min"},
    "weight_max": {"berat max", "berat maks", "berat maksimum", "max weight", "weight max", "max"},
    "price": {
        "harga",
        "tarif",
        "price",
        "ongkir",
        "ongkos kirim",
        "biaya",
        "rate",
        "tarif per kg",
        "harga per kg",
    },
    "eta": {"estimasi", "etd", "eta", "estimasi pengiriman", "lead time", "sla", "durasi"},
}
LABELS = {
    "origin": gettext_lazy("origin"),
    "destination": gettext_lazy("destination"),
    "service": gettext_lazy("service"),
    "weight": gettext_lazy("weight"),
    "price": gettext_lazy("price"),
    "eta": gettext_lazy("ETA"),
}
MAX_PLACE = 100
MAX_SERVICE = 40
MAX_PRICE = 100_000_000  # a hundred million rupiah for one parcel is a typo, not a price
MAX_DAYS = 365
MAX_GRAMS = 1_000_000_000
HOURS = {"jam", "hour", "hours", "hr", "hrs", "h"}


def header_key(header: str) -> str:
    """`Harga (Rp)` → `harga`, `KOTA_ASAL` → `kota asal`."""
    text = re.sub(r"\(.*?\)|\[.*?\]", " ", header.lower())
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


@dataclass(frozen=True)
class Lane:
    """One row of a rate card as read and checked."""

    origin: str
    destination: str
    service: str
    weight_min_g: int
    weight_max_g: int | None
    price: int
    eta_min_days: int
    eta_max_days: int
    row_number: int

    @property
    def key(self) -> tuple[str, str, str, int]:
        return (self.origin, self.destination, self.service, self.weight_min_g)


@dataclass
class Sheet:
    """A price sheet read: its lanes, and the rows refused with their reasons."""

    rows: int = 0
    lanes: list[Lane] = field(default_factory=list)
    # (row number, column header, reason in the reader's language)
    errors: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len({number for number, _column, _reason in self.errors})

    def content_hash(self) -> str:
        """SHA-256 of the lanes, sorted (the row numbers left out)."""
        lanes = sorted(
            (
                lane.origin,
                lane.destination,
                lane.service,
                lane.weight_min_g,
                -1 if lane.weight_max_g is None else lane.weight_max_g,
                lane.price,
                lane.eta_min_days,
                lane.eta_max_days,
            )
            for lane in self.lanes
        )
        return hashlib.sha256(json.dumps(lanes).encode()).hexdigest()


class CellError(ValueError):
    """A cell that cannot be read; `message` is in the reader's language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def columns(header: list[str]) -> dict[str, int]:
    """Each field's column index; FileError naming the fields no column was found for."""
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        key = header_key(name)
        gram = "gram" in name.lower() or re.search(r"\(\s*g\s*\)|\bgr\b", name.lower())
        for fieldname, names in HEADERS.items():
            if key in names and fieldname not in found:
                found[fieldname] = index
                if gram and fieldname.startswith("weight"):
                    found[f"{fieldname}_in_grams"] = 1
    if "weight" not in found and "weight_min" in found:
        found["weight"] = found["weight_min"]
    missing = [
        str(LABELS[name])
        for name in ("origin", "destination", "service", "weight", "price", "eta")
        if name not in found
    ]
    if missing:
        raise FileError(
            _("The file has no column for: %(fields)s. The columns found: %(headers)s.")
            % {"fields": ", ".join(missing), "headers": ", ".join(header)}
        )
    return found


_NUMBER = r"(\d+(?:[.,]\d+)?)"


def _grams(number: str, unit: str, default_grams: bool) -> int:
    value = float(number.replace(",", "."))
    in_grams = unit.startswith("g") if unit else default_grams
    grams = value if in_grams else value * 1000
    if grams > MAX_GRAMS:
        raise ValueError(number)
    return round(grams)


def parse_weight(text: str, *, grams: bool = False) -> tuple[int, int | None]:
    """A weight band in grams: `1-2 kg` → (1000, 2000), `0,5 - 1 kg`, `500-1000 gr`, `< 1 kg`
    → (0, 1000), `> 5 kg` or `5 kg ke atas` → (5000, None), `1` (one weight) → (1000, 1000).
    Without a unit: kilograms, or grams when the column says so (`grams`)."""
    cleaned = " ".join(text.lower().replace("–", "-").replace("s/d", "-").split())
    unit = r"\s*(kg|kilo|gram|gr|g)?"
    match = re.fullmatch(_NUMBER + unit + r"\s*-\s*" + _NUMBER + unit, cleaned)
    if match:
        low_unit = match.group(2) or match.group(4) or ""
        high_unit = match.group(4) or low_unit
        low = _grams(match.group(1), low_unit, grams)
        high = _grams(match.group(3), high_unit, grams)
        if high < low or high == 0:
            raise ValueError(text)
        return low, high
    match = re.fullmatch(r"(<|<=|≤|sampai|hingga|up to|maks|max)\s*" + _NUMBER + unit, cleaned)
    if match:
        return 0, _grams(match.group(2), match.group(3) or "", grams)
    match = re.fullmatch(r"(>|>=|≥|di atas|lebih dari|above|over|min)\s*" + _NUMBER + unit, cleaned)
    if match:
        return _grams(match.group(2), match.group(3) or "", grams), None
    match = re.fullmatch(_NUMBER + unit + r"\s*(\+|ke atas|and above|or more)", cleaned)
    if match:
        return _grams(match.group(1), match.group(2) or "", grams), None
    match = re.fullmatch(_NUMBER + unit, cleaned)
    if match:
        weight = _grams(match.group(1), match.group(2) or "", grams)
        return weight, weight
    raise ValueError(text)


def parse_eta(text: str) -> tuple[int, int]:
    """Delivery time in days: `2-3 hari` → (2, 3), `1 hari`, `2 - 3 days`, `H+1` → (1, 1),
    `24 jam` → (1, 1), `same day` → (0, 0)."""
    cleaned = " ".join(text.lower().replace("–", "-").split())
    if cleaned in {"same day", "sameday", "hari yang sama", "sdd"}:
        return 0, 0
    match = re.fullmatch(r"h\s*\+\s*(\d+)", cleaned)
    if match:
        return int(match.group(1)), int(match.group(1))
    match = re.fullmatch(r"(\d+)(?:\s*-\s*(\d+))?\s*(hari|days?|d|jam|hours?|hrs?|h)?", cleaned)
    if not match:
        raise ValueError(text)
    low = int(match.group(1))
    high = int(match.group(2) or low)
    if match.group(3) in HOURS:
        low, high = math.ceil(low / 24), math.ceil(high / 24)
    if high < low or high > MAX_DAYS:
        raise ValueError(text)
    return low, high


def _text(value: str, *, max_length: int) -> str:
    value = " ".join(value.split()).upper()
    if not value:
        raise CellError(_("This cell is empty."))
    if len(value) > max_length:
        raise CellError(
            _("Too long: at most %(count)s characters, this has %(length)s.")
            % {"count": max_length, "length": len(value)}
        )
    return value


def read_sheet(table: Table) -> Sheet:
    """The lanes of a courier's price sheet and the rows refused, each with its row number,
    column and reason. Names are kept in capitals, as couriers write them, so that `Jakarta`
    and `JAKARTA` are one place. FileError when a needed column is missing."""
    found = columns(table.header)
    header = table.header
    sheet = Sheet()
    seen: dict[tuple, int] = {}
    for number, raw in table.rows:
        sheet.rows += 1
        cells = [unneutralise(cell).strip() for cell in raw]
        errors: list[tuple[str, str]] = []

        def cell(name: str, cells: list[str] = cells) -> tuple[str, str]:
            return header[found[name]], cells[found[name]] if found[name] < len(cells) else ""

        values: dict = {}
        for name, limit in (
            ("origin", MAX_PLACE),
            ("destination", MAX_PLACE),
            ("service", MAX_SERVICE),
        ):
            column, value = cell(name)
            try:
                values[name] = _text(value, max_length=limit)
            except CellError as error:
                errors.append((column, error.message))
        column, value = cell("weight")
        try:
            in_grams = bool(found.get("weight_in_grams") or found.get("weight_min_in_grams"))
            if "weight_max" in found and found["weight"] == found.get("weight_min"):
                low, _same = parse_weight(value, grams=in_grams)
                _high_column, high_value = cell("weight_max")
                high = (
                    parse_weight(high_value, grams=bool(found.get("weight_max_in_grams")))[0]
                    if high_value
                    else None
                )
                if high is not None and high < low:
                    raise ValueError(high_value)
            else:
                low, high = parse_weight(value, grams=in_grams)
            values["weight"] = (low, high)
        except ValueError:
            errors.append(
                (column, _("%(value)s is not a weight band such as 1-2 kg.") % {"value": value})
            )
        column, value = cell("price")
        try:
            price = parse_rupiah(value)
            if price <= 0 or price > MAX_PRICE:
                raise CellError(_("The price must be more than Rp 0 and at most Rp 100.000.000."))
            values["price"] = price
        except ValueError:
            errors.append(
                (
                    column,
                    _("%(value)s is not a price in rupiah, such as Rp 12.000.") % {"value": value},
                )
            )
        except CellError as error:
            errors.append((column, error.message))
        column, value = cell("eta")
        try:
            values["eta"] = parse_eta(value)
        except ValueError:
            errors.append(
                (column, _("%(value)s is not a delivery time such as 2-3 hari.") % {"value": value})
            )
        if not errors:
            lane = Lane(
                origin=values["origin"],
                destination=values["destination"],
                service=values["service"],
                weight_min_g=values["weight"][0],
                weight_max_g=values["weight"][1],
                price=values["price"],
                eta_min_days=values["eta"][0],
                eta_max_days=values["eta"][1],
                row_number=number,
            )
            if lane.key in seen:
                errors.append(
                    (
                        "",
                        _("The same lane and weight band as row %(row)s.")
                        % {"row": seen[lane.key]},
                    )
                )
            else:
                seen[lane.key] = number
                sheet.lanes.append(lane)
        sheet.errors.extend((number, column, reason) for column, reason in errors)
    return sheet


def _kg(grams: int) -> str:
    return f"{grams / 1000:g}".replace(".", ",")


def band_label(low: int | None, high: int | None) -> str:
    """`1-2 kg` (with an en dash), `5 kg`, `≥ 5 kg` (decimal comma, as Indonesians write it)."""
    if low is None:
        return "—"
    if high is None:
        return f"≥ {_kg(low)} kg"
    if high == low:
        return f"{_kg(low)} kg"
    return f"{_kg(low)}–{_kg(high)} kg"


def eta_label(low: int | None, high: int | None) -> str:
    """`2-3 days` / `2-3 hari` (with an en dash)."""
    if low is None or high is None:
        return "—"
    days = str(low) if low == high else f"{low}–{high}"
    return ngettext("%(days)s day", "%(days)s days", high) % {"days": days}


# Comparing two versions ----------------------------------------------------------------------

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
DIFF_COLUMNS = (
    "change",
    "origin",
    "destination",
    "service",
    "weight_min_g",
    "old_weight_max_g",
    "new_weight_max_g",
    "old_price",
    "new_price",
    "old_eta_min",
    "old_eta_max",
    "new_eta_min",
    "new_eta_max",
)


def _same_lane(rows: QuerySet) -> QuerySet:
    return rows.filter(
        origin=OuterRef("origin"),
        destination=OuterRef("destination"),
        service=OuterRef("service"),
        weight_min_g=OuterRef("weight_min_g"),
    )


def _none():
    return Value(None, output_field=IntegerField())


def diff_parts(old_rows: QuerySet, new_rows: QuerySet) -> dict[str, QuerySet]:
    """The lanes added, removed and changed (price, ETA or the band's upper bound) from
    `old_rows` to `new_rows` (rate card rows of two versions), each a values queryset with the
    columns of `DIFF_COLUMNS`: set-based, each lane found through the per-lane index."""
    old_lane = _same_lane(old_rows)
    new_lane = _same_lane(new_rows)
    unbounded = Value(-1)
    different = (
        ~Q(price=OuterRef("price"))
        | ~Q(eta_min_days=OuterRef("eta_min_days"))
        | ~Q(eta_max_days=OuterRef("eta_max_days"))
        | ~Q(bound=Coalesce(OuterRef("weight_max_g"), unbounded, output_field=IntegerField()))
    )

    def old(name: str):
        return Subquery(old_lane.values(name)[:1])

    added = new_rows.filter(~Exists(old_lane)).annotate(
        change=Value(ADDED),
        old_weight_max_g=_none(),
        new_weight_max_g=F("weight_max_g"),
        old_price=_none(),
        new_price=F("price"),
        old_eta_min=_none(),
        old_eta_max=_none(),
        new_eta_min=F("eta_min_days"),
        new_eta_max=F("eta_max_days"),
    )
    removed = old_rows.filter(~Exists(new_lane)).annotate(
        change=Value(REMOVED),
        old_weight_max_g=F("weight_max_g"),
        new_weight_max_g=_none(),
        old_price=F("price"),
        new_price=_none(),
        old_eta_min=F("eta_min_days"),
        old_eta_max=F("eta_max_days"),
        new_eta_min=_none(),
        new_eta_max=_none(),
    )
    changed = new_rows.filter(
        Exists(
            old_lane.annotate(
                bound=Coalesce("weight_max_g", unbounded, output_field=IntegerField())
            ).filter(different)
        )
    ).annotate(
        change=Value(CHANGED),
        old_weight_max_g=old("weight_max_g"),
        new_weight_max_g=F("weight_max_g"),
        old_price=old("price"),
        new_price=F("price"),
        old_eta_min=old("eta_min_days"),
        old_eta_max=old("eta_max_days"),
        new_eta_min=F("eta_min_days"),
        new_eta_max=F("eta_max_days"),
    )
    return {
        ADDED: added.order_by().values(*DIFF_COLUMNS),
        REMOVED: removed.order_by().values(*DIFF_COLUMNS),
        CHANGED: changed.order_by().values(*DIFF_COLUMNS),
    }


def diff_rows(parts: dict[str, QuerySet]) -> QuerySet:
    """The three parts of `diff_parts` as one queryset, in lane order (one UNION ALL query a
    page)."""
    return (
        parts[ADDED]
        .union(parts[REMOVED], parts[CHANGED], all=True)
        .order_by("origin", "destination", "service", "weight_min_g")
    )


def change_label(change: str) -> str:
    return {ADDED: _("added"), REMOVED: _("removed"), CHANGED: _("changed")}[change]


def diff_table(rows) -> tuple[list[str], Iterator[list]]:
    """The header and rows of a comparison's download (rupiah as integers, weights in grams)."""
    header = [
        "change",
        "origin",
        "destination",
        "service_code",
        "weight_min_grams",
        "old_weight_max_grams",
        "new_weight_max_grams",
        "old_price_idr",
        "new_price_idr",
        "old_eta_min_days",
        "old_eta_max_days",
        "new_eta_min_days",
        "new_eta_max_days",
    ]
    lines = (
        [
            neutralise(row[name]) if isinstance(row[name], str) else row[name]
            for name in DIFF_COLUMNS
        ]
        for row in rows
    )
    return header, lines


# The export for the technology team ----------------------------------------------------------

EXPORT_HEADER = [
    "partner",
    "version",
    "origin_code",
    "destination_code",
    "service_code",
    "weight_min_grams",
    "weight_max_grams",
    "price_idr",
    "eta_min_days",
    "eta_max_days",
]


def export_rows(version, rows: QuerySet):
    """The rows of `version` in the export's shape (see docs/rate-cards.md), streamed."""
    partner = neutralise(version.partner.name)
    for row in rows.order_by("origin", "destination", "service", "weight_min_g").iterator(
        chunk_size=2000
    ):
        yield [
            partner,
            version.number,
            neutralise(row.origin),
            neutralise(row.destination),
            neutralise(row.service),
            row.weight_min_g,
            row.weight_max_g,
            row.price,
            row.eta_min_days,
            row.eta_max_days,
        ]
