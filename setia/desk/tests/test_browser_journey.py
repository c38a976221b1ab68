"""The foundation's user journey in a real browser (Debian's Chromium through Playwright)."""

import re

import pytest

from setia.accounts.models import Role
from setia.history.models import AuditEntry
from setia.test import make_contact, make_customer, make_team, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_finds_a_customer_by_phone_adds_a_contact_and_shows_the_history_in_both_languages(page):
    # given an English-speaking executive and a customer of their team
    team = make_team("Tim Barat")
    executive = make_user(
        Role.EXECUTIVE, team=team, email="rina@example.test", full_name="Rina W", language="en"
    )
    customer = make_customer(team=team, owner=executive, name="Kopi Senja")
    make_contact(customer, name="Budi Santoso", phone="+6281298765432")
    make_customer(team=team, owner=executive, name="Batik Lestari")

    # when they log in
    page.goto("/")
    page.get_by_label("Email").fill("RINA@example.test")
    page.get_by_label("Password").fill("password-for-tests")
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/work/$"))  # executives and interns land on "my day"
    page.goto("/customers/")

    # and search by the number as it is written on a phone
    page.locator("main").get_by_label("Search").fill("0812-9876")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=0812-9876"))
    assert page.locator("#result-count").inner_text().strip() == "1 customer"
    page.get_by_role("link", name="Kopi Senja").click()
    page.wait_for_url(re.compile(rf"/customers/{customer.code}/$"))

    # and add a contact inline (htmx), with the number in a messy format
    page.get_by_text("Add a contact").click()
    form = page.locator("#contacts form[hx-post]")
    form.get_by_label("Name").fill("Siti Rahayu")
    form.get_by_label("Phone").fill("+62 857 1234 5678")
    form.get_by_role("button", name="Add contact").click()

    # then the contact appears without a page load, with the number shown the Indonesian way
    contacts = page.locator("#contacts")
    contacts.get_by_text("0857-1234-5678").first.wait_for()
    assert "Siti Rahayu" in contacts.inner_text()
    assert customer.contacts.filter(name="Siti Rahayu", phone="+6285712345678").exists()
    assert (
        AuditEntry.objects.filter(
            customer=customer, object_type="customers.contact", action="create"
        ).count()
        == 1
    )

    # when they switch to Indonesian
    page.locator(".language-switch").get_by_role("button", name="ID").click()
    page.wait_for_load_state()

    # then the page and the history read in Indonesian, and the choice is remembered
    assert page.locator("html").get_attribute("lang") == "id"
    history = page.locator("#timeline")
    assert "Linimasa" in history.inner_text()
    assert "Siti Rahayu" in history.inner_text()
    assert "0857" not in page.get_by_text("+6285712345678").all_inner_texts()
    executive.refresh_from_db()
    assert executive.language == "id"
