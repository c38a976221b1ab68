"""Answering a customer from the compose box in a real browser: paste their message, insert
the agreed answer suggested, send it by WhatsApp. wa.me never leaves the test machine:
`page.route` answers it with a stub page."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from setia.accounts.models import Role
from setia.engagement.models import Message
from setia.knowledge.models import Article
from setia.knowledge.tests.factories import make_article
from setia.test import make_contact, make_customer, make_team, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ANSWER = "Bisa. Aktifkan COD di Pengaturan > Pembayaran > COD."


def test_an_executive_inserts_the_suggested_answer_and_sends_it(page):
    team = make_team("Tim Barat")
    manager = make_user(Role.MANAGER)
    make_user(Role.EXECUTIVE, team=team, email="rina@example.test", language="en")
    customer = make_customer(team=team, name="Kopi Senja")
    make_contact(customer, name="Budi Santoso", phone="+6281298765432", is_primary=True)
    make_article(
        actor=manager,
        key="cod",
        area="shipping",
        question_id="Apakah pembeli bisa bayar di tempat (COD)?",
        question_en="Can buyers pay cash on delivery?",
        answer_id=ANSWER,
        answer_en="Yes. Turn on COD under Settings > Payments > COD.",
    )
    make_article(actor=manager)  # another answer, about domains
    opened = []

    def answer_wa_me(route):
        opened.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<p>WhatsApp stub</p>")

    page.route(re.compile(r"^https://(api\.)?wa\.me/.*"), answer_wa_me)
    page.goto("/")
    page.get_by_label("Email").fill("rina@example.test")
    page.get_by_label("Password").fill("password-for-tests")
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/work/$"))
    page.goto(f"/customers/{customer.code}/")
    page.get_by_role("link", name="Send a WhatsApp message").click()
    page.wait_for_url(re.compile(r"/message/"))
    page.wait_for_load_state()

    # when they paste the customer's message as written
    page.get_by_label("Customer's message").fill("halo kak, bayar di tempat bisa ga? makasih")
    suggestions = page.locator("#answer-suggestions")
    suggestions.get_by_text("Can buyers pay cash on delivery?").wait_for()
    assert "bayar di tempat" in suggestions.inner_text()  # why it matched

    # and insert the agreed answer into the message
    suggestions.get_by_role("button", name="Insert in Indonesian").first.click()
    assert page.get_by_label("Message", exact=True).input_value() == ANSWER
    preview = page.locator("#compose-preview")
    preview.get_by_text(ANSWER).wait_for()

    # then sending opens WhatsApp with that answer, and the use is counted
    preview.get_by_role("button", name="Open in WhatsApp").click()
    page.wait_for_url(re.compile(r"^https://wa\.me/"))
    assert len(opened) == 1
    url = urlsplit(opened[0])
    assert url.path == "/6281298765432"
    assert parse_qs(url.query)["text"] == [ANSWER]
    assert Message.objects.get().body == ANSWER
    assert Article.objects.get(key="cod").use_count == 1
