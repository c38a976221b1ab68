"""Tiers and segments in a real browser (Debian's Chromium through Playwright)."""

import re
from datetime import date

import pytest

from setia.accounts.models import Role
from setia.metrics.models import CustomerMonthlyMetric
from setia.segments.models import Segment
from setia.test import make_customer, make_team, make_user
from setia.tiers.actions import assign_tiers
from setia.tiers.tests.factories import set_gmv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_filters_by_tier_saves_a_segment_and_explains_the_tier(page):
    # given an executive whose team has a Gold and a Bronze customer, with monthly figures
    team = make_team("Tim Barat")
    make_user(Role.EXECUTIVE, team=team, email="rina@example.test", language="en")
    gold = make_customer(team=team, name="Emas Jaya")
    make_customer(team=team, name="Kecil Saja")
    set_gmv(gold, 320_000_000)
    assign_tiers(today=date.today())
    CustomerMonthlyMetric.objects.create(
        customer=gold, month=date.today().replace(day=1), gmv=110_000_000, orders=420
    )

    # when they log in and filter the list by tier
    page.goto("/")
    page.get_by_label("Email").fill("rina@example.test")
    page.get_by_label("Password").fill("password-for-tests")
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/work/$"))  # executives and interns land on "my day"
    page.goto("/customers/")
    page.locator("select[name=tier]").select_option("gold")
    page.locator("form.filters").get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"tier=gold"))
    assert page.locator("#result-count").inner_text().strip() == "1 customer"

    # and save that filter as a shared segment
    page.get_by_role("link", name="Save as a segment").click()
    page.get_by_label("Name").fill("Gold Barat")
    page.get_by_label("Shared with everyone").check()
    page.locator("main").get_by_role("button", name="Save").click()

    # then the list opens on the segment, and the segments page counts its members
    page.wait_for_url(re.compile(r"segment="))
    assert page.locator("#result-count").inner_text().strip() == "1 customer"
    segment = Segment.objects.get()
    assert (segment.name, segment.is_shared, segment.query) == (
        "Gold Barat",
        True,
        "sort=name&tier=gold",
    )
    page.goto("/segments/")
    assert page.locator(f'[data-segment="{segment.code}"]').inner_text() == "1"

    # and the 360 page says why the customer is Gold, with a chart the browser can draw
    page.goto(gold.get_absolute_url())
    why = page.locator("#why-tier").inner_text()
    assert "Rp 320.000.000" in why and "Rp 300.000.000" in why
    chart = page.locator("#value img.chart").first
    chart.wait_for()
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", chart.element_handle())
