"""The account brief in a real browser on a phone: its long sentences and links wrap inside the
card instead of widening the page."""

import datetime
import re

import pytest
from django.utils import timezone

from setia.accounts.models import Role
from setia.engagement.models import Interaction
from setia.metrics.models import CustomerRollup
from setia.test import make_customer, make_subscription, make_team, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _rollup(customer, gmv_90d, gmv_30d):
    CustomerRollup.objects.create(
        customer=customer,
        gmv_90d=gmv_90d,
        gmv_30d=gmv_30d,
        as_of=timezone.localdate(),
        computed_at=timezone.now(),
    )


def test_the_brief_fits_a_390_px_page(page):
    team = make_team("Tim Timur")
    executive = make_user(Role.EXECUTIVE, team=team, email="dewi@example.test", language="id")
    customer = make_customer(team=team, owner=executive, name="Batik Lestari Nusantara Jaya")
    make_subscription(customer, renews_on=timezone.localdate() + datetime.timedelta(days=10))
    _rollup(customer, 123_456_789_000, 45_678_901_000)
    for number in range(2):
        similar = make_customer(team=team, category=customer.category, name=f"Batik Mirip {number}")
        _rollup(similar, 123_456_789_000 + number, 45_000_000_000)
    Interaction.objects.create(
        customer=customer,
        kind="website_issue",
        summary="Checkout_gagal_di_halaman_pembayaran_QRIS_setiap_kali_pelanggan_membayar",
        action_items="Kirim_daftar_harga_terbaru_dan_periksa_pembayaran_QRIS_minggu_ini",
        follow_up_on=timezone.localdate(),
    )
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    page.get_by_label("Email").fill("dewi@example.test")
    page.get_by_label("Password").fill("password-for-tests")
    page.locator("main").get_by_role("button").first.click()
    page.wait_for_url(re.compile(r"/work/$"))

    page.goto(customer.get_absolute_url())

    brief = page.locator("#brief")
    brief.wait_for()
    assert "Ringkasan akun" in brief.inner_text()
    assert brief.locator("a.brief-source").count() >= 4
    assert "Batik Mirip 0" in brief.inner_text()
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner
    box = brief.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
