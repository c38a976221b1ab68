import pytest
from django.http import QueryDict

from setia.accounts.models import Role
from setia.customers.models import Category, Customer
from setia.test import make_customer, make_user


@pytest.fixture
def shops(team_a, team_b):
    fashion = Category.objects.get(slug="fashion")
    beauty = Category.objects.get(slug="beauty")
    return [
        make_customer(team=team_a, name="Batik Bandung", category=fashion, city="Bandung"),
        make_customer(team=team_a, name="Kaos Jakarta", category=fashion, city="Jakarta"),
        make_customer(
            team=team_b,
            name="Glow Bandung",
            category=beauty,
            city="Bandung",
            status=Customer.Status.ACTIVE,
        ),
    ]


def _names(queryset) -> list[str]:
    return [customer.name for customer in queryset]


def test_it_matches_the_list_filters_as_plain_values(shops, team_a):
    matched = Customer.objects.matching(
        {"category": "fashion", "city": " bandung ", "team": str(team_a.pk)}
    )

    assert _names(matched) == ["Batik Bandung"]


@pytest.mark.parametrize(
    "values",
    [{"category": "no-such-category"}, {"owner": "abc"}, {"team": "999999"}, {"tier": "none"}],
)
def test_it_matches_no_one_with_a_value_that_names_nothing(shops, values):
    assert _names(Customer.objects.matching(values)) == []


def test_it_ignores_an_unknown_status_and_unknown_names(shops):
    matched = Customer.objects.matching({"status": "sleeping", "colour": "red", "q": ""})

    assert sorted(_names(matched)) == ["Batik Bandung", "Glow Bandung", "Kaos Jakarta"]


def test_it_matches_an_owner_by_id(shops, team_a):
    owner = make_user(Role.EXECUTIVE, team=team_a)
    Customer.objects.filter(name="Kaos Jakarta").update(owner=owner)

    assert _names(Customer.objects.matching({"owner": str(owner.pk)})) == ["Kaos Jakarta"]


def test_it_applies_a_segment_without_its_sort(shops):
    members = Customer.objects.in_segment("city=Bandung&sort=-name").order_by("name")

    assert _names(members) == ["Batik Bandung", "Glow Bandung"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["Batik Bandung", "Glow Bandung", "Kaos Jakarta"]),
        ("-name", ["Kaos Jakarta", "Glow Bandung", "Batik Bandung"]),
        ("city", ["Batik Bandung", "Glow Bandung", "Kaos Jakarta"]),
        ("status", ["Glow Bandung", "Batik Bandung", "Kaos Jakarta"]),
        ("pk", ["Batik Bandung", "Glow Bandung", "Kaos Jakarta"]),  # unknown: by name
    ],
)
def test_it_sorts_as_the_list(shops, sort, expected):
    assert _names(Customer.objects.sorted_as_listed(sort)) == expected


def test_it_lists_a_segment_with_the_filters_on_top_in_the_list_order(shops):
    params = QueryDict("segment=5e0c9d43-5f1a-4c55-9a43-3b0f2b0b1a11&q=bandung&sort=-name")

    listed = Customer.objects.listed(params, segment_query="category=fashion&sort=name")

    assert _names(listed) == ["Batik Bandung"]
    assert _names(Customer.objects.listed(params, segment_query="city=Bandung")) == [
        "Glow Bandung",
        "Batik Bandung",
    ]


def test_it_lists_no_one_for_a_segment_the_caller_could_not_find(shops):
    params = QueryDict("segment=5e0c9d43-5f1a-4c55-9a43-3b0f2b0b1a11")

    assert _names(Customer.objects.listed(params, segment_query=None)) == []
    assert len(Customer.objects.listed(QueryDict("segment="))) == 3
