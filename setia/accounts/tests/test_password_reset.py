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
