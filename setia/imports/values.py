"""Cell values: from what people type into spreadsheets to what Setia stores.

Each `clean_*` returns the stored value or raises CellError with a reason in the user's language.
"""

import csv
import difflib
import functools
import io
import re
from datetime import date

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from setia.customers.models import Customer, Store
from setia.lib import spreadsheets
from setia.lib.dates import parse_date
from setia.lib.domains import SHARED_HOSTS, normalise_domain
from setia.lib.emails import MAX_LENGTH as MAX_EMAIL_LENGTH
from setia.lib.emails import normalise_email
from setia.lib.money import parse_rupiah
from setia.lib.names import NameLookup, name_key
from setia.lib.phones import PhoneError, parse_phone
from setia.lib.regions import PROVINCES, regency_is_known, split_regency


class CellError(ValueError):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class OutsideList(CellError):
    """A value outside a managed list (category, plan, status, province, kabupaten/kota): the
    row is still imported with the field left empty, and reported as a warning."""


class ValueMap:
    """What the user chose for values outside a managed list: {(column, value): target}, the
    column a header of the file or a field name, the value as written in the file; an empty
    target leaves the field empty. Both are compared ignoring case and punctuation."""

    def __init__(self, choices: dict[tuple[str, str], str] | None = None):
        self.choices = {
            (_key(column), _key(value)): target
            for (column, value), target in (choices or {}).items()
        }

    @classmethod
    def from_json(cls, stored: dict[str, dict[str, str]]) -> "ValueMap":
        """The choices as stored on an import or its source: {column: {value: target}}."""
        return cls(
            {
                (column, value): target
                for column, targets in (stored or {}).items()
                for value, target in targets.items()
            }
        )

    def __bool__(self) -> bool:
        return bool(self.choices)

    def get(self, header: str, field: str, value: str) -> str | None:
        """The target chosen for `value` in the column `header` (read as `field`); None when
        nothing was chosen."""
        key = _key(value)
        for column in (header, field):
            target = self.choices.get((_key(column), key))
            if target is not None:
                return target
        return None


def parse_map(text: str) -> tuple[tuple[str, str], str]:
    """`COLUMN:VALUE=TARGET` → ((column, value), target); ValueError when it is not that."""
    left, equals, target = text.partition("=")
    column, colon, value = left.partition(":")
    if not (equals and colon and column.strip() and value.strip()):
        raise ValueError(text)
    return (column.strip(), value.strip()), target.strip()


def read_map_file(data: str) -> dict[tuple[str, str], str]:
    """A mapping file: CSV with the columns `column,value,target` (a header line naming them
    is skipped); an empty target leaves the field empty. ValueError on a malformed line."""
    choices = {}
    for number, line in enumerate(csv.reader(io.StringIO(data)), start=1):
        if not any(cell.strip() for cell in line):
            continue
        if len(line) not in (2, 3):
            raise ValueError(number)
        column, value, target = (*line, "")[:3]
        if number == 1 and [cell.strip().lower() for cell in line] == ["column", "value", "target"]:
            continue
        if not (column.strip() and value.strip()):
            raise ValueError(number)
        choices[(column.strip(), value.strip())] = target.strip()
    return choices


def unneutralise(cell: str) -> str:
    """Undo an export's formula neutralisation: `'=SUM(1)` → `=SUM(1)`; then trim spaces."""
    return spreadsheets.unneutralise(cell).strip()


_key = name_key


def clean_text(value: str, *, max_length: int) -> str:
    value = " ".join(value.split())
    if len(value) > max_length:
        raise CellError(
            _("Too long: at most %(count)s characters, this has %(length)s.")
            % {"count": max_length, "length": len(value)}
        )
    return value


def clean_city(value: str) -> str:
    """A city as stored: title-cased, without its `KAB.` / `KOTA` prefix (regions arrive as
    `KAB. BEKASI` / `KOTA BANDUNG`, docs/indonesia.md). A name written as a kabupaten or kota
    must be one of the official list; a plain name (`Solo`, `Jakarta`) is how people name
    cities and is kept."""
    kind, name = split_regency(value)
    if kind is not None and not regency_is_known(kind, name):
        raise OutsideList(
            _("Unknown kabupaten/kota %(value)s: it is not on the official list.")
            % {"value": " ".join(value.split())}
        )
    return clean_text(name.title(), max_length=100)


_PROVINCE_ALIASES = {
    "jakarta": "DKI Jakarta",
    "daerahkhususibukotajakarta": "DKI Jakarta",
    "daerahkhususjakarta": "DKI Jakarta",
    "dki": "DKI Jakarta",
    "yogyakarta": "DI Yogyakarta",
    "diy": "DI Yogyakarta",
    "jogja": "DI Yogyakarta",
    "jogjakarta": "DI Yogyakarta",
    "daerahistimewayogyakarta": "DI Yogyakarta",
    "jabar": "Jawa Barat",
    "jateng": "Jawa Tengah",
    "jatim": "Jawa Timur",
    "westjava": "Jawa Barat",
    "centraljava": "Jawa Tengah",
    "eastjava": "Jawa Timur",
    "sumut": "Sumatera Utara",
    "sumbar": "Sumatera Barat",
    "sumsel": "Sumatera Selatan",
    "kalbar": "Kalimantan Barat",
    "kaltim": "Kalimantan Timur",
    "kalsel": "Kalimantan Selatan",
    "sulsel": "Sulawesi Selatan",
    "sulut": "Sulawesi Utara",
    "ntb": "Nusa Tenggara Barat",
    "ntt": "Nusa Tenggara Timur",
    "babel": "Kepulauan Bangka Belitung",
    "kepri": "Kepulauan Riau",
}
_PROVINCE_LOOKUP = {_key(name): name for name, _zone in PROVINCES} | _PROVINCE_ALIASES


def clean_province(value: str) -> str:
    key = _key(re.sub(r"^(provinsi|prov\.?)\s+", "", value.strip(), flags=re.IGNORECASE))
    if key in _PROVINCE_LOOKUP:
        return _PROVINCE_LOOKUP[key]
    close = difflib.get_close_matches(key, list(_PROVINCE_LOOKUP), n=1, cutoff=0.75)
    if close:
        raise OutsideList(
            _("Unknown province %(value)s. Did you mean %(suggestion)s?")
            % {"value": value, "suggestion": _PROVINCE_LOOKUP[close[0]]}
        )
    raise OutsideList(_("Unknown province %(value)s.") % {"value": value})


_STATUS_ALIASES = {"aktif": "active", "live": "active", "churn": "churned", "berhenti": "churned"}


@functools.cache
def _status_lookup() -> dict[str, str]:
    """{normalised status value or label in either language: value}."""
    lookup = dict(_STATUS_ALIASES)
    for value, label in Customer.Status.choices:
        lookup[_key(value)] = value
        for language in ("en", "id"):
            with translation.override(language):
                lookup[_key(str(label))] = value
    return lookup


def clean_status(value: str) -> str:
    lookup = _status_lookup()
    if (key := _key(value)) in lookup:
        return lookup[key]
    raise OutsideList(
        _("Unknown status %(value)s; use one of: %(choices)s.")
        % {
            "value": value,
            "choices": ", ".join(str(label) for _v, label in Customer.Status.choices),
        }
    )


class Plans:
    """The managed plan list, matched by its English or Indonesian name, code or an alias,
    ignoring case and punctuation, and a leading "Paket"/"Plan" ("Paket Bisnis"). A value
    matching none is outside the list: the row is imported without the subscription's plan
    (a warning)."""

    def __init__(self, plans):
        self.plans = list(plans)
        self.lookup = NameLookup(self.plans, codes=lambda plan: [plan.code])

    def clean(self, value: str):
        key = _key(value)
        for word in ("paket", "plan"):
            if key.startswith(word) and key[len(word) :] in self.lookup.by_key:
                key = key[len(word) :]
        if (plan := self.lookup.by_key.get(key)) is not None:
            return plan
        raise OutsideList(
            _("Unknown plan %(value)s; use one of: %(choices)s.")
            % {
                "value": value,
                "choices": ", ".join(plan.display_name for plan in self.plans if plan.is_active),
            }
        )


class Categories:
    """The managed category list, matched by its English or Indonesian name, slug or an
    alias, ignoring case and punctuation; close spellings are suggested, never guessed. A
    value matching none is outside the list (a warning, not a rejection); a new customer then
    gets the fallback category ("other"), since every customer has one."""

    FALLBACK_SLUG = "other"

    def __init__(self, categories):
        categories = list(categories)
        self.lookup = NameLookup(categories, codes=lambda category: [category.slug])
        self.fallback = next(
            (category for category in categories if category.slug == self.FALLBACK_SLUG), None
        )

    def clean(self, value: str):
        if (category := self.lookup.get(value)) is not None:
            return category
        names = self.lookup.names
        close = difflib.get_close_matches(_key(value), list(names), n=1, cutoff=0.6)
        if close:
            raise OutsideList(
                _("Unknown category %(value)s. Did you mean %(suggestion)s?")
                % {"value": value, "suggestion": names[close[0]]}
            )
        raise OutsideList(_("Unknown category %(value)s.") % {"value": value})


def clean_phone(value: str) -> str:
    """E.164 of a phone cell, read by `setia.lib.phones` as the contact form reads it."""
    try:
        return parse_phone(value).e164
    except PhoneError as error:
        raise CellError(error.message) from None


def clean_email(value: str) -> str:
    """An e-mail cell as stored, read by `setia.lib.emails` as the contact form reads it."""
    try:
        return normalise_email(value)
    except ValueError:
        shown = value.strip().lower().removeprefix("mailto:")
        if len(shown) > MAX_EMAIL_LENGTH:
            shown = shown[:60]
        raise CellError(_("%(value)s is not an e-mail address.") % {"value": shown}) from None


_SPACE = re.compile(r"\s")


def clean_store_url(value: str) -> tuple[str, str, str]:
    """(url, normalised domain, store kind)."""
    value = value.strip()
    try:
        domain = normalise_domain(value)
    except ValueError:
        raise CellError(
            _("%(value)s is not a store address such as https://tokoanda.com.") % {"value": value}
        ) from None
    # normalise_domain accepted the host; a scheme other than http(s) or a space is not a shop.
    url = value if "://" in value else f"https://{value}"
    if not url.startswith(("http://", "https://")) or _SPACE.search(url):
        raise CellError(
            _("%(value)s is not a store address such as https://tokoanda.com.") % {"value": value}
        )
    if len(url) > 300:
        raise CellError(_("The store address is longer than 300 characters."))
    host = domain.split("/", 1)[0]
    if host in {"instagram.com", "tiktok.com", "facebook.com"}:
        kind = Store.Kind.SOCIAL
    elif host in SHARED_HOSTS:
        kind = Store.Kind.MARKETPLACE
    else:
        kind = Store.Kind.WEBSITE
    return url, domain, kind


def clean_amount(value: str) -> int:
    try:
        amount = parse_rupiah(value)
    except ValueError:
        raise CellError(
            _("%(value)s is not an amount in rupiah, such as Rp 1.500.000.") % {"value": value}
        ) from None
    if amount < 0:
        raise CellError(_("The amount cannot be negative."))
    return amount


def clean_date(value: str) -> date:
    text = value.strip()
    # XLSX dates and other tools' exports carry a time: `2024-04-05 00:00:00`, `2024-04-05T10:00Z`.
    if re.match(r"^\d{4}-\d{2}-\d{2}[ T]", text):
        text = text[:10]
    try:
        return parse_date(text)
    except ValueError:
        raise CellError(
            _("%(value)s is not a date; write it as 05/04/2024 or 17 Agustus 2024.")
            % {"value": value}
        ) from None
