import pytest

from setia.knowledge import search
from setia.knowledge.demo_load import load_answers


@pytest.fixture
def demo_answers(manager):
    """The demo's agreed answers, approved."""
    result = load_answers(actor=manager)
    assert result.rejected == 0, result.errors
    return result


@pytest.fixture(autouse=True)
def _fresh_synonyms():
    """Each test reads the synonym list of its own database (a process keeps it seconds)."""
    search.forget_synonyms()
