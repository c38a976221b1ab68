import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from setia.lib.display import format_date, format_moment, format_number, format_stored


@pytest.mark.parametrize(
    ("language", "expected"),
    [("id", ("5 April 2026", "20.000", "-12,5", "5 April 2026 14.30")),
     ("en", ("5 April 2026", "20,000", "-12.5", "5 April 2026 14:30"))],
)  # fmt: skip
def test_values_read_as_the_reader_writes_them(language, expected):
    with translation.override(language):
        moment = datetime.datetime(2026, 4, 5, 7, 30, tzinfo=datetime.UTC)  # 14.30 in Jakarta
        assert (
            format_date("2026-04-05"),
            format_number(20000),
            format_number(Decimal("-12.5"), 1),
            format_moment(moment.isoformat()),
        ) == expected


def test_a_moment_gives_its_day_in_jakarta_and_other_text_stays():
    with translation.override("id"):
        assert format_date("2026-04-04T20:00:00+00:00") == "5 April 2026"
        assert format_stored("2026-04-05") == "5 April 2026"
        assert format_stored("12345") == "12345"  # a postcode, not a count
        assert format_stored("Instagram") == "Instagram"
        assert format_stored("2026-13-45") == "2026-13-45"
        assert format_number(3.0) == "3"
