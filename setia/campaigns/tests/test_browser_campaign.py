"""A campaign from a segment to its report, in a real browser (Debian's Chromium through
Playwright)."""

import datetime
import io
import re

import pytest
from openpyxl import load_workbook

from setia.accounts.models import Role
from setia.campaigns.models import Campaign
from setia.campaigns.tests.factories import plant_gmv
from setia.customers.models import Category
from setia.partners.tests.factories import make_partner, set_tier
from setia.segments.tests.factories import make_segment
from setia.test import make_customer, make_team, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_campaign_from_a_segment_with_participants_and_its_report(page):
    # given an executive's team with fashion merchants that have daily figures, and a segment
    team = make_team("Tim Barat")
    rina = make_user(Role.EXECUTIVE, team=team, email="rina@example.test", language="en")
    fashion = Category.objects.get(slug="fashion")
    today = datetime.date.today()
    start = today - datetime.timedelta(days=10)
    days = [start + datetime.timedelta(days=n) for n in range(-12, 12)]
    for n, name in enumerate(["Batik Lestari", "Kain Kirana", "Rupa Nusantara"]):
        merchant = set_tier(
            make_customer(team=team, owner=rina, name=name, category=fashion), "gold"
        )
        plant_gmv(merchant, days, lambda day: 1_000_000, seed=n)
    make_segment(rina, name="Fashion Barat", query="category=fashion", is_shared=True)
    make_partner(name="Frame a Trip", kind="marketing")

    # when she logs in and creates a campaign for the segment
    page.goto("/")
    page.get_by_label("Email").fill("rina@example.test")
    page.get_by_label("Password").fill("password-for-tests")
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/work/$"))
    page.goto("/campaigns/new/")
    page.get_by_label("Name").fill("Foto produk Instagram")
    page.get_by_label("Objective").fill("Naikkan penjualan dengan foto produk baru")
    page.get_by_label("Frame a Trip").check()
    page.get_by_label("Instagram post").check()
    page.get_by_label("Admin banner").check()
    page.get_by_label("Audience (segment)").select_option(label="Fashion Barat")
    page.get_by_label("Starts on").fill(start.isoformat())
    page.get_by_label("Ends on").fill((today + datetime.timedelta(days=20)).isoformat())
    page.locator("main").get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/campaigns/\d+/$"))

    # and invites the segment's merchants, two of whom join
    page.get_by_role("button", name="Invite the audience's merchants").click()
    page.wait_for_load_state()
    assert "Invited 3 merchants." in page.locator(".flash").first.inner_text()
    for _ in range(2):
        page.locator("#participants").get_by_role("button", name="Mark as joined").first.click()
        page.wait_for_load_state()

    # then the report shows the participants, the comparison group and how it is measured
    assert "2 joined of 3 invited" in page.locator("#participants h2").inner_text()
    results = page.locator("#results")
    assert "Participants (joined)" in results.inner_text()
    assert "Difference in differences" in results.inner_text()
    campaign = Campaign.objects.get()
    assert campaign.channels == ["instagram_post", "admin_banner"]
    assert [partner.name for partner in campaign.partners.all()] == ["Frame a Trip"]

    # and the partner report downloads as a workbook with the results and the participants
    with page.expect_download() as download:
        page.get_by_role("link", name="Partner report (XLSX)").click()
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert book.sheetnames == ["Results", "Messages", "Participants"]
    assert book["Participants"].max_row == 4  # the header and the three merchants
