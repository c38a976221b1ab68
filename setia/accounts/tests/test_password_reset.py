"""A forgotten password, reset by e-mail (locmem backend), without telling which addresses
have an account."""

import re

from django.core import mail
from django.urls import reverse

from setia.accounts.models import Role
from setia.test import make_user

RESET = reverse("accounts:password-reset")
SENT = reverse("accounts:password-reset-sent")


def _link(message) -> str:
    found = re.search(r"https?://[^/]+(/\S+)", message.body)
    assert found, message.body
    return found.group(1)


def test_the_login_page_links_to_it(client, db):
    response = client.get(reverse("accounts:login"))
    assert f'href="{RESET}"' in response.text


def test_a_known_address_gets_a_link_that_sets_a_new_password(client, db):
    user = make_user(Role.EXECUTIVE, email="rina@example.test", full_name="Rina", language="en")

    response = client.post(RESET, {"email": "Rina@Example.test"})

    assert response.status_code == 302 and response["Location"] == SENT
    [message] = mail.outbox
    assert message.to == ["rina@example.test"]
    assert message.subject == "Setia: choose a new password"
    assert message.body.startswith("Hello Rina,")
    form = client.get(_link(message), follow=True)
    assert form.status_code == 200 and form.context["validlink"]
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-new-long-password-9", "new_password2": "a-new-long-password-9"},
        follow=True,
    )
    assert done.redirect_chain[-1][0] == reverse("accounts:login")
    assert "Your password was changed. Log in with it." in done.text
    user.refresh_from_db()
    assert user.check_password("a-new-long-password-9")
    # the link works once
    again = client.get(_link(message), follow=True)
    assert not again.context["validlink"]
    assert "This link has expired or was used already." in again.text


def test_passwords_that_differ_are_refused_in_place(client, db):
    make_user(Role.EXECUTIVE, email="rina@example.test", language="en")
    client.post(RESET, {"email": "rina@example.test"})
    form = client.get(_link(mail.outbox[0]), follow=True)

    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-new-long-password-9", "new_password2": "another-password-9"},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["new_password2"]


def test_the_email_is_in_its_owners_language(client, db):
    make_user(Role.INTERN, email="intan@example.test", full_name="Intan", language="id")

    client.post(RESET, {"email": "intan@example.test"}, headers={"accept-language": "en"})

    [message] = mail.outbox
    assert message.subject == "Setia: pilih kata sandi baru"
    assert message.body.startswith("Halo Intan,")


def test_an_unknown_or_disabled_address_gets_the_same_answer_and_no_email(client, db):
    make_user(Role.VIEWER, email="gone@example.test", is_active=False)
    known = make_user(Role.VIEWER, email="here@example.test")

    answers = [
        client.post(RESET, {"email": email}, follow=True)
        for email in ("nobody@example.test", "gone@example.test", known.email)
    ]

    assert {answer.redirect_chain[-1][0] for answer in answers} == {SENT}
    pages = {re.search(r"<main.*</main>", answer.text, re.S).group(0) for answer in answers}
    assert len(pages) == 1  # the same page whether or not the address has an account
    assert [message.to for message in mail.outbox] == [[known.email]]


def test_a_malformed_address_is_refused_in_place(client, db):
    response = client.post(RESET, {"email": "not an address"})

    assert response.status_code == 400
    assert response.context["form"].errors["email"]
    assert not mail.outbox


# --- request limits ----------------------------------------------------------------------------


def _assert_limited_in_english(response):
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600
    minutes = -(-int(response["Retry-After"]) // 60)
    assert (
        "Too many reset links were asked for in a short time. "
        f"Try again in {minutes} minute{'s' if minutes > 1 else ''}."
    ) in response.text


def test_requests_for_one_address_are_limited_whatever_its_spelling(client, db, settings):
    settings.RATE_LIMIT_PASSWORD_RESET_ADDRESS = "2/h"
    make_user(Role.EXECUTIVE, email="rina@example.test", language="en")
    english = {"accept-language": "en"}

    first = client.post(RESET, {"email": "rina@example.test"}, headers=english)
    second = client.post(RESET, {"email": " Rina@Example.TEST "}, headers=english)
    third = client.post(RESET, {"email": "RINA@example.test"}, headers=english)

    assert (first.status_code, second.status_code) == (302, 302)
    _assert_limited_in_english(third)
    assert len(mail.outbox) == 2  # no third e-mail
    assert third.context["form"]  # the form is there to try again later
    other = client.post(RESET, {"email": "budi@example.test"}, headers=english)
    assert other.status_code == 302  # another address is not held back


def test_an_address_without_an_account_is_limited_alike(client, db, settings):
    settings.RATE_LIMIT_PASSWORD_RESET_ADDRESS = "1/h"
    make_user(Role.EXECUTIVE, email="rina@example.test")
    english = {"accept-language": "en"}
    pages = []
    for email in ("rina@example.test", "nobody@example.test"):
        assert client.post(RESET, {"email": email}, headers=english).status_code == 302
        limited = client.post(RESET, {"email": email}, headers=english)
        _assert_limited_in_english(limited)
        page = re.search(r"<main.*</main>", limited.text, re.S).group(0)
        # Each address's window starts at its own moment: the minutes may differ.
        page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)
        pages.append(re.sub(r"\d+ minute", "N minute", page))

    assert pages[0] == pages[1]  # the same answer: it tells nobody which address has an account


def test_requests_from_one_client_address_are_limited(client, db, settings):
    settings.RATE_LIMIT_PASSWORD_RESET_IP = "3/h"
    english = {"accept-language": "en"}

    answers = [
        client.post(
            RESET, {"email": f"user{n}@example.test"}, headers=english, REMOTE_ADDR="203.0.113.7"
        )
        for n in range(4)
    ]

    assert [answer.status_code for answer in answers[:3]] == [302, 302, 302]
    _assert_limited_in_english(answers[3])
    elsewhere = client.post(
        RESET, {"email": "user9@example.test"}, headers=english, REMOTE_ADDR="203.0.113.8"
    )
    assert elsewhere.status_code == 302
    assert client.get(RESET, REMOTE_ADDR="203.0.113.7").status_code == 200  # the form still shows


def test_the_limit_speaks_indonesian(client, db, settings):
    settings.RATE_LIMIT_PASSWORD_RESET_ADDRESS = "1/h"
    indonesian = {"accept-language": "id"}
    client.post(RESET, {"email": "rina@example.test"}, headers=indonesian)

    limited = client.post(RESET, {"email": "rina@example.test"}, headers=indonesian)

    assert limited.status_code == 429
    assert "Terlalu banyak permintaan tautan" in limited.text
