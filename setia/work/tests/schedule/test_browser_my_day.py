"""Completing a task from "my day" in a real browser."""

import re

import pytest

from setia.accounts.models import Role
from setia.test import make_customer, make_team, make_user
from setia.work.schedule.models import Task
from setia.work.tests.factories import make_task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_executive_lands_on_my_day_and_completes_a_task(page):
    team = make_team("Tim Barat")
    executive = make_user(
        Role.EXECUTIVE, team=team, email="rina@example.test", full_name="Rina W", language="en"
    )
    customer = make_customer(team=team, owner=executive, name="Kopi Senja")
    task = make_task(owner=executive, customer=customer, title="Kickoff call")

    page.goto("/")
    page.get_by_label("Email").fill("rina@example.test")
    page.get_by_label("Password").fill("password-for-tests")
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/work/$"))

    page.get_by_role("button", name="Mark “Kickoff call” done").click()
    page.get_by_text("Task “Kickoff call” done.").wait_for()

    assert page.locator("[data-task]").count() == 0
    task.refresh_from_db()
    assert task.status == "done"
    assert Task.objects.filter(status="open").count() == 0
