import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from setia.accounts.models import Role
from setia.customers.models import Customer
from setia.quality.actions import record_snapshot
from setia.quality.models import QualitySnapshot
from setia.quality.tests.factories import make_candidate
from setia.test import make_contact, make_customer, make_store, make_subscription, make_user

URL = reverse("quality:data-quality")
FIGURE_URL = reverse("quality:completeness-figure")
NOW = datetime.datetime(2026, 6, 1, 3, 0, tzinfo=datetime.UTC)


def _complete(customer):
    make_contact(customer, is_primary=True)
    make_store(customer)
    make_subscription(customer)
    return customer


@pytest.fixture
def english_executive(team_a):
    return make_user(Role.EXECUTIVE, team=team_a, language="en")


@pytest.fixture(params=["computed now", "from the snapshot"])
def planted(request, team_a, team_b):
    full = _complete(make_customer(team=team_a, name="Full"))
    # category, city, province: 3 of 7; not updated for 120 days.
    old = make_customer(team=team_a, name="Old")
    Customer.objects.filter(pk=old.pk).update(updated_at=NOW - datetime.timedelta(days=120))
    # category and city: 2 of 7, and a duplicate of Full.
    worst = make_customer(team=team_a, name="Worst", province="")
    candidate = make_candidate(full, worst)
    # Another team: never shown to team A's executive.
    make_customer(team=team_b, name="Elsewhere", province="", city="")
    # The page reads the nightly snapshot once there is one, and computes before the first.
    if request.param == "from the snapshot":
        record_snapshot()
    return {"full": full, "old": old, "worst": worst, "candidate": candidate}


def _rows(response) -> list[tuple[str, int]]:
    return [(c.name, c.percent) for c in response.context["page"].object_list]


@time_machine.travel(NOW, tick=False)
def test_it_shows_totals_and_the_worst_records_first(client, english_executive, planted):
    client.force_login(english_executive)

    response = client.get(URL)

    assert response.status_code == 200
    totals = response.context["totals"]
    assert totals["customers"] == 3
    assert totals["average_completeness"] == pytest.approx(100 * 12 / 21)
    assert (totals["complete"], totals["stale"], totals["open_duplicates"]) == (1, 1, 1)
    assert totals["percent_complete"] == pytest.approx(100 / 3)
    assert _rows(response) == [("Worst", 29), ("Old", 43), ("Full", 100)]
    assert "Elsewhere" not in response.text
    assert '<span class="figure-value">57%</span>' in response.text
    assert '<span class="figure-value">33%</span>' in response.text


@time_machine.travel(NOW, tick=False)
def test_each_row_links_to_what_fixes_it(client, english_executive, planted):
    client.force_login(english_executive)

    response = client.get(URL)

    worst, old = response.context["page"].object_list[:2]
    code = planted["worst"].code
    assert [label for label, _url in worst.missing] == [
        "province",
        "primary contact with a phone or WhatsApp",
        "an email address",
        "a store",
        "a subscription",
    ]
    assert dict(worst.missing)["province"] == reverse("customers:customer-edit", args=[code])
    assert dict(worst.missing)["a store"] == reverse("customers:store-add", args=[code])
    assert dict(worst.missing)["a subscription"] == reverse(
        "customers:subscription-edit", args=[code]
    )
    merge_url = reverse("quality:duplicate-merge", args=[planted["candidate"].code])
    assert f'href="{merge_url}"' in response.text
    assert old.duplicate_code is None
    assert old.is_stale == 1
    assert f'href="{reverse("customers:customer-edit", args=[old.code])}"' in response.text


@time_machine.travel(NOW, tick=False)
def test_a_manager_sees_every_team(client, manager, planted):
    client.force_login(manager)

    response = client.get(URL)

    assert response.context["totals"]["customers"] == 4
    assert _rows(response)[0] == ("Elsewhere", 14)


def test_it_lists_the_snapshot_and_says_when_it_was_taken(client, english_executive, team_a):
    worst = make_customer(team=team_a, name="Worst", province="")
    with time_machine.travel(NOW, tick=False):
        record_snapshot()
    _complete(worst)  # fixed after the snapshot: on the list until the next one
    client.force_login(english_executive)

    response = client.get(URL)

    assert _rows(response) == [("Worst", 29)]
    assert "as of the nightly check of 1 June 2026 10:00" in response.text
    record_snapshot()
    assert _rows(client.get(URL)) == [("Worst", 86)]


def test_before_the_first_snapshot_it_says_the_figures_are_computed_now(
    client, english_executive, team_a
):
    make_customer(team=team_a, name="Worst", province="")
    client.force_login(english_executive)

    response = client.get(URL)

    assert _rows(response) == [("Worst", 29)]
    assert "No nightly check yet: these figures are computed now." in response.text


def test_it_shows_the_last_30_snapshots_of_the_users_scope(client, executive, team_a, team_b):
    make_customer(team=team_a)
    make_customer(team=team_b)
    start = datetime.date(2026, 4, 1)
    for offset in range(35):
        record_snapshot(day=start + datetime.timedelta(days=offset))
    client.force_login(executive)

    response = client.get(URL)

    trend = response.context["trend"]
    assert len(trend) == 30
    assert (trend[0].day, trend[-1].day) == (datetime.date(2026, 4, 6), datetime.date(2026, 5, 5))
    assert {snapshot.team_id for snapshot in trend} == {team_a.pk}


def test_it_paginates(client, manager, team_a, settings):
    settings.PAGE_SIZE = 5
    for number in range(7):
        make_customer(team=team_a, name=f"Toko {number}")
    client.force_login(manager)

    response = client.get(URL, {"page": 2})

    assert len(response.context["page"].object_list) == 2
    assert 'rel="prev"' in response.text


def test_it_renders_in_a_constant_number_of_queries(client, manager, team_a):
    client.force_login(manager)
    for _number in range(3):
        _complete(make_customer(team=team_a))
    record_snapshot()
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for _number in range(30):
        make_candidate(make_customer(team=team_a), _complete(make_customer(team=team_a)))
    record_snapshot()  # the list is the snapshot's
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL)

    assert len(response.context["page"].object_list) == 50
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(many.captured_queries) <= 10


def test_it_redirects_anonymous_visitors_to_log_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_it_refuses_post(client, executive):
    client.force_login(executive)

    assert client.post(URL).status_code == 405


@pytest.mark.parametrize("persona", ["intern", "viewer"])
def test_it_refuses_interns_and_viewers(client, request, persona, customer):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(URL)

    assert response.status_code == 403
    assert "Batik Lestari" not in response.text


def test_the_other_team_sees_none_of_team_as_records(client, other_executive, customer):
    client.force_login(other_executive)

    response = client.get(URL)

    assert response.status_code == 200
    assert response.context["totals"]["customers"] == 0
    assert "Batik Lestari" not in response.text


# The figure on the customers list


def test_the_customers_list_loads_the_figure(client, executive, customer):
    client.force_login(executive)

    response = client.get(reverse("customers:customer-list"))

    assert f'hx-get="{FIGURE_URL}"' in response.text


@time_machine.travel(NOW, tick=False)
def test_the_figure_is_the_latest_snapshot_of_the_users_scope(
    client, english_executive, manager, team_a, team_b
):
    _complete(make_customer(team=team_a))
    make_customer(team=team_b, city="", province="")
    record_snapshot(day=datetime.date(2026, 5, 1))
    QualitySnapshot.objects.update(average_completeness=10)
    record_snapshot()
    client.force_login(english_executive)

    mine = client.get(FIGURE_URL)
    client.force_login(manager)
    everyone = client.get(FIGURE_URL)

    assert mine.status_code == 200
    assert "Data completeness: <strong>100%</strong>" in mine.text
    assert "Kelengkapan data: <strong>57%</strong>" in everyone.text  # (7 + 1) / 14


def test_the_figure_is_empty_without_a_snapshot(client, executive, customer):
    client.force_login(executive)

    response = client.get(FIGURE_URL)

    assert response.status_code == 200
    assert response.text.strip() == ""


def test_the_figure_needs_a_login_and_get(client, executive):
    assert client.get(FIGURE_URL).status_code == 302
    client.force_login(executive)
    assert client.post(FIGURE_URL).status_code == 405
