"""A mistake in any form reached from the 360 page is answered in place, in a real browser: the
page stays (header, customer, the other cards), the error stands beside the field, nothing is
saved, with DEBUG on (as under `make run`) and off (as in production)."""

import re

import pytest

from setia.accounts.models import Role
from setia.customers.models import Contact, Store, Subscription
from setia.engagement.models import Interaction, RetentionOffer
from setia.test import make_customer, make_subscription, make_team, make_user
from setia.work.schedule.models import Task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(params=[False, True], ids=["debug-off", "debug-on"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


@pytest.fixture
def customer(debug, page):
    team = make_team("Tim Barat")
    rina = make_user(Role.EXECUTIVE, team=team, email="rina@example.test", language="en")
    customer = make_customer(team=team, owner=rina, name="Kopi Senja")
    page.goto("/")
    page.get_by_label("Email").fill("rina@example.test")
    page.get_by_label("Password").fill("password-for-tests")
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/work/$"))
    page.goto(customer.get_absolute_url())
    return customer


def _still_the_page(page, heading):
    """The page kept its layout: the site's header and the page's own heading are there."""
    assert page.locator("header").first.is_visible()
    assert heading in page.locator("h1").first.inner_text()


def test_a_contact_with_a_bad_phone(page, customer):
    page.get_by_text("+ Add a contact").click()
    contacts = page.locator("#contacts")
    contacts.get_by_label("Name").fill("Sari")
    contacts.get_by_label("Phone").fill("0812-34")
    contacts.get_by_role("button", name="Add contact").click()

    error = contacts.locator(".field.has-error", has=page.get_by_label("Phone")).locator(".error")
    error.wait_for()
    assert "0812-34" in error.inner_text()
    assert contacts.get_by_label("Name").input_value() == "Sari"  # nothing typed is lost
    _still_the_page(page, "Kopi Senja")
    assert page.url.endswith(customer.get_absolute_url())
    assert not Contact.objects.exists()


def test_a_call_with_nothing_written(page, customer):
    page.get_by_role("link", name="Log a call").click()
    slot = page.locator("#log-slot")
    slot.get_by_label("Follow up on").fill("2026-12-24")
    slot.get_by_role("button", name="Save").click()

    error = slot.locator(".field.has-error", has=page.get_by_label("Summary"))
    error.locator(".error").wait_for()
    assert "Write what it was about." in error.inner_text()
    assert slot.get_by_label("Follow up on").input_value() == "2026-12-24"
    _still_the_page(page, "Kopi Senja")
    assert not Interaction.objects.exists()


def test_a_store_with_a_bad_address(page, customer):
    page.locator("#stores").get_by_role("link", name="+ Add a store").click()
    page.get_by_label("URL").fill("not an address")
    page.get_by_role("button", name="Save").click()

    error = page.locator(".field.has-error", has=page.get_by_label("URL")).locator(".error")
    error.wait_for()
    assert "https://tokoanda.com" in error.inner_text()
    _still_the_page(page, "store")
    assert not Store.objects.exists()


def test_a_subscription_renewing_before_it_starts(page, customer):
    page.locator("#subscription").get_by_role("link", name="+ Add").click()
    page.get_by_label("Start date").fill("2026-01-15")
    page.get_by_label("Renewal date").fill("2025-12-15")
    page.get_by_label("Monthly price (Rp)").fill("499.000")
    page.get_by_role("button", name="Save").click()

    error = page.locator(".field.has-error", has=page.get_by_label("Renewal date"))
    error.locator(".error").wait_for()
    assert "cannot be before the start date" in error.inner_text()
    assert page.get_by_label("Monthly price (Rp)").input_value() == "499.000"
    _still_the_page(page, "ubscription")
    assert not Subscription.objects.exists()


def test_a_task_without_a_title(page, customer):
    page.locator("#tasks").get_by_role("link", name="+ New task").click()
    page.get_by_label("Title").fill("")
    page.get_by_role("button", name="Save").click()

    page.locator(".field.has-error", has=page.get_by_label("Title")).locator(".error").wait_for()
    _still_the_page(page, "task")
    assert not Task.objects.exists()


def test_an_offer_over_100_percent(page, customer):
    make_subscription(customer)
    page.reload()
    page.locator("#retention-offers").get_by_role("link", name="+ Propose").click()
    page.get_by_label("Discount (%)").fill("150")
    page.get_by_label("Months").fill("3")
    page.get_by_role("button", name="Save").click()

    error = page.locator(".field.has-error", has=page.get_by_label("Discount (%)"))
    error.locator(".error").wait_for()
    assert page.get_by_label("Months").input_value() == "3"
    _still_the_page(page, "ffer")
    assert not RetentionOffer.objects.exists()
