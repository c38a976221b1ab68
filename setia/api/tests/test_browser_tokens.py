"""The tokens page in a real browser: a token made, shown once, fitting a phone, revoked."""

import re

import pytest

from setia.accounts.models import Role
from setia.api.models import ApiToken
from setia.test import make_team, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_token_is_made_shown_once_on_a_phone_and_revoked(page):
    # given an Indonesian-speaking executive, signed in
    make_user(Role.EXECUTIVE, team=make_team(), email="dewi@example.test", language="id")
    page.goto("/")
    page.locator("input[name=username]").fill("dewi@example.test")
    page.locator("input[name=password]").fill("password-for-tests")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"/work/$"))

    # when they make a read-only token from the link in the top bar
    page.get_by_role("link", name="Token API").click()
    page.wait_for_url(re.compile(r"/api/tokens/$"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_label("Nama").fill("Dasbor BI")
    page.get_by_role("button", name="Buat token").click()

    # then the secret is shown once, and the page does not scroll sideways
    secret = page.locator("#token-secret").inner_text().strip()
    assert secret.startswith("setia_")
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner
    page.goto("/api/tokens/")
    assert secret not in page.content()

    # and revoking it ends it
    page.get_by_role("button", name="Cabut").click()
    page.wait_for_url(re.compile(r"/api/tokens/$"))
    assert ApiToken.objects.get().revoked_at is not None
    assert "Dicabut" in page.locator("#tokens").inner_text()
