"""Column mapping: which field each header of a file holds.

Headers are recognised in Indonesian and English, in our own export (both languages), the
onboarding sheet, and the exports of HubSpot (companies, contacts), Salesforce accounts,
Google Contacts and Olist (sellers, customers, closed deals: `seller_city`, `seller_state`,
`business_segment`, `won_date`; its ids and zip code prefixes stay extra attributes). A
header we do not recognise is never dropped silently: it is kept as an extra attribute of the
customer unless the user maps it or chooses to ignore it.
"""

import re
import unicodedata

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

IGNORE = "ignore"
EXTRA = ""  # kept as an extra attribute under the original header

# Field keys → label shown in the mapping step.
FIELDS = {
    "code": _("Customer code"),
    "name": _("Brand name"),
    "category": _("Category"),
    "status": _("Status"),
    "city": _("City"),
    "province": _("Province"),
    "account_owner": _("Account owner (e-mail)"),
    "team": _("Team"),
    "notes": _("Notes"),
    "contact_name": _("Contact name"),
    "contact_first_name": _("Contact first name"),
    "contact_last_name": _("Contact last name"),
    "position": pgettext_lazy("job title", "Position"),
    "phone": _("Phone"),
    "whatsapp": _("WhatsApp"),
    "email": _("Email"),
    "store_url": _("Store URL"),
    "plan": _("Plan"),
    "monthly_price": _("Monthly price"),
    "renews_on": _("Renewal date"),
    "started_on": _("Joined"),
}

_SYNONYMS = {
    "code": ["code", "kode", "customer code", "kode pelanggan"],
    "name": [
        "name", "nama brand", "nama usaha", "brand", "nama toko", "nama bisnis", "brand name",
        "business name", "company name", "company", "nama perusahaan", "account name",
        "organization 1 - name", "organization name", "merchant", "nama merchant",
    ],
    "category": [
        "category", "kategori", "kategori usaha", "kategori bisnis", "industry", "industri",
        "business category", "business segment",
    ],
    "status": ["status", "customer status", "lifecycle stage"],
    "city": [
        "city", "kota", "kota/kabupaten", "kabupaten/kota", "kota kabupaten", "billing city",
        "address 1 - city", "kabupaten",
        "seller city", "customer city",
    ],
    "province": [
        "province", "provinsi", "state/region", "state", "billing state/province",
        "billing state", "address 1 - region", "region",
        "seller state", "customer state",
    ],
    "account_owner": [
        "account owner", "pemilik akun", "company owner", "contact owner", "pic", "pic setia",
        "account manager",
    ],
    "team": ["team", "tim"],
    "notes": ["notes", "catatan", "keterangan", "description", "deskripsi", "notes 1"],
    "contact_name": [
        "nama pemilik", "owner", "pemilik", "owner name", "primary contact", "kontak utama",
        "contact name", "nama kontak", "contact", "kontak", "nama pic",
    ],
    "contact_first_name": ["first name", "given name", "nama depan"],
    "contact_last_name": ["last name", "family name", "nama belakang"],
    "position": [
        "position", "jabatan", "job title", "title", "organization 1 - title",
        "organization title",
    ],
    "phone": [
        "phone", "no hp", "no. hp", "nomor hp", "no telp", "no. telp", "telepon", "nomor telepon",
        "phone number", "handphone", "hp", "mobile", "mobile phone", "mobile phone number",
        "phone 1 - value", "account phone",
    ],
    "whatsapp": [
        "whatsapp", "no. whatsapp", "no whatsapp", "no wa", "no. wa", "nomor whatsapp", "wa",
        "whatsapp number", "phone 2 - value",
    ],
    "email": [
        "email", "e-mail", "alamat email", "email address", "e-mail 1 - value", "surel",
    ],
    "store_url": [
        "store url", "url toko", "website", "url", "link toko", "alamat toko", "domain",
        "website url", "company domain name", "website 1 - value", "toko online", "store",
    ],
    "plan": ["plan", "paket", "paket langganan", "subscription"],
    "monthly_price": [
        "monthly price", "harga bulanan", "harga", "harga paket", "biaya bulanan", "mrr",
        "annual revenue",
    ],
    "renews_on": [
        "renewal date", "tanggal perpanjangan", "tanggal renewal", "renewal", "jatuh tempo",
    ],
    "started_on": [
        "joined", "tanggal bergabung", "tanggal onboarding", "tanggal join", "join date",
        "onboarding date", "create date", "created date", "tanggal daftar",
        "won date",
    ],
}  # fmt: skip
# "annual revenue" is HubSpot's, not a monthly price: do not guess it.
_SYNONYMS["monthly_price"].remove("annual revenue")


def normalise_header(text: str) -> str:
    """Lower-case, accents and stray punctuation removed, spaces collapsed: `No. HP ` → `no. hp`."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = text.replace("_", " ").replace("*", "").strip().lower()
    text = re.sub(r"\s+", " ", text)
    return text.rstrip(":").strip()


_LOOKUP = {normalise_header(synonym): key for key, names in _SYNONYMS.items() for synonym in names}


def _loose(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text)


_LOOSE_LOOKUP = {_loose(synonym): key for synonym, key in _LOOKUP.items()}


# A spreadsheet's own row numbering: shown as ignored in the mapping step, changeable there.
_ROW_NUMBER_HEADERS = {"no", "no.", "#", "nomor", "nomor urut", "no urut"}


def recognise(header: str) -> str:
    """The field key a header holds, IGNORE for a row-number column, or EXTRA."""
    normalised = normalise_header(header)
    if normalised in _ROW_NUMBER_HEADERS:
        return IGNORE
    if normalised in _LOOKUP:
        return _LOOKUP[normalised]
    return _LOOSE_LOOKUP.get(_loose(normalised), EXTRA)


def propose_mapping(header: list[str], remembered: dict | None = None) -> dict[str, str]:
    """{header: field key, EXTRA or IGNORE} for every header; each field is taken once.

    A mapping remembered for the source wins over recognition. When the same field is claimed
    twice, the first column keeps it and the other becomes an extra attribute — except that a
    plain "Name" next to a company column (Google Contacts, HubSpot contacts) is the person.
    """
    remembered = remembered or {}
    mapping: dict[str, str] = {}
    claimed: set[str] = set()
    recognised = {column: remembered.get(column, recognise(column)) for column in header}
    company_columns = [
        column
        for column, key in recognised.items()
        if key == "name" and normalise_header(column) not in ("name", "nama")
    ]
    for column in header:
        key = recognised[column]
        if key == "name" and company_columns and column not in company_columns:
            key = "contact_name"
        if key not in (EXTRA, IGNORE) and key in claimed:
            key = EXTRA
        if key in FIELDS:
            claimed.add(key)
        mapping[column] = key
    return mapping


def unknown_columns(mapping: dict[str, str]) -> list[str]:
    return [column for column, key in mapping.items() if key == EXTRA and column]


def ignored_columns(mapping: dict[str, str]) -> list[str]:
    return [column for column, key in mapping.items() if key == IGNORE]


def check_mapping(mapping: dict[str, str]) -> list[str]:
    """File-level problems with a mapping, as user-facing messages (empty when usable)."""
    keys = [key for key in mapping.values() if key not in (EXTRA, IGNORE)]
    problems = []
    unknown = sorted({key for key in keys if key not in FIELDS})
    if unknown:
        problems.append(str(_("Unknown fields: %(fields)s.") % {"fields": ", ".join(unknown)}))
    twice = sorted({key for key in keys if keys.count(key) > 1})
    if twice:
        problems.append(
            str(
                _("Each field can come from one column only: %(fields)s.")
                % {"fields": ", ".join(str(FIELDS.get(key, key)) for key in twice)}
            )
        )
    identifying = {"code", "name", "phone", "whatsapp", "email", "store_url"}
    if not identifying & set(keys):
        problems.append(
            str(
                _(
                    "No column holds a brand name, phone, e-mail or store URL, so no row could be "
                    "imported. Check the header row."
                )
            )
        )
    return problems
