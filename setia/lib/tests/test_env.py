import pytest
from django.core.exceptions import ImproperlyConfigured

from setia.lib.env import env_bool, env_choice, env_int, env_list


def test_it_reads_booleans_and_refuses_nonsense(monkeypatch):
    monkeypatch.setenv("FLAG", "Yes")
    assert env_bool("FLAG", default=False) is True
    monkeypatch.setenv("FLAG", "0")
    assert env_bool("FLAG", default=True) is False
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG"):
        env_bool("FLAG", default=False)


def test_it_reads_integers_with_a_minimum(monkeypatch):
    monkeypatch.delenv("NUMBER", raising=False)
    assert env_int("NUMBER", 5) == 5
    monkeypatch.setenv("NUMBER", "12")
    assert env_int("NUMBER", 5) == 12
    monkeypatch.setenv("NUMBER", "-1")
    with pytest.raises(ImproperlyConfigured, match="minimum"):
        env_int("NUMBER", 5, minimum=0)
    monkeypatch.setenv("NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env_int("NUMBER", 5)


def test_it_reads_lists_and_choices(monkeypatch):
    monkeypatch.setenv("HOSTS", " a.example , ,b.example")
    assert env_list("HOSTS", []) == ["a.example", "b.example"]
    monkeypatch.setenv("LANG_CHOICE", "fr")
    with pytest.raises(ImproperlyConfigured, match="one of: id, en"):
        env_choice("LANG_CHOICE", "id", ["id", "en"])
