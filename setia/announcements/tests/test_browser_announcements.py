"""An announcement in a real browser: a manager publishes it to a team, an executive of the
team sees the banner on every page and acknowledges it, and the banner is gone."""

import re

import pytest

from setia.accounts.models import Role
from setia.announcements.models import Acknowledgement
from setia.browser import log_in, log_out
from setia.test import make_team, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_publishes_and_an_executive_acknowledges(page):
    team = make_team("Tim Barat")
    make_user(Role.MANAGER, email="maya@example.test", language="en")
    rina = make_user(Role.EXECUTIVE, team=team, email="rina@example.test", language="en")

    # the manager publishes a process change for Tim Barat
    log_in(page, "maya@example.test", r"/cadence/$")
    page.goto("/announcements/")
    page.locator("main").get_by_role("link", name="New announcement").click()
    form = page.locator("main form").first
    form.get_by_label("Kind").select_option("process")
    form.get_by_label("Title (Indonesian)").fill("Checkpoint harian sebelum pukul 10")
    form.get_by_label("Title (English)").fill("Daily checkpoint by 10:00")
    form.get_by_label("Text (Indonesian)").fill("Isi checkpoint sebelum pukul 10.00.")
    form.get_by_label("Text (English)").fill("Fill in the checkpoint by 10:00.")
    form.get_by_label("Some teams").check()
    form.get_by_label("Tim Barat").check()
    form.get_by_label("Remind after (days)").fill("2")
    form.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/announcements/[0-9a-f-]+/$"))
    assert "Daily checkpoint by 10:00" in page.locator("h1").inner_text()
    # the manager is not in the team: no banner for them
    assert page.locator("[data-announcement-banner]").count() == 0
    log_out(page)

    # the executive sees the banner on every page, with the full text one click away
    log_in(page, "rina@example.test", r"/work/$")
    banner = page.locator("[data-announcement-banner]")
    assert "Daily checkpoint by 10:00" in banner.inner_text()
    page.goto("/customers/")
    assert "Daily checkpoint by 10:00" in banner.inner_text()
    banner.get_by_role("link", name="Read the full text").click()
    page.wait_for_url(re.compile(r"/announcements/[0-9a-f-]+/$"))
    assert "Fill in the checkpoint by 10:00." in page.locator("main").inner_text()

    # "I have read this" in the banner: back on the same page, the banner gone
    page.goto("/customers/")
    banner.get_by_role("button", name="I have read this").click()
    page.wait_for_url(re.compile(r"/customers/$"))
    page.locator(".flash-success").wait_for()
    assert banner.count() == 0
    page.goto("/work/")
    assert banner.count() == 0
    assert Acknowledgement.objects.filter(user=rina).count() == 1
    log_out(page)

    # the manager's read report names her
    log_in(page, "maya@example.test", r"/cadence/$")
    page.goto("/announcements/")
    page.get_by_role("link", name="Daily checkpoint by 10:00").click()
    page.locator("main").get_by_role("link", name="Read report").click()
    figures = page.locator("[data-read-figures]").inner_text()
    assert "1 (100%)" in figures
    assert rina.full_name in page.locator("main table").inner_text()
