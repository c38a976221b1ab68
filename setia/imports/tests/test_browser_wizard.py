"""The import wizard in a real browser, with the shipped messy sample sheet."""

import importlib
import re

import pytest

from setia.accounts.models import User
from setia.customers.models import Category, Customer
from setia.imports.models import Import
from setia.imports.tests.helpers import SAMPLES
from setia.jobs.actions import run_pending

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_imports_the_sample_sheet_then_undoes_it(page, settings):
    page.set_default_timeout(30_000)  # CI machines are busy
    # An earlier transactional test may have flushed what migrations create: the role groups
    # (hence an admin, a superuser, rather than a manager) and the categories.
    seeded = importlib.import_module("setia.customers.migrations.0002_seed_categories")
    for position, (slug, name) in enumerate(seeded.CATEGORIES):
        Category.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})
    User.objects.create_superuser(
        "maya@example.test", "password-for-tests", full_name="Maya K", language="en"
    )
    page.goto("/")
    page.get_by_label("Email").fill("maya@example.test")
    page.get_by_label("Password").fill("password-for-tests")
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/customers/$"))

    # upload
    page.locator(".mainnav summary", has_text="Customers").click()
    page.locator(".mainnav").get_by_role("link", name="Imports").click()
    page.get_by_role("link", name="Import a file").click()
    page.get_by_label("File").set_input_files(str(SAMPLES / "onboarding-sheet.csv"))
    page.get_by_label("Source").fill("onboarding sheet")
    page.get_by_role("button", name="Upload").click()

    # the proposed mapping keeps the unknown column as an extra attribute
    page.wait_for_url(re.compile(r"/mapping/$"))
    assert page.get_by_label("Sumber Info").input_value() == ""
    assert page.get_by_label("Nama Pemilik").input_value() == "contact_name"
    page.get_by_role("button", name="Continue").click()

    # the preview shows the rows' problems; the dry run counts without writing
    page.wait_for_url(re.compile(r"/preview/$"))
    assert "rudy@sambal is not an e-mail address." in page.locator("main").inner_text()
    page.get_by_role("button", name="Check the whole file").click()
    page.wait_for_url(re.compile(r"/dry-run/$"))
    assert Customer.objects.count() == 0
    counts = page.locator(".counts").inner_text()
    assert "New customers\n8" in counts
    assert "Rejected\n5" in counts

    # commit: the result page offers the error file
    page.get_by_role("button", name="Import now").click()
    page.wait_for_url(re.compile(r"/imports/[0-9a-f-]+/$"))
    page.get_by_text("Import finished.").wait_for()
    assert page.get_by_role("link", name="Download the error file").is_visible()
    assert Customer.objects.count() == 8

    # undo: a job, which the page follows until a runner has done it
    settings.JOBS_EAGER = False
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Undo import").click()
    page.get_by_text("Undoing the import…").wait_for()
    assert Customer.objects.alive().count() == 8  # nothing undone inside the request
    assert run_pending() == 1
    page.get_by_text(re.compile("Undone by Maya K")).wait_for()
    assert "Records removed: 8; records put back: 0." in page.locator("#import-status").inner_text()
    assert Customer.objects.alive().count() == 0  # soft-deleted, with their history
    assert Import.objects.get().status == Import.Status.UNDONE
