"""The suite's personas reading the pages in English, for apps whose tests assert English text.

An app opts in from its tests/conftest.py with `from setia.english_personas import *`.
"""

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
