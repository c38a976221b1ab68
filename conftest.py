"""Persona fixtures for the whole suite (factories live in setia/test.py)."""

import pytest
from django.utils import translation

from setia.accounts.models import Role
from setia.test import make_customer, make_team, make_user


@pytest.fixture(autouse=True)
def _reset_language():
    """A request activates its user's language in the test's thread; the next test starts afresh."""
    yield
    translation.deactivate()


@pytest.fixture
def team_a(db):
    return make_team("Team A")


@pytest.fixture
def team_b(db):
    return make_team("Team B")


@pytest.fixture
def admin_user(db):
    return make_user(Role.ADMIN, is_superuser=True, is_staff=True)


@pytest.fixture
def manager(db):
    return make_user(Role.MANAGER)


@pytest.fixture
def executive(team_a):
    return make_user(Role.EXECUTIVE, team=team_a)


@pytest.fixture
def intern(team_a):
    return make_user(Role.INTERN, team=team_a)


@pytest.fixture
def viewer(team_a):
    return make_user(Role.VIEWER, team=team_a)


@pytest.fixture
def other_executive(team_b):
    """An executive of another team: team A's customers are invisible (404) to them."""
    return make_user(Role.EXECUTIVE, team=team_b)


@pytest.fixture
def customer(team_a, executive):
    """A team-A customer owned by the executive persona."""
    return make_customer(team=team_a, owner=executive, name="Batik Lestari")


from setia.browser import browser, page  # noqa: E402, F401  (fixtures)


def pytest_collection_modifyitems(items):
    """Browser tests run against a live server, so they commit and end by flushing every table.

    Serialized rollback puts back what the data migrations wrote (roles, categories, tiers,
    stages) for the tests after them; pytest-django reads it from the test's own marker.
    """
    for item in items:
        if "page" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))
