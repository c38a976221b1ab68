from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db.models import Sum, Value

from setia.lib.money import (
    format_rupiah,
    net_price,
    net_price_hundredths,
    parse_rupiah,
    rupiah_from_hundredths,
)


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
    ("price", "discount", "months", "net"),
    [
        (349_000, 0, 1, 349_000),
        (349_000, 15, 1, 296_650),
        (349_000, 15, 3, 889_950),
        (99_999, 33, 1, 66_999),  # 66999.33 rounds down
        (150, 33, 1, 101),  # 100.5 rounds half up
        (349_000, 100, 12, 0),
    ],
)
def test_it_takes_the_discount_off_the_price(price, discount, months, net):
    assert net_price(price, discount, months) == net


def test_the_net_price_rule_works_in_a_query_and_rounds_once_after_the_sum(db):
    # given two rows of 150 at 33%: 100.5 each, 201 together (rounding each first gives 202)
    Group.objects.bulk_create([Group(name="a"), Group(name="b")])

    total = Group.objects.filter(name__in=["a", "b"]).aggregate(
        hundredths=Sum(net_price_hundredths(Value(150), Value(33), Value(1)))
    )["hundredths"]

    assert total == 20_100
    assert rupiah_from_hundredths(total) == 201
