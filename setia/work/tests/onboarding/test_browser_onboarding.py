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
    card.drag_to(kickoff, source_position={"x": 8, "y": 8})  # by its name, above the picker
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
    title = "Send the onboarding guide"  # in Rina's language
    page.get_by_role("button", name=f"Mark “{title}” done").click()
    page.get_by_text(f"Task “{title}” done.").wait_for()
    assert Task.objects.get(title=title).status == "done"
    assert Task.objects.filter(customer=customer, status="open").count() == 3


# The width of the widest option of a select as its font draws it, and the select's own.
_OPTION_FITS = """select => {
  const style = getComputedStyle(select);
  const probe = document.createElement("span");
  probe.style.font = style.font;
  probe.style.whiteSpace = "nowrap";
  probe.style.position = "absolute";
  document.body.appendChild(probe);
  let widest = 0;
  for (const option of select.options) {
    probe.textContent = option.text;
    widest = Math.max(widest, probe.getBoundingClientRect().width);
  }
  probe.remove();
  const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
  return {widest: widest, room: select.clientWidth - padding};
}"""


def test_at_1366_px_the_board_fits_its_picker_reads_in_full_and_a_move_is_confirmed(page):
    team = make_team("Tim Barat")
    make_user(Role.EXECUTIVE, team=team, email="sari@example.test", language="id")
    executive = team.members.get()
    for number in range(3):
        make_customer(team=team, owner=executive, name=f"Toko Pesanan Pertama Sekali {number}")
    enroll_new_customers()
    page.set_viewport_size({"width": 1366, "height": 900})

    page.goto("/")
    page.get_by_label("Email").fill("sari@example.test")
    page.get_by_label("Password").fill("password-for-tests")
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/work/$"))
    page.goto("/work/onboarding/")

    # Every column, "Berjalan" (Live) the last, within the page: nothing to scroll to.
    board = page.locator(".pipeline")
    assert board.evaluate("b => b.scrollWidth <= b.clientWidth")
    live = page.locator(".pipeline-column").last
    assert live.get_by_role("heading").inner_text().startswith("Berjalan")
    assert live.bounding_box()["x"] + live.bounding_box()["width"] <= 1366
    # "Pesanan pertama", not "Pes…": the picker is as wide as its longest stage name.
    picker = page.locator(".pipeline-card select").first
    fit = picker.evaluate(_OPTION_FITS)
    assert fit["widest"] + 16 <= fit["room"], fit  # and room for the drop-down arrow

    card = page.locator(".pipeline-card").first
    name = card.get_by_role("link").inner_text()
    card.locator("select").select_option(label="Pesanan pertama")
    card.get_by_role("button", name="Pindahkan").click()

    confirmation = page.locator(".pipeline-announcement .flash")
    confirmation.wait_for(state="visible")
    assert confirmation.inner_text() == f"{name} dipindahkan ke Pesanan pertama."
    column = page.locator(
        ".pipeline-column", has=page.get_by_role("heading", name=re.compile("^Pesanan pertama"))
    )
    moved = column.locator(".pipeline-card.is-moved")
    assert moved.is_visible()
    assert moved.get_by_role("link").inner_text() == name
