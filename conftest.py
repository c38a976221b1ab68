"""Persona fixtures for the whole suite (factories live in setia/test.py)."""

import pytest
from django.core.cache import caches
from django.utils import translation

from setia.accounts.models import Role
from setia.test import make_customer, make_team, make_user

# Fixtures shared by test modules of several folders (bulk sends, the WhatsApp fake API).
pytest_plugins = [
    "setia.engagement.tests.bulk_fixtures",
    "setia.engagement.tests.whatsapp_fixtures",
]


@pytest.fixture(autouse=True)
def _reset_language():
    """A request activates its user's language in the test's thread; the next test starts afresh."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _reset_rate_limits():
    """Request counts are kept per user id, and ids repeat between tests: each starts at zero."""
    caches["ratelimit"].clear()


@pytest.fixture(scope="session")
def _migrated_rows(django_db_setup, django_db_blocker):
    """Every row the migrations wrote (roles, categories, tiers, stages…), serialized once."""
    from django.db import connection

    with django_db_blocker.unblock():
        return connection.creation.serialize_db_to_string()


@pytest.fixture(autouse=True)
def _migrated_rows_back(request):
    """Browser tests and tests of concurrent work commit for real and end by flushing every
    table, the rows the data migrations wrote with them; put those back before each one so it
    starts from the same database as every other test.
    """
    if not {"live_server", "transactional_db"} & set(request.fixturenames):
        return
    rows = request.getfixturevalue("_migrated_rows")
    request.getfixturevalue("transactional_db")
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    if Group.objects.exists():
        return
    # The flush re-created content types and permissions under new ids; take back the originals.
    Permission.objects.all().delete()
    ContentType.objects.all().delete()
    ContentType.objects.clear_cache()
    connection.creation.deserialize_db_from_string(rows)


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
