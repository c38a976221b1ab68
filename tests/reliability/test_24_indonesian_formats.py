"""Indonesian money, time zones and dates: rupiah shown as `Rp 1.234.567` and read as people write
them; times stored in UTC and shown in WIB, WITA or WIT; `05/04/2024 14.30` is 5 April at half
past two."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django import forms
from django.utils import formats, timezone, translation

from setia.lib.dates import parse_date, today
from setia.lib.money import (
    format_rupiah,
    parse_rupiah,
)
from setia.lib.regions import PROVINCE_TIME_ZONES


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (0, "Rp 0"),
        (999, "Rp 999"),
        (1000, "Rp 1.000"),
        (1234567, "Rp 1.234.567"),
        (-1500000, "-Rp 1.500.000"),
        (Decimal("1234567.5"), "Rp 1.234.568"),  # rounds half up, never truncates
        (1234567.4, "Rp 1.234.567"),
        (10**12, "Rp 1.000.000.000.000"),
        (None, ""),
    ],
)
def test_it_formats_rupiah(amount, shown):
    assert format_rupiah(amount) == shown


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("Rp 1.234.567", 1234567),
        ("1.234.567,00", 1234567),
        ("1.234.567,50", 1234568),
        ("35.663", 35663),  # a dot groups thousands in Indonesian
        ("1234567", 1234567),
        ("1,234,567", 1234567),
        ("IDR 500.000", 500000),
        ("Rp1.500.000", 1500000),
        ("-250.000", -250000),
    ],
)
def test_it_reads_amounts_as_indonesians_write_them(text, amount):
    assert parse_rupiah(text) == amount


@pytest.mark.parametrize("text", ["", "Rp", "abc", "1.23.4", "12,34,56"])
def test_it_refuses_text_that_is_not_an_amount(text):
    with pytest.raises(ValueError):
        parse_rupiah(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-04-05", date(2024, 4, 5)),
        ("05/04/2024", date(2024, 4, 5)),  # 5 April, never 4 May
        ("5-4-24", date(2024, 4, 5)),
        ("17 Agustus 2024", date(2024, 8, 17)),
        ("17 Agu 2024", date(2024, 8, 17)),
        ("17 agt. 2024", date(2024, 8, 17)),
        ("1 Desember 2025", date(2025, 12, 1)),
        ("3 Okt 2023", date(2023, 10, 3)),
        ("17 August 2024", date(2024, 8, 17)),
        ("  29 Februari 2024 ", date(2024, 2, 29)),
    ],
)
def test_it_reads_indonesian_dates(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text", ["", "10/25/2009", "31/02/2024", "17 Agustos 2024", "2024/13/01", "kemarin"]
)
def test_it_refuses_impossible_or_unknown_dates(text):
    with pytest.raises(ValueError):
        parse_date(text)


@time_machine.travel("2026-01-31 18:30:00+00:00", tick=False)
def test_today_is_the_jakarta_date_not_the_utc_date():
    # 18:30 UTC on 31 January is 01:30 on 1 February in Jakarta.
    assert today() == date(2026, 2, 1)


ZONES = [
    # zone, the instant `05/04/2024 14.30` typed there is, in UTC
    ("Asia/Jakarta", datetime(2024, 4, 5, 7, 30, tzinfo=UTC)),  # WIB, +07
    ("Asia/Makassar", datetime(2024, 4, 5, 6, 30, tzinfo=UTC)),  # WITA, +08
    ("Asia/Jayapura", datetime(2024, 4, 5, 5, 30, tzinfo=UTC)),  # WIT, +09
]


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize(("zone", "instant"), ZONES)
def test_it_reads_05_04_2024_14_30_as_5_april_in_the_local_zone(language, zone, instant):
    field = forms.DateTimeField()

    with translation.override(language), timezone.override(zone):
        typed = field.clean("05/04/2024 14.30")
        colon = field.clean("05/04/2024 14:30")

    assert typed == colon == instant


@pytest.mark.parametrize(("zone", "instant"), ZONES)
def test_it_shows_a_stored_moment_in_the_local_zone_day_first(zone, instant):
    with translation.override("id"), timezone.override(zone):
        shown = formats.date_format(timezone.localtime(instant), "SHORT_DATETIME_FORMAT")

    assert shown == "05-04-2024 14.30"


def test_it_knows_each_provinces_zone():
    assert PROVINCE_TIME_ZONES["DKI Jakarta"] == "Asia/Jakarta"
    assert PROVINCE_TIME_ZONES["Bali"] == "Asia/Makassar"
    assert PROVINCE_TIME_ZONES["Sulawesi Selatan"] == "Asia/Makassar"
    assert PROVINCE_TIME_ZONES["Papua"] == "Asia/Jayapura"
    assert set(PROVINCE_TIME_ZONES.values()) == {"Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"}
    assert len(PROVINCE_TIME_ZONES) == 38


def test_it_shows_rupiah_on_a_page_as_indonesians_write_them():
    with translation.override("en"):
        assert format_rupiah(1234567) == "Rp 1.234.567"
