"""The main menu with the keyboard alone, at a desktop width."""

import re

import pytest

from setia.accounts.models import Role
from setia.test import make_team, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_opens_a_section_and_follows_an_entry_with_the_keyboard(page):
    # given a manager on their home
    make_user(Role.MANAGER, team=make_team("Tim Barat"), email="maya@example.test", language="en")
    page.goto("/")
    page.get_by_label("Email").fill("maya@example.test")
    page.get_by_label("Password").fill("password-for-tests")
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/cadence/$"))
    nav = page.locator(".mainnav")
    assert page.locator(".menu-button").is_hidden()
    assert nav.locator('summary[aria-current="true"]').inner_text() == "Team"

    # when they tab to the Work section and open it with Enter
    work = nav.locator("summary", has_text="Work")
    work.focus()
    page.keyboard.press("Enter")

    # then its entries show; Escape closes it and leaves the focus on it
    entries = nav.locator('[data-section="work"] a')
    assert entries.first.is_visible()
    assert entries.all_inner_texts() == [
        "My day",
        "Team board",
        "Calendar",
        "Call today",
        "Onboarding",
    ]
    page.keyboard.press("Escape")
    assert entries.first.is_hidden()
    assert page.evaluate("document.activeElement.textContent.trim()") == "Work"

    # and Space opens it again, Tab reaches an entry, Enter follows it
    page.keyboard.press(" ")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Team board"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/work/team/$"))
    assert nav.locator('summary[aria-current="true"]').inner_text() == "Work"
    assert nav.locator('a[aria-current="page"]').get_attribute("href") == "/work/team/"

    # and opening one section closes the one that was open
    nav.locator("summary", has_text="Messages").click()
    nav.locator("summary", has_text="Reports").click()
    assert nav.locator("details[open]").count() == 1
