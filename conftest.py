"""Persona fixtures for the whole suite (factories live in setia/test.py)."""

import pytest
from django.core.cache import caches
from django.utils import translation
from pytest_django.plugin import blocking_manager_key

from setia.accounts.models import Role
from setia.test import make_customer, make_team, make_user

# Fixtures shared by test modules of several folders (bulk sends, the WhatsApp fake API, a
# real SMTP server).
pytest_plugins = [
    "setia.engagement.tests.bulk_fixtures",
    "setia.engagement.tests.whatsapp_fixtures",
    "setia.engagement.tests.smtp",
]


@pytest.fixture(autouse=True)
def _reset_language():
    """A request activates its user's language in the test's thread; the next test starts afresh."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _reset_caches():
    """Request counts and cached figures are kept per user or row id, and ids repeat between
    tests: each starts with empty caches."""
    caches["ratelimit"].clear()
    caches["default"].clear()


# The rows the migrations wrote (roles, categories, plans, tiers, stages…), serialized by the
# first test that commits for real, before its flush.
_MIGRATED: dict[str, str] = {}


def _commits(item) -> bool:
    """Whether `item` commits for real and so ends by flushing every table: browser tests and
    tests of concurrent work."""
    marker = item.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction"))
    return transactional or bool({"live_server", "transactional_db"} & set(item.fixturenames))


@pytest.fixture(autouse=True)
def _migrated_rows_kept(request, django_db_blocker):
    """Before the first test that commits for real, keep the migrated rows to put back."""
    if _commits(request.node) and "rows" not in _MIGRATED:
        request.getfixturevalue("django_db_setup")
        from django.db import connection

        with django_db_blocker.unblock():
            _MIGRATED["rows"] = connection.creation.serialize_db_to_string()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a test that commits for real, once its flush has emptied every table, put the
    migrated rows back, so that every test starts from the database the migrations made."""
    result = yield
    # After the session's last test its database is already gone: nothing to put back.
    if nextitem is not None and _commits(item) and "rows" in _MIGRATED:
        from django.contrib.auth.models import Group, Permission
        from django.contrib.contenttypes.models import ContentType
        from django.db import connection

        with item.config.stash[blocking_manager_key].unblock():
            if not Group.objects.exists():
                # The flush re-created content types and permissions under new ids; take back
                # the originals.
                Permission.objects.all().delete()
                ContentType.objects.all().delete()
                ContentType.objects.clear_cache()
                connection.creation.deserialize_db_from_string(_MIGRATED["rows"])
    return result


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
