"""Every page of the menu, and the main record pages, on a phone (390 by 844 px) in Chromium."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from setia.customers.demo_load import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
# Where to find the first record of each kind: a listing page, and the shape of a record's link.
RECORDS = {
    "customer": ("/customers/", rf"^/customers/{UUID}/$"),
    "task": ("/work/", rf"^/work/tasks/{UUID}/$"),
    "playbook run": ("/work/call-today/", rf"^/work/runs/{UUID}/$"),
    "offer": ("/engagement/offers/", rf"^/engagement/offers/{UUID}/$"),
    "guide": ("/library/", r"^/library/[\w-]+/$"),
    "message template": ("/engagement/templates/", rf"^/engagement/templates/{UUID}/$"),
    "duplicate to merge": ("/quality/duplicates/", rf"^/quality/duplicates/{UUID}/merge/$"),
}
# Pages one step from the menu, with forms or tables of their own.
MORE = [
    "/customers/new/",
    "/work/tasks/new/",
    "/imports/new/",
    "/segments/new/",
    "/quality/duplicates/",
    "/work/onboarding/list/",
]


def _links(page) -> list[str]:
    return page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")


def _scrolls_sideways(page) -> tuple[int, int] | None:
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    return (width, inner) if width > inner else None


def test_it_fits_every_page_on_a_phone_with_the_menu_behind_a_button(browser, live_server):
    # given the demo data, and its manager on a phone
    call_command("load_demo", customers=24, seed=4, verbosity=0, stdout=StringIO())
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-GB",
        viewport={"width": 390, "height": 844},
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/")
    page.get_by_label("Email").fill("manager@setia.test")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name=re.compile("Log in|Masuk")).click()
    page.wait_for_url(re.compile(r"/(customers|work)/$"))

    # the menu is folded behind its button, and the button opens it
    nav = page.locator(".mainnav")
    button = page.locator(".menu-button")
    assert button.is_visible()
    assert not nav.is_visible()
    button.click()
    assert button.get_attribute("aria-expanded") == "true"
    assert nav.is_visible()
    first_section = nav.locator("summary").first
    first_section.click()
    assert nav.locator("details[open] a").first.is_visible()

    menu = nav.locator("a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    pages = [href for href in menu if not href.startswith("/admin/")]
    for kind, (listing, shape) in RECORDS.items():
        page.goto(listing)
        record = next((href for href in _links(page) if re.match(shape, href)), None)
        assert record is not None, f"no {kind} linked from {listing}"
        pages.append(record)
    pages += MORE

    # when each page opens at 390 px, then none scrolls sideways
    wide = {}
    for url in pages:
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        if overflow := _scrolls_sideways(page):
            wide[url] = overflow
    assert wide == {}, f"{len(wide)} of {len(pages)} pages scroll sideways"
    assert len(pages) >= 30
    context.close()
