import pytest

from setia.knowledge.demo_load import load_answers


@pytest.fixture
def demo_answers(manager):
    """The demo's agreed answers, approved."""
    result = load_answers(actor=manager)
    assert result.rejected == 0, result.errors
    return result
