"""Merging two duplicate customers, then undoing it, in a real browser."""

import re

import pytest

from setia.accounts.models import Role
from setia.browser import log_in
from setia.customers.models import Customer
from setia.quality.actions import flag_duplicates, record_snapshot
from setia.test import make_contact, make_customer, make_team, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_executive_merges_a_duplicate_and_a_manager_undoes_it(page, browser, live_server):
    # given two records of one business in the executive's team, flagged by the nightly scan
    team = make_team("Tim Barat")
    make_user(Role.EXECUTIVE, team=team, email="rina@example.test", language="en")
    make_user(Role.MANAGER, email="maya@example.test", language="en")
    first = make_customer(team=team, name="Batik Lestari", city="")
    second = make_customer(team=team, name="Batik Lestari Official", city="Solo")
    make_contact(second, name="Budi Santoso", phone="+6285712345678", is_primary=True)
    assert flag_duplicates() == 1
    record_snapshot()

    # when the executive opens the list, the completeness figure arrives after the page
    log_in(page, "rina@example.test")
    page.goto("/customers/")
    page.locator("#completeness-figure").wait_for()
    assert "Data completeness" in page.locator("#completeness-figure").inner_text()

    # and reviews the pair from the duplicates page
    page.goto("/quality/duplicates/")
    page.get_by_role("link", name="Review and merge").click()
    page.wait_for_url(re.compile(r"/merge/$"))
    # the empty city is already taken from the other record; they keep the first's name
    assert page.locator('input[name="city"][value="b"]').is_checked()
    assert page.locator('input[name="name"][value="a"]').is_checked()
    page.get_by_role("button", name="Merge", exact=True).click()

    # then they land on the surviving record, with the other's contact and city
    page.wait_for_url(re.compile(rf"/customers/{first.code}/$"))
    assert "Budi Santoso" in page.locator("#contacts").inner_text()
    assert Customer.objects.get(pk=first.pk).city == "Solo"
    assert Customer.objects.get(pk=second.pk).is_deleted

    # when a manager undoes the merge from the merged pairs
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    manager_page = context.new_page()
    log_in(manager_page, "maya@example.test")
    manager_page.goto("/quality/duplicates/?status=merged")
    manager_page.once("dialog", lambda dialog: dialog.accept())
    manager_page.get_by_role("button", name="Undo merge").click()

    # then the second record is back with its contact
    manager_page.wait_for_url(re.compile(rf"/customers/{second.code}/$"))
    assert "Budi Santoso" in manager_page.locator("#contacts").inner_text()
    assert not Customer.objects.get(pk=second.pk).is_deleted
    assert Customer.objects.get(pk=first.pk).city == ""
    context.close()
