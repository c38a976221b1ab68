"""A month's target in a real browser: a manager sets it, an executive logs calls, the
manager's home and the weekly update show the progress."""

import re

import pytest

from setia.accounts.models import Role
from setia.browser import log_in, log_out
from setia.test import make_customer, make_team, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_sets_a_target_and_sees_the_calls_on_their_home_and_weekly_update(page):
    team = make_team("Tim Barat")
    make_user(Role.MANAGER, email="maya@example.test", language="en")
    make_user(Role.EXECUTIVE, team=team, email="rina@example.test", language="en")
    make_customer(team=team, name="Kopi Senja")
    make_customer(team=team, name="Batik Lestari")

    # the manager lands on their home and sets the team's calls target for this month
    log_in(page, "maya@example.test", r"/cadence/$")
    page.locator("main").get_by_role("link", name="Set a target").first.click()
    form = page.locator("main form").first
    form.get_by_label("KPI").select_option("calls")
    form.get_by_label("Team").select_option(label="Tim Barat")
    form.get_by_label(re.compile(r"^Target")).fill("4")
    form.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/cadence/targets/\?month="))
    assert "0 / 4 · 0%" in page.locator("#targets").inner_text()
    log_out(page)

    # an executive of the team logs two calls from the customers list
    log_in(page, "rina@example.test", r"/work/$")
    page.goto("/customers/")
    for name in ("Kopi Senja", "Batik Lestari"):
        page.get_by_role("row", name=name).get_by_role("link", name="Call").click()
        page.locator("tr.log-row").get_by_label("Outcome").select_option("no_answer")
        page.locator("tr.log-row").get_by_role("button", name="Save").click()
        page.locator("tr.log-row").get_by_text(f"Call with {name} logged.").wait_for()
    # and sees the team's progress on the targets page
    page.goto("/cadence/targets/")
    assert "2 / 4 · 50%" in page.locator("#targets").inner_text()
    log_out(page)

    # the manager's home shows the progress, with a bar a browser draws
    log_in(page, "maya@example.test", r"/cadence/$")
    block = page.locator("#home-targets")
    assert "Tim Barat" in block.inner_text()
    assert "2 / 4 · 50%" in block.inner_text()
    assert block.locator("progress").get_attribute("value") == "50"

    # and so does the team's weekly update, with its chart drawn
    page.goto("/cadence/weekly/")
    assert "Tim Barat" in page.locator("h1").inner_text()
    assert "2 / 4 · 50%" in page.locator("#weekly-kpis").inner_text()
    # (two charts: the month against the targets, and this week against the week before)
    charts = page.locator("#weekly-kpis img.chart")
    charts.first.wait_for()
    assert charts.count() == 2
    for chart in charts.all():
        assert page.evaluate(
            "(img) => img.complete && img.naturalWidth > 0", chart.element_handle()
        )
