"""The global search box in a real browser: "/" focuses it, the arrow keys pick a result and
Enter opens it."""

import re

import pytest

from setia.accounts.models import Role
from setia.test import make_customer, make_team, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_slash_focuses_the_box_and_the_keys_open_a_customer(page):
    team = make_team("Tim Timur")
    executive = make_user(
        Role.EXECUTIVE, team=team, email="dewi@example.test", full_name="Dewi A", language="en"
    )
    customer = make_customer(team=team, owner=executive, name="Kopi Senja")
    make_customer(team=team, owner=executive, name="Kopi Pagi")
    make_customer(team=make_team("Tim Lain"), name="Kopi Rahasia")

    page.goto("/")
    page.get_by_label("Email").fill("dewi@example.test")
    page.get_by_label("Password").fill("password-for-tests")
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/work/$"))

    # when they press "/" outside any field and type
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("/")
    box = page.locator("#global-search-q")
    assert box.evaluate("element => element === document.activeElement")
    page.keyboard.type("kopi")

    # then the results drop under the box, grouped, without the other team's customer
    results = page.locator("#global-search-results")
    results.get_by_text("Kopi Senja").wait_for()
    assert results.locator("h2").first.text_content() == "Customers"
    assert "Kopi Rahasia" not in results.inner_text()

    # and the arrow keys and Enter open the chosen customer
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.locator("a.search-result.is-active").inner_text().startswith("Kopi Senja")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/customers/{customer.code}/$"))


def test_the_box_fits_a_phone_and_works_without_the_dropdown(page):
    team = make_team("Tim Timur")
    make_user(Role.EXECUTIVE, team=team, email="dewi@example.test", language="id")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    page.get_by_label("Email").fill("dewi@example.test")
    page.get_by_label("Password").fill("password-for-tests")
    page.locator("main").get_by_role("button").first.click()
    page.wait_for_url(re.compile(r"/work/$"))

    page.locator("#global-search-q").fill("ab")
    page.locator("#global-search-q").press("Enter")

    page.wait_for_url(re.compile(r"/search/\?q=ab"))
    assert "Ketik minimal 3 karakter" in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
