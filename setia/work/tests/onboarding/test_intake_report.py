import csv
import io

import time_machine
from django.urls import reverse

from setia.test import make_category, make_customer
from setia.work.onboarding.actions import enroll_new_customers
from setia.work.onboarding.models import Onboarding
from setia.work.tests.factories import at

URL = reverse("work:intake-report")


def _join(day: int, month: int = 11, **fields):
    with time_machine.travel(at(day, 10, month=month), tick=False):
        return make_customer(**fields)


@time_machine.travel(at(12, 15), tick=False)  # a Thursday; the week began on Monday the 9th
def test_it_counts_who_joined_this_week_and_month_by_category_owner_and_source(
    client, executive, intern, team_a
):
    fashion, food = make_category("Kategori Satu"), make_category("Kategori Dua")
    a = _join(9, team=team_a, owner=executive, category=fashion, name="A")
    _join(11, team=team_a, owner=executive, category=food, name="B")
    _join(3, team=team_a, owner=intern, category=fashion, name="C")
    _join(28, month=10, team=team_a, owner=executive, category=fashion, name="Last month")
    enroll_new_customers()
    client.force_login(executive)
    Onboarding.objects.filter(customer=a).update(source="referral")

    response = client.get(URL)

    assert response.status_code == 200
    week, month = response.context["report"]["week"], response.context["report"]["month"]
    assert (week["total"], month["total"]) == (2, 3)
    assert week["by_category"] == [
        {"category_name": "Kategori Dua", "count": 1},
        {"category_name": "Kategori Satu", "count": 1},
    ]
    assert month["by_owner"] == [
        {"owner__full_name": executive.full_name, "count": 2},
        {"owner__full_name": intern.full_name, "count": 1},
    ]
    assert week["by_source"] == [
        {"onboarding__source": "", "count": 1},
        {"onboarding__source": "referral", "count": 1},
    ]
    assert "Last month" not in response.text


@time_machine.travel(at(12, 15), tick=False)
def test_it_exports_this_months_joiners_as_safe_csv(client, executive, team_a):
    _join(9, team=team_a, owner=executive, name="=HYPERLINK(1)")
    enroll_new_customers()
    client.force_login(executive)

    response = client.get(URL, {"format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="intake-2026-11.csv"'
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert rows[0] == ["Customer", "Joined", "Category", "Owner", "Source", "Stage"]
    assert rows[1][:2] == ["'=HYPERLINK(1)", "2026-11-09"]
    assert rows[1][3:] == [executive.full_name, "Unknown", "Signed"]


def test_it_shows_only_visible_customers(client, other_executive, executive, team_a):
    make_customer(team=team_a, owner=executive, name="Team A joiner")
    client.force_login(other_executive)
    response = client.get(URL)
    assert response.context["report"]["month"]["total"] == 0
    assert "Team A joiner" not in client.get(URL, {"format": "csv"}).getvalue().decode()


def test_it_follows_the_matrix(client, intern, viewer, executive):
    assert client.get(URL).status_code == 302
    for user in (intern, viewer):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert client.get(URL, {"format": "csv"}).status_code == 403
    client.force_login(executive)
    assert client.post(URL).status_code == 405
