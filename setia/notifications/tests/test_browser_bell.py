"""The bell in a real browser: a task a manager gives shows on the executive's bell; opened
from the dropdown (with the keyboard), it leads to the task and is read."""

import re

import pytest

from setia.accounts.models import Role
from setia.notifications.models import Notification
from setia.test import make_team, make_user
from setia.work.schedule.actions import create_task
from setia.work.tests.factories import at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_bell_shows_a_new_assignment_and_opening_it_reads_it(page):
    team = make_team("Tim Barat")
    manager = make_user(Role.MANAGER, email="maya@example.test", full_name="Maya Kusuma")
    rina = make_user(Role.EXECUTIVE, team=team, email="rina@example.test", language="en")
    task = create_task(
        data={"title": "Call Kopi Senja", "owner": rina, "due_at": at(20)}, actor=manager
    )

    page.goto("/")
    page.get_by_label("Email").fill("rina@example.test")
    page.get_by_label("Password").fill("password-for-tests")
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/work/$"))

    bell = page.locator(".bell-button")
    assert page.locator("#bell-count").inner_text() == "1"
    bell.focus()
    page.keyboard.press("Enter")
    item = page.locator("#bell-menu").get_by_role("button", name=re.compile("Call Kopi Senja"))
    item.wait_for()
    assert "Maya Kusuma assigned you a task: Call Kopi Senja" in item.inner_text()
    assert bell.get_attribute("aria-expanded") == "true"
    # The first item has the focus: Enter opens it.
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(rf"/work/tasks/{task.code}/$"))
    assert page.locator("#bell-count").count() == 0
    assert Notification.objects.get().read_at is not None
