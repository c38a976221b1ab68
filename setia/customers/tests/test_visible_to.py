import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from setia.accounts.models import Role
from setia.customers.models import Customer
from setia.test import make_customer, make_user


@pytest.fixture
def customers(team_a, team_b, executive, other_executive):
    """One customer per kind of scope, by name."""
    return {
        "a": make_customer(team=team_a, name="a"),
        "a owned": make_customer(team=team_a, owner=executive, name="a owned"),
        "b": make_customer(team=team_b, name="b"),
        "b owned by executive": make_customer(
            team=team_b, owner=executive, name="b owned by executive"
        ),
        "no team": make_customer(team=None, name="no team"),
        "no team owned": make_customer(team=None, owner=executive, name="no team owned"),
        "a deleted": make_customer(team=team_a, name="a deleted", deleted_at=timezone.now()),
    }


def _names(queryset) -> list[str]:
    return sorted(queryset.values_list("name", flat=True))


EVERYONE = ["a", "a deleted", "a owned", "b", "b owned by executive", "no team", "no team owned"]
EXECUTIVE = ["a", "a deleted", "a owned", "b owned by executive", "no team owned"]
TEAM_A = ["a", "a deleted", "a owned"]


@pytest.mark.parametrize(
    ("persona", "visible", "editable"),
    [
        ("admin_user", EVERYONE, EVERYONE),
        ("manager", EVERYONE, EVERYONE),
        ("executive", EXECUTIVE, EXECUTIVE),
        ("intern", TEAM_A, []),
        ("viewer", TEAM_A, []),
        ("other_executive", ["b", "b owned by executive"], ["b", "b owned by executive"]),
    ],
)
def test_it_scopes_each_persona(request, customers, persona, visible, editable):
    user = request.getfixturevalue(persona)

    assert _names(Customer.objects.visible_to(user)) == visible
    assert _names(Customer.objects.editable_by(user)) == editable


def test_it_combines_with_alive_and_deleted(customers, executive):
    assert "a deleted" not in _names(Customer.objects.visible_to(executive).alive())
    assert _names(Customer.objects.visible_to(executive).deleted()) == ["a deleted"]


def test_it_shows_nothing_to_anonymous_visitors(customers):
    assert _names(Customer.objects.visible_to(AnonymousUser())) == []
    assert _names(Customer.objects.editable_by(AnonymousUser())) == []


def test_it_shows_nothing_to_a_user_without_a_role(customers, team_a):
    nobody = make_user(Role.VIEWER, team=team_a)
    nobody.groups.clear()
    nobody = type(nobody).objects.get(pk=nobody.pk)  # drop the cached permissions

    assert _names(Customer.objects.visible_to(nobody)) == []
    assert _names(Customer.objects.editable_by(nobody)) == []


def test_it_shows_nothing_to_a_deactivated_executive(customers, team_a):
    former = make_user(Role.EXECUTIVE, team=team_a, is_active=False)

    assert _names(Customer.objects.visible_to(former)) == []


def test_it_shows_a_teamless_executive_only_what_they_own(customers):
    loner = make_user(Role.EXECUTIVE)
    owned = make_customer(owner=loner, name="loner's")

    assert list(Customer.objects.visible_to(loner)) == [owned]


def test_it_moves_with_the_users_team(customers, executive, team_b):
    executive.team = team_b
    executive.save(update_fields=["team"])

    assert _names(Customer.objects.visible_to(executive)) == [
        "a owned",
        "b",
        "b owned by executive",
        "no team owned",
    ]


def test_it_is_chainable_and_lists_each_customer_once(customers, executive):
    queryset = Customer.objects.visible_to(executive).alive().filter(name__startswith="a")

    assert _names(queryset) == ["a", "a owned"]
    assert queryset.count() == 2
