import re

import pytest
from django.urls import reverse

from setia.accounts.models import Role
from setia.test import make_user

URL = reverse("accounts:language")
LIST = reverse("customers:customer-list")
LOGIN = reverse("accounts:login")


def _html_lang(response) -> str:
    match = re.search(r'<html lang="([^"]*)">', response.text)
    assert match, "no <html lang> in the page"
    return match.group(1)


@pytest.fixture
def user(team_a):
    return make_user(Role.EXECUTIVE, team=team_a, language="id")


@pytest.mark.parametrize(("before", "after"), [("id", "en"), ("en", "id")])
def test_it_stores_the_language_and_serves_later_pages_in_it(client, team_a, before, after):
    user = make_user(Role.EXECUTIVE, team=team_a, language=before)
    client.force_login(user)

    response = client.post(URL, {"language": after, "next": LIST})
    page = client.get(LIST)

    assert response.status_code == 302
    assert response.url == LIST
    user.refresh_from_db()
    assert user.language == after
    assert page.headers["Content-Language"] == after
    assert _html_lang(page) == after
    assert f'value="{after}" class="link-button is-current" aria-pressed="true"' in page.text


def test_it_follows_the_user_not_the_browser(client, user):
    client.force_login(user)
    client.post(URL, {"language": "en", "next": LIST})

    page = client.get(LIST, headers={"Accept-Language": "id"})

    assert page.headers["Content-Language"] == "en"
    assert _html_lang(page) == "en"


def test_it_follows_the_user_on_another_device(client, user):
    client.force_login(user)
    client.post(URL, {"language": "en"})
    client.cookies.clear()
    client.force_login(user)

    page = client.get(LIST)

    assert _html_lang(page) == "en"


def test_it_translates_the_page(client, user):
    client.force_login(user)

    client.post(URL, {"language": "en"})
    english = client.get(LIST)
    client.post(URL, {"language": "id"})
    indonesian = client.get(LIST)

    assert english.text != indonesian.text
    assert "<title>Customers · Setia</title>" in english.text


def test_it_remembers_an_anonymous_visitors_choice_in_a_cookie(client):
    response = client.post(URL, {"language": "id", "next": LOGIN})
    page = client.get(LOGIN)

    assert response.status_code == 302
    assert response.url == LOGIN
    assert response.cookies["setia_language"].value == "id"
    assert response.cookies["setia_language"]["samesite"] == "Lax"
    assert page.headers["Content-Language"] == "id"
    assert _html_lang(page) == "id"


def test_it_sets_the_cookie_for_a_signed_in_user_too(client, user):
    client.force_login(user)

    response = client.post(URL, {"language": "en"})

    assert response.cookies["setia_language"].value == "en"


@pytest.mark.parametrize("language", ["fr", "", "EN", "en-us"])
def test_it_refuses_an_unknown_language(client, user, language):
    client.force_login(user)

    response = client.post(URL, {"language": language, "next": LIST})

    assert response.status_code == 400
    user.refresh_from_db()
    assert user.language == "id"
    assert "setia_language" not in response.cookies


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", ""]
)
def test_it_never_redirects_off_the_site(client, user, next_url):
    client.force_login(user)

    response = client.post(URL, {"language": "en", "next": next_url})

    assert response.status_code == 302
    assert response.url == "/"


def test_it_keeps_the_query_string_of_the_next_page(client, user):
    client.force_login(user)

    response = client.post(URL, {"language": "en", "next": f"{LIST}?q=batik&page=2"})

    assert response.url == f"{LIST}?q=batik&page=2"


def test_it_switches_only_on_post(client, user):
    client.force_login(user)

    response = client.get(URL, {"language": "en"})

    assert response.status_code == 405
    user.refresh_from_db()
    assert user.language == "id"
