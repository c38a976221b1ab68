import pytest

from setia.accounts.models import Role
from setia.knowledge.demo_load import load_answers
from setia.test import make_user


@pytest.fixture
def manager(db):
    return make_user(Role.MANAGER)


@pytest.fixture
def demo_answers(manager):
    """The demo's agreed answers, approved."""
    result = load_answers(actor=manager)
    assert result.rejected == 0, result.errors
    return result
