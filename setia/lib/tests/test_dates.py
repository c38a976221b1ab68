from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from setia.lib.dates import add_months, month_end, month_start, parse_date, today

JAKARTA = ZoneInfo("Asia/Jakarta")


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


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # past the month's end: its last day
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2025, 11, 15), 3, date(2026, 2, 15)),  # across a year
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
        (date(2025, 1, 10), -13, date(2023, 12, 10)),
        (date(2025, 5, 5), 0, date(2025, 5, 5)),
    ],
)
def test_it_adds_calendar_months(day, months, expected):
    assert add_months(day, months) == expected


def test_it_adds_months_to_an_aware_moment_in_local_time():
    # 06:00 on 31 March in Jakarta is 23:00 on 30 March in UTC; counted in UTC the month would
    # end at 06:00 on 1 May in Jakarta.
    moment = datetime(2026, 3, 31, 6, 0, tzinfo=JAKARTA)

    later = add_months(moment, 1)

    assert later == datetime(2026, 4, 30, 6, 0, tzinfo=JAKARTA)
    assert timezone.is_aware(later)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2025, 5, 17), 0, date(2025, 5, 1)),
        (date(2025, 12, 31), 1, date(2026, 1, 1)),
        (date(2025, 1, 1), -1, date(2024, 12, 1)),
        (date(2025, 3, 9), -12, date(2024, 3, 1)),
        (date(2025, 3, 9), -14, date(2024, 1, 1)),
    ],
)
def test_it_finds_the_first_day_of_a_month(day, months, expected):
    assert month_start(day, months) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 2, 3), date(2024, 2, 29)),
        (date(2025, 2, 28), date(2025, 2, 28)),
        (date(2025, 12, 1), date(2025, 12, 31)),
        (date(2025, 4, 30), date(2025, 4, 30)),
    ],
)
def test_it_finds_the_last_day_of_a_month(day, expected):
    assert month_end(day) == expected
