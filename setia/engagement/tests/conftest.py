"""The suite's personas, reading the pages in English so tests can assert the English text."""

import pytest


def _english(user):
    user.language = "en"
    user.save(update_fields=["language"])
    return user


@pytest.fixture
def manager(manager):
    return _english(manager)


@pytest.fixture
def executive(executive):
    return _english(executive)


@pytest.fixture
def intern(intern):
    return _english(intern)


@pytest.fixture
def viewer(viewer):
    return _english(viewer)


@pytest.fixture
def other_executive(other_executive):
    return _english(other_executive)


@pytest.fixture
def admin_user(admin_user):
    return _english(admin_user)


@pytest.fixture
def roles(transactional_db):
    """The role groups and their permissions, which migrations created but an earlier
    transactional (browser) test flushed away: run those migrations' functions again."""
    import importlib

    from django.apps import apps

    importlib.import_module("setia.accounts.migrations.0002_create_roles").create_roles(apps, None)
    for name in GRANTING_MIGRATIONS:
        importlib.import_module(f"setia.engagement.migrations.{name}").grant(apps, None)


# The engagement migrations that grant permissions to the role groups, in order.
GRANTING_MIGRATIONS = [
    "0003_interaction_permissions",
    "0005_template_permissions",
    "0008_offer_permissions",
]
