import pytest
from django.contrib.auth.models import Group
from django.db.models import Sum, Value

from setia.lib.money import (
    net_price,
    net_price_hundredths,
    rupiah_from_hundredths,
)


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
