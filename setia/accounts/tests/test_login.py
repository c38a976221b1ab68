import pytest
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
