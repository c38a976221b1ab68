"""Logging a call from the 360 page in a real browser: two clicks, then it is on the timeline."""

import re

import pytest

from setia.accounts.models import Role
from setia.browser import log_in
from setia.engagement.models import Interaction
from setia.test import make_customer, make_team, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_intern_logs_a_call_from_the_list_and_a_note_from_the_360_page(page):
    team = make_team("Tim Barat")
    make_user(Role.INTERN, team=team, email="intan@example.test", language="en")
    customer = make_customer(team=team, name="Kopi Senja")
    log_in(page, "intan@example.test", r"/work/$")  # interns land on "my day"
    page.goto("/customers/")

    # from the list: "Call" on the row, "No answer", then Save
    page.get_by_role("row", name="Kopi Senja").get_by_role("link", name="Call").click()
    page.locator("tr.log-row").get_by_label("Outcome").select_option("no_answer")
    page.locator("tr.log-row").get_by_role("button", name="Save").click()
    page.locator("tr.log-row").get_by_text("Call with Kopi Senja logged.").wait_for()
    assert Interaction.objects.filter(customer=customer, kind="call").count() == 1

    # from the 360 page: "Log a note", write it, Save; the timeline shows it without a reload
    page.get_by_role("link", name="Kopi Senja", exact=True).first.click()
    page.wait_for_url(re.compile(rf"/customers/{customer.code}/$"))
    page.get_by_role("link", name="Log a note").click()
    page.locator("#log-slot").get_by_label("Summary").fill("Wants the v2 checkout")
    page.locator("#log-slot").get_by_role("button", name="Save").click()
    page.locator("#timeline").get_by_text("Wants the v2 checkout").wait_for()
    assert page.locator("#timeline .event").count() == 2
    assert "Note with Kopi Senja logged." in page.locator("#log-slot").inner_text()
