"""Brute force on the login: a lockout per e-mail and address (axes), and one per account across
every address, logged and shown to admins."""

import datetime

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from setia.accounts.models import Role
from setia.test import make_user

LOGIN = reverse("accounts:login")


LOGOUT = reverse("accounts:logout")


PASSWORD_FOR_TESTS = "password-for-tests"  # what make_user sets


@pytest.fixture
def user(team_a):
    return make_user(Role.EXECUTIVE, team=team_a, email="rina@example.test")


def _log_in(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def _logged_in_as(client):
    return client.session.get(SESSION_KEY)


def _fail(client, times, username="rina@example.test", **extra):
    return [_log_in(client, username, "wrong-password", **extra).status_code for _ in range(times)]


def test_it_locks_out_after_the_failure_limit_with_a_friendly_page(client, user):
    limit = settings.AXES_FAILURE_LIMIT

    statuses = _fail(client, limit)
    response = _log_in(client, "rina@example.test", PASSWORD_FOR_TESTS)

    # The attempt that reaches the limit is already answered with the lockout page.
    assert statuses == [200] * (limit - 1) + [429]
    assert response.status_code == 429
    assert "accounts/locked_out.html" in [template.name for template in response.templates]
    assert response.context["cooloff_minutes"] == settings.AXES_COOLOFF_TIME.total_seconds() // 60
    assert 'name="password"' not in response.text
    assert "Traceback" not in response.text
    assert f'href="{LOGIN}"' in response.text
    assert _logged_in_as(client) is None


def test_it_counts_failures_against_the_email_and_address(client, user):
    _fail(client, 2, username="Rina@Example.test")

    assert list(
        AccessAttempt.objects.values_list("username", "ip_address", "failures_since_start")
    ) == [("rina@example.test", "127.0.0.1", 2)]


def test_it_locks_the_username_regardless_of_its_case(client, user):
    _fail(client, settings.AXES_FAILURE_LIMIT - 1, username="RINA@example.test")

    response = _log_in(client, "rina@example.test", "wrong-password")

    assert response.status_code == 429


def test_it_still_lets_the_same_user_log_in_from_another_address(client, user):
    _fail(client, settings.AXES_FAILURE_LIMIT, REMOTE_ADDR="203.0.113.7")

    response = _log_in(client, "rina@example.test", PASSWORD_FOR_TESTS, REMOTE_ADDR="198.51.100.2")

    assert response.status_code == 302
    assert _logged_in_as(client) == str(user.pk)


def test_it_still_lets_another_user_log_in_from_the_same_address(client, user, team_a):
    colleague = make_user(Role.EXECUTIVE, team=team_a, email="dimas@example.test")
    _fail(client, settings.AXES_FAILURE_LIMIT)

    response = _log_in(client, "dimas@example.test", PASSWORD_FOR_TESTS)

    assert response.status_code == 302
    assert _logged_in_as(client) == str(colleague.pk)


def test_it_forgets_failures_after_a_successful_login(client, user):
    limit = settings.AXES_FAILURE_LIMIT
    _fail(client, limit - 1)
    _log_in(client, "rina@example.test", PASSWORD_FOR_TESTS)
    client.post(LOGOUT)

    statuses = _fail(client, limit - 1)

    assert statuses == [200] * (limit - 1)


def test_it_lets_a_locked_out_user_in_after_the_cool_off(client, user, time_machine):
    time_machine.move_to("2026-06-01 09:00:00+07:00", tick=False)
    _fail(client, settings.AXES_FAILURE_LIMIT)
    # An attempt during the lockout starts the cool-off again (axes' default).
    during = _log_in(client, "rina@example.test", PASSWORD_FOR_TESTS)

    time_machine.shift(settings.AXES_COOLOFF_TIME + datetime.timedelta(seconds=1))
    after = _log_in(client, "rina@example.test", PASSWORD_FOR_TESTS)

    assert during.status_code == 429
    assert after.status_code == 302
    assert _logged_in_as(client) == str(user.pk)


def _addresses(count):
    return [f"198.51.100.{number}" for number in range(1, count + 1)]


def test_it_locks_an_account_failing_from_many_addresses(client, user, settings, caplog):
    settings.ACCOUNT_LOCKOUT_FAILURES = 100
    addresses = _addresses(30)
    # 4 failures from each address (under the per-address limit), 120 in all, as an attacker
    # rotating addresses would.
    statuses = [_fail(client, 1, REMOTE_ADDR=address)[0] for _ in range(4) for address in addresses]

    response = _log_in(client, "rina@example.test", PASSWORD_FOR_TESTS, REMOTE_ADDR="192.0.2.9")

    assert statuses == [200] * 99 + [429] * 21
    assert response.status_code == 429
    assert response.context["account"] is True
    assert response.context["cooloff_minutes"] == 60
    assert "this account is paused after too many failed attempts" in response.text
    assert _logged_in_as(client) is None
    # The log masks the mailbox (setia.lib.logs), keeping the domain.
    assert "Login locked for account ***@example.test: 100 failed logins" in caplog.text


def test_it_shows_the_account_lock_to_admins(client, user, settings, admin_client):
    settings.ACCOUNT_LOCKOUT_FAILURES = 3
    for address in _addresses(4):
        _fail(client, 1, REMOTE_ADDR=address)

    response = admin_client.get(
        reverse("admin:axes_accessfailurelog_changelist"), {"locked_out__exact": "1"}
    )

    assert response.status_code == 200
    assert sorted(
        (row.ip_address, row.locked_out) for row in response.context["cl"].result_list
    ) == [("198.51.100.3", True), ("198.51.100.4", True)]


def test_it_does_not_lock_other_accounts(client, user, team_a, settings):
    settings.ACCOUNT_LOCKOUT_FAILURES = 3
    colleague = make_user(Role.EXECUTIVE, team=team_a, email="dimas@example.test")
    for address in _addresses(3):
        _fail(client, 1, REMOTE_ADDR=address)

    response = _log_in(client, "dimas@example.test", PASSWORD_FOR_TESTS)

    assert response.status_code == 302
    assert _logged_in_as(client) == str(colleague.pk)


def test_it_unlocks_an_account_once_its_failures_leave_the_window(
    client, user, settings, time_machine
):
    settings.ACCOUNT_LOCKOUT_FAILURES = 3
    time_machine.move_to("2026-06-01 09:00:00+07:00", tick=False)
    for address in _addresses(3):
        _fail(client, 1, REMOTE_ADDR=address)

    time_machine.shift(datetime.timedelta(minutes=settings.ACCOUNT_LOCKOUT_MINUTES, seconds=1))
    response = _log_in(client, "rina@example.test", PASSWORD_FOR_TESTS, REMOTE_ADDR="192.0.2.9")

    assert response.status_code == 302
    assert _logged_in_as(client) == str(user.pk)


def test_it_keeps_the_newest_failures_when_trimming_the_log(client, user, settings):
    settings.ACCOUNT_LOCKOUT_FAILURES = 1000
    settings.AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT = 3
    for address in _addresses(5):
        _fail(client, 1, REMOTE_ADDR=address)

    assert sorted(
        AccessFailureLog.objects.filter(username="rina@example.test").values_list(
            "ip_address", flat=True
        )
    ) == ["198.51.100.3", "198.51.100.4", "198.51.100.5"]
