"""A retention offer in a real browser: an executive proposes 30%, a manager approves it."""

import re

import pytest

from setia.accounts.models import Role
from setia.browser import log_in
from setia.engagement.models import RetentionOffer
from setia.test import make_customer, make_subscription, make_team, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_executive_proposes_an_offer_and_a_manager_approves_it(page):
    team = make_team("Tim Barat")
    executive = make_user(Role.EXECUTIVE, team=team, email="rina@example.test", language="en")
    make_user(Role.MANAGER, email="maya@example.test", full_name="Maya K", language="en")
    customer = make_customer(team=team, owner=executive, name="Kopi Senja")
    make_subscription(customer, monthly_price=1_000_000)

    # the executive proposes 30% for 6 months from the 360 page
    log_in(page, "rina@example.test")
    page.goto(f"/customers/{customer.code}/")
    page.locator("#retention-offers").get_by_role("link", name="Propose").click()
    page.get_by_label("What the customer asked").fill("50% for a year, or they move")
    page.get_by_label("What we offer").fill("30% for six months")
    page.get_by_label("Discount (%)").fill("30")
    page.get_by_label("Months").fill("6")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/engagement/offers/[0-9a-f-]+/$"))
    assert page.locator("#offer-status").inner_text() == "Awaiting approval"
    assert page.locator("#approval").count() == 0
    page.locator(".topbar").get_by_role("button", name="Log out").click()

    # the manager approves it
    offer = RetentionOffer.objects.get()
    log_in(page, "maya@example.test")
    page.goto(f"/engagement/offers/{offer.code}/")
    page.locator("#approval").get_by_role("button", name="Approve", exact=True).click()
    page.locator("#offer-status").get_by_text("Approved, offered").wait_for()
    offer.refresh_from_db()
    assert offer.approved_by.email == "maya@example.test"

    # and every step is on the customer's timeline
    page.goto(f"/customers/{customer.code}/")
    timeline = page.locator("#timeline")
    assert timeline.locator(".kind-offer").count() == 2
    assert "Approved, offered" in timeline.inner_text()
