from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from setia.lib.dates import add_months, month_end, month_start

JAKARTA = ZoneInfo("Asia/Jakarta")


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
