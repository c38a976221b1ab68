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
PASSWORD = reverse("accounts:password-change")
PASSWORD_FOR_TESTS = "password-for-tests"  # what make_user sets
LIST = reverse("customers:customer-list")


@pytest.fixture
def user(team_a):
    return make_user(Role.EXECUTIVE, team=team_a, email="rina@example.test")


def _log_in(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def _logged_in_as(client):
    return client.session.get(SESSION_KEY)


def _error_code(response) -> str:
    [error] = response.context["form"].non_field_errors().as_data()
    return error.code


# Logging in


def test_it_shows_the_login_page(client):
    response = client.get(LOGIN)

    assert response.status_code == 200
    assert 'name="username"' in response.text
    assert 'type="email"' in response.text
    assert 'name="password"' in response.text


@pytest.mark.parametrize(
    "username", ["rina@example.test", "RINA@Example.TEST", "  Rina@example.test  "]
)
def test_it_logs_in_with_the_email_in_any_case(client, user, username):
    response = _log_in(client, username, PASSWORD_FOR_TESTS)

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert _logged_in_as(client) == str(user.pk)


def test_it_follows_a_safe_next_address_after_logging_in(client, user):
    response = client.post(
        f"{LOGIN}?next={LIST}", {"username": "rina@example.test", "password": PASSWORD_FOR_TESTS}
    )

    assert response.url == LIST


def test_it_ignores_a_next_address_on_another_site(client, user):
    response = client.post(
        f"{LOGIN}?next=https://evil.example/",
        {"username": "rina@example.test", "password": PASSWORD_FOR_TESTS},
    )

    assert response.url == reverse("home")


def test_it_shows_an_error_for_a_wrong_password(client, user):
    response = _log_in(client, "rina@example.test", "wrong-password")

    assert response.status_code == 200
    assert _error_code(response) == "invalid_login"
    assert 'class="flash flash-error" role="alert"' in response.text
    assert _logged_in_as(client) is None


def test_it_shows_the_same_error_for_an_unknown_email(client, user):
    response = _log_in(client, "nobody@example.test", PASSWORD_FOR_TESTS)

    assert response.status_code == 200
    assert _error_code(response) == "invalid_login"
    assert _logged_in_as(client) is None


def test_it_treats_the_password_as_case_sensitive(client, user):
    response = _log_in(client, "rina@example.test", PASSWORD_FOR_TESTS.upper())

    assert _error_code(response) == "invalid_login"
    assert _logged_in_as(client) is None


def test_it_refuses_a_deactivated_account(client, user):
    user.is_active = False
    user.save(update_fields=["is_active"])

    response = _log_in(client, "rina@example.test", PASSWORD_FOR_TESTS)

    assert response.status_code == 200
    assert _logged_in_as(client) is None


def test_it_sends_a_logged_in_user_on(client, user):
    client.force_login(user)

    response = client.get(LOGIN)

    assert response.status_code == 302
    assert response.url == reverse("home")


def test_it_sends_the_home_page_to_the_customer_list(client, user):
    client.force_login(user)

    response = client.get(reverse("home"))

    # executives (and interns) land on their tasks, "my day"
    assert response.status_code == 302
    assert response.url == reverse("work:my-day")


def test_it_sends_anonymous_visitors_of_the_home_page_to_log_in(client):
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next=/"


# Lockout


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


# Logging out


def test_it_logs_out_on_post(client, user):
    client.force_login(user)

    response = client.post(LOGOUT)

    assert response.status_code == 302
    assert response.url == LOGIN
    assert _logged_in_as(client) is None
    assert client.get(LIST).status_code == 302


def test_it_does_not_log_out_on_get(client, user):
    client.force_login(user)

    response = client.get(LOGOUT)

    assert response.status_code == 405
    assert _logged_in_as(client) == str(user.pk)


# Changing the password


def test_it_shows_the_password_form(client, user):
    client.force_login(user)

    response = client.get(PASSWORD)

    assert response.status_code == 200
    assert set(response.context["form"].fields) == {
        "old_password",
        "new_password1",
        "new_password2",
    }


def test_it_changes_the_password_and_keeps_the_user_logged_in(client, user):
    client.force_login(user)

    response = client.post(
        PASSWORD,
        {
            "old_password": PASSWORD_FOR_TESTS,
            "new_password1": "kopi-senja-di-jogja-2026",
            "new_password2": "kopi-senja-di-jogja-2026",
        },
    )

    assert response.status_code == 302
    assert response.url == reverse("home")
    user.refresh_from_db()
    assert user.check_password("kopi-senja-di-jogja-2026")
    assert client.get(LIST).status_code == 200


@pytest.mark.parametrize(
    ("old", "new1", "new2", "field"),
    [
        ("wrong-password", "kopi-senja-di-jogja-2026", "kopi-senja-di-jogja-2026", "old_password"),
        (
            PASSWORD_FOR_TESTS,
            "kopi-senja-di-jogja-2026",
            "kopi-senja-di-solo-2026",
            "new_password2",
        ),
        (PASSWORD_FOR_TESTS, "password", "password", "new_password2"),  # too common
        (PASSWORD_FOR_TESTS, "12345678901", "12345678901", "new_password2"),  # only digits
    ],
)
def test_it_refuses_a_bad_password_change(client, user, old, new1, new2, field):
    client.force_login(user)

    response = client.post(
        PASSWORD, {"old_password": old, "new_password1": new1, "new_password2": new2}
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    user.refresh_from_db()
    assert user.check_password(PASSWORD_FOR_TESTS)


def test_it_sends_anonymous_visitors_of_the_password_form_to_log_in(client):
    response = client.post(
        PASSWORD,
        {
            "old_password": "x",
            "new_password1": "kopi-senja-2026",
            "new_password2": "kopi-senja-2026",
        },
    )

    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next={PASSWORD}"


# Lockout per account, from any address


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
