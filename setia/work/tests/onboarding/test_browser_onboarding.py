"""Move a customer through two onboarding stages on the board, then complete a task from
"my day", in a real browser."""

import re

import pytest

from setia.accounts.models import Role
from setia.test import make_customer, make_team, make_user
from setia.work.onboarding.actions import enroll_new_customers
from setia.work.onboarding.models import Onboarding, StageChange
from setia.work.schedule.models import Task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_executive_moves_a_customer_twice_then_completes_a_task_from_my_day(page):
    team = make_team("Tim Barat")
    make_user(
        Role.EXECUTIVE, team=team, email="rina@example.test", full_name="Rina W", language="en"
    )
    executive = team.members.get()
    customer = make_customer(team=team, owner=executive, name="Kopi Senja")
    enroll_new_customers()

    page.goto("/")
    page.get_by_label("Email").fill("rina@example.test")
    page.get_by_label("Password").fill("password-for-tests")
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/work/$"))
    page.locator(".mainnav summary", has_text="Work").click()
    page.get_by_role("link", name="Onboarding").click()
    page.wait_for_url(re.compile(r"/work/onboarding/$"))

    # drag the card from "Signed" to "Kickoff"
    card = page.locator(f'[data-customer="{customer.code}"]')
    kickoff = page.locator(
        ".pipeline-column", has=page.get_by_role("heading", name=re.compile("^Kickoff"))
    )
    card.drag_to(kickoff)
    page.get_by_text("Kopi Senja moved to Kickoff.").wait_for(state="attached")
    assert Onboarding.objects.get().stage.name_en == "Kickoff"

    # the keyboard way: choose the stage on the card and press Move
    card = page.locator(f'[data-customer="{customer.code}"]')
    card.get_by_label("Stage for Kopi Senja").select_option(label="Store setup")
    card.get_by_role("button", name="Move").click()
    page.get_by_text("Kopi Senja moved to Store setup.").wait_for(state="attached")
    store_setup = page.locator(
        ".pipeline-column", has=page.get_by_role("heading", name=re.compile("^Store setup"))
    )
    assert "Kopi Senja" in store_setup.inner_text()
    assert [change.to_stage.name_en for change in StageChange.objects.order_by("changed_at")] == [
        "Kickoff",
        "Store setup",
    ]

    # then a checklist task of the new stage is on "my day"; complete it there
    page.locator(".mainnav summary", has_text="Work").click()
    page.get_by_role("link", name="My day").click()
    page.wait_for_url(re.compile(r"/work/$"))
    title = "Kirim panduan onboarding"
    page.get_by_role("button", name=f"Mark “{title}” done").click()
    page.get_by_text(f"Task “{title}” done.").wait_for()
    assert Task.objects.get(title=title).status == "done"
    assert Task.objects.filter(customer=customer, status="open").count() == 3
