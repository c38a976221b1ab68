from datetime import date

import pytest
import time_machine

from setia.lib.dates import parse_date, today


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
