"""Click-to-chat from the 360 page in a real browser. wa.me never leaves the test machine:
`page.route` answers it with a stub page."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from setia.accounts.models import Role
from setia.engagement.models import Message
from setia.engagement.tests.factories import make_template
from setia.test import make_contact, make_customer, make_team, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_executive_sends_a_whatsapp_message_by_click_to_chat_and_sees_it_on_the_timeline(page):
    team = make_team("Tim Barat")
    make_user(Role.EXECUTIVE, team=team, email="rina@example.test", language="en")
    customer = make_customer(team=team, name="Kopi Senja")
    make_contact(customer, name="Budi Santoso", phone="+6281298765432", is_primary=True)
    make_template(name="Promo", body="Halo {contact}, ada promo untuk {customer}: {promo}")
    opened = []

    def answer_wa_me(route):
        opened.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<p>WhatsApp stub</p>")

    page.route(re.compile(r"^https://(api\.)?wa\.me/.*"), answer_wa_me)
    page.goto("/")
    page.get_by_label("Email").fill("rina@example.test")
    page.get_by_label("Password").fill("password-for-tests")
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/work/$"))  # executives and interns land on "my day"
    page.goto(f"/customers/{customer.code}/")

    # when they compose from the 360 page and preview with this customer's values
    page.get_by_role("link", name="Send a WhatsApp message").click()
    # htmx binds the live preview once the page has loaded: a change made before that (which
    # Playwright can do, a person hardly) reaches the preview only with the next one.
    page.wait_for_url(re.compile(r"/message/"))
    page.wait_for_load_state()
    page.get_by_label("Template").select_option(label="Promo (Indonesian)")
    page.get_by_label("Promo").fill("gratis ongkir")
    preview = page.locator("#compose-preview")
    preview.get_by_text("Halo Budi Santoso, ada promo untuk Kopi Senja: gratis ongkir").wait_for()
    preview.get_by_role("button", name="Open in WhatsApp").click()

    # then WhatsApp opens with the message for the stored number
    page.wait_for_url(re.compile(r"^https://wa\.me/"))
    assert len(opened) == 1
    url = urlsplit(opened[0])
    assert url.path == "/6281298765432"
    assert parse_qs(url.query)["text"] == [
        "Halo Budi Santoso, ada promo untuk Kopi Senja: gratis ongkir"
    ]
    assert Message.objects.get().status == "opened"

    # and the message is on the customer's timeline
    page.goto(f"/customers/{customer.code}/")
    timeline = page.locator("#timeline")
    timeline.get_by_text("Halo Budi Santoso, ada promo untuk Kopi Senja: gratis ongkir").wait_for()
    assert "Opened in WhatsApp" in timeline.inner_text()

    # and the quick chat on the 360 page goes the same way, without a template
    page.get_by_role("button", name="Chat with Budi Santoso on WhatsApp").click()
    page.wait_for_url("https://wa.me/6281298765432")
    assert Message.objects.count() == 2
