"""Sessions: a new key at login, logout on POST only, an idle timeout that activity extends, an
absolute cap, and disabling a user ends their sessions."""

import datetime

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.urls import reverse

from setia.accounts import actions
from setia.accounts.middleware import ACTIVITY_EVERY_SECONDS, LOGIN_AT, SEEN_AT
from setia.accounts.models import Role
from setia.test import make_user

LOGIN = reverse("accounts:login")
LIST = reverse("customers:customer-list")
START = "2026-06-01 08:00:00+07:00"


@pytest.fixture
def user(team_a):
    return make_user(Role.EXECUTIVE, team=team_a, email="rina@example.test")


@pytest.fixture
def signed_in(client, user, time_machine):
    """A client that logged in through the login page at START."""
    time_machine.move_to(START, tick=False)
    response = client.post(LOGIN, {"username": user.email, "password": "password-for-tests"})
    assert response.status_code == 302
    return client


def _seconds(seconds: int) -> datetime.timedelta:
    return datetime.timedelta(seconds=seconds)


def _is_sent_to_log_in(response) -> bool:
    return response.status_code == 302 and response.url == f"{LOGIN}?next={LIST}"


def test_it_records_when_the_session_started(signed_in):
    session = signed_in.session

    assert (
        session[LOGIN_AT]
        == session[SEEN_AT]
        == int(datetime.datetime.fromisoformat(START).timestamp())
    )


def test_it_ends_an_idle_session(signed_in, time_machine):
    time_machine.shift(_seconds(settings.SESSION_COOKIE_AGE))

    response = signed_in.get(LIST)

    assert _is_sent_to_log_in(response)
    assert SESSION_KEY not in signed_in.session


def test_it_keeps_a_session_idle_for_less_than_the_window(signed_in, time_machine):
    time_machine.shift(_seconds(settings.SESSION_COOKIE_AGE - 1))

    assert signed_in.get(LIST).status_code == 200


def test_it_extends_the_session_with_activity(signed_in, time_machine):
    # Three idle windows' worth of time, with a request every half window.
    half = settings.SESSION_COOKIE_AGE // 2
    statuses = []
    for _ in range(6):
        time_machine.shift(_seconds(half))
        statuses.append(signed_in.get(LIST).status_code)

    assert statuses == [200] * 6


def test_it_writes_activity_down_at_most_once_a_minute(signed_in, time_machine, user):
    seen_at = signed_in.session[SEEN_AT]
    expiry = Session.objects.get().expire_date

    time_machine.shift(_seconds(ACTIVITY_EVERY_SECONDS - 1))
    signed_in.get(LIST)
    unchanged = (signed_in.session[SEEN_AT], Session.objects.get().expire_date)
    time_machine.shift(_seconds(1))
    signed_in.get(LIST)

    assert unchanged == (seen_at, expiry)
    assert signed_in.session[SEEN_AT] == seen_at + ACTIVITY_EVERY_SECONDS
    assert Session.objects.get().expire_date == expiry + _seconds(ACTIVITY_EVERY_SECONDS)


def test_it_ends_a_session_at_the_absolute_cap_however_active(signed_in, time_machine):
    step = settings.SESSION_COOKIE_AGE // 2
    statuses = []
    elapsed = 0
    while elapsed + step < settings.SESSION_ABSOLUTE_SECONDS:
        time_machine.shift(_seconds(step))
        elapsed += step
        statuses.append(signed_in.get(LIST).status_code)
    time_machine.shift(_seconds(settings.SESSION_ABSOLUTE_SECONDS - elapsed))

    response = signed_in.get(LIST)

    assert set(statuses) == {200}
    assert _is_sent_to_log_in(response)
    assert SESSION_KEY not in signed_in.session


def test_it_starts_the_clock_again_on_a_new_login(signed_in, time_machine, user):
    time_machine.shift(_seconds(settings.SESSION_ABSOLUTE_SECONDS))
    assert _is_sent_to_log_in(signed_in.get(LIST))

    signed_in.post(LOGIN, {"username": user.email, "password": "password-for-tests"})

    assert signed_in.get(LIST).status_code == 200


def test_it_kills_the_sessions_of_a_disabled_user(client, user, admin_user, time_machine):
    time_machine.move_to(START, tick=False)
    client.force_login(user)
    other_device = client.__class__()
    other_device.force_login(user)
    bystander = make_user(Role.EXECUTIVE, email="dimas@example.test")
    client_of_bystander = client.__class__()
    client_of_bystander.force_login(bystander)

    actions.deactivate_user(user=user, actor=admin_user)
    user.is_active = True
    user.save(update_fields=["is_active"])

    assert _is_sent_to_log_in(client.get(LIST))
    assert _is_sent_to_log_in(other_device.get(LIST))
    assert client_of_bystander.get(LIST).status_code == 200
    user.refresh_from_db()
    assert user.is_active


def test_it_kills_the_sessions_of_a_user_disabled_in_the_admin(client, user, admin_client):
    client.force_login(user)
    url = reverse("admin:accounts_user_change", args=[user.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        is_active="",
        groups=[group.pk for group in user.groups.all()],
        user_permissions=[],
        team=user.team_id,
    )
    data.pop("is_active")
    data.pop("last_login", None)
    data.pop("date_joined", None)

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert not user.is_active
    assert _is_sent_to_log_in(client.get(LIST))
    user.is_active = True
    user.save(update_fields=["is_active"])
    assert _is_sent_to_log_in(client.get(LIST))


def test_it_kills_the_sessions_of_users_disabled_by_the_admin_action(client, user, admin_client):
    client.force_login(user)

    response = admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "deactivate_selected", "_selected_action": [user.pk]},
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.is_active
    assert _is_sent_to_log_in(client.get(LIST))


LOGOUT = reverse("accounts:logout")


def _logged_in_as(client):
    return client.session.get(SESSION_KEY)


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


def test_it_gives_the_session_a_new_key_at_login(client, user):
    # A key planted before login (session fixation) must not become the signed-in session.
    client.get(LOGIN)
    session = client.session
    session["planted"] = "yes"
    session.save()
    planted = session.session_key

    response = client.post(LOGIN, {"username": user.email, "password": "password-for-tests"})

    assert response.status_code == 302
    assert client.session.session_key != planted
    assert not Session.objects.filter(session_key=planted).exists()
    assert _logged_in_as(client) == str(user.pk)


def test_logging_out_deletes_the_session_from_the_store(client, user):
    client.force_login(user)
    key = client.session.session_key

    client.post(LOGOUT)

    assert not Session.objects.filter(session_key=key).exists()
