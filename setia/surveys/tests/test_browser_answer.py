"""A contact answers a survey on a phone; the answer shows on the customer's timeline and,
once scores are computed, moves the health card of the 360 page."""

import re

import pytest
from django.urls import reverse

from setia.accounts.models import Role
from setia.health.actions import compute_health
from setia.health.tests.factories import only_factors
from setia.lib.dates import today
from setia.surveys import links
from setia.surveys.tests.factories import make_invitation
from setia.test import make_contact, make_customer, make_team, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_survey_answered_on_a_phone_shows_on_the_timeline_and_moves_the_score(
    browser, live_server
):
    team = make_team("Tim Barat")
    owner = make_user(Role.EXECUTIVE, team=team, email="rina@example.test", language="en")
    customer = make_customer(team=team, owner=owner, name="Kopi Senja")
    contact = make_contact(customer, name="Budi Santoso", is_primary=True)
    only_factors("contact", "survey")  # contact: joined today, good
    compute_health(today=today())
    invitation = make_invitation(contact, language="id")

    phone = browser.new_context(
        base_url=live_server.url, locale="id-ID", viewport={"width": 390, "height": 844}
    )
    phone.set_default_timeout(10_000)
    page = phone.new_page()
    page.goto(reverse("survey-public:answer", args=[links.token_for(invitation)]))
    page.get_by_role("heading", name=re.compile("Seberapa besar kemungkinan")).wait_for()
    page.get_by_role("link", name="English").click()
    page.get_by_role("heading", name=re.compile("How likely are you to recommend")).wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("radio", name="2", exact=True).check()
    page.get_by_label("What is the main reason for your score?").fill("Website sering lambat")
    page.get_by_role("button", name="Send answer").click()
    page.get_by_role("heading", name="Thank you!").wait_for()
    # the link is used up
    page.goto(reverse("survey-public:answer", args=[links.token_for(invitation)]))
    page.get_by_role("heading", name="Survei ini sudah dijawab").wait_for()  # its language
    phone.close()

    compute_health(today=today())

    desk = browser.new_context(
        base_url=live_server.url, locale="en-GB", viewport={"width": 390, "height": 844}
    )
    desk.set_default_timeout(10_000)
    page = desk.new_page()
    page.goto("/")
    page.get_by_label("Email").fill("rina@example.test")
    page.get_by_label("Password").fill("password-for-tests")
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/work/$"))
    page.goto(f"/customers/{customer.code}/")
    timeline = page.locator("#timeline")
    timeline.get_by_text("NPS answer 2 of 10 by Budi Santoso: “Website sering lambat”").wait_for()
    card = page.locator("#health")
    assert "Average · 50" in card.inner_text()
    assert "poor: last NPS/CSAT answer at 20% of the scale" in card.inner_text()
    desk.close()
