from decimal import Decimal

import pytest

from setia.lib.money import format_rupiah, parse_rupiah


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
