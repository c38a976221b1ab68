"""Playwright driving Debian's Chromium, for the browser tests.

Browser tests skip with a reason when `chromium` is not installed; CI sets
SETIA_REQUIRE_BROWSER=1, which turns that skip into a failure.
"""

import os
import re
import shutil

import pytest
from playwright.sync_api import sync_playwright

from setia.test import TEST_PASSWORD

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium")
    if executable is None:
        message = (
            "Debian's chromium is not installed (apt-get install chromium); browser tests skipped."
        )
        if os.environ.get("SETIA_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # around it are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def log_in(page, email: str, landing: str = r"/(work|cadence)/$") -> None:
    """Log in through the login form as `email` (a user made by `setia.test.make_user`) and
    wait for the page people land on (executives on "my day", managers on their home)."""
    page.goto("/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(landing))


def log_out(page) -> None:
    """Log out from the top bar and wait for the login page."""
    page.locator(".topbar").get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
