"""The interactions list across customers: its filters, whose interactions it shows, its
pages and their cost; the log form's and the API's product area and release."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from setia.engagement.models import Interaction, Release, Theme
from setia.history.models import TimelineEvent
from setia.test import make_customer

JAKARTA = ZoneInfo("Asia/Jakarta")
URL = reverse("engagement:interaction-list")


def _at(day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(2026, 6, day, hour, tzinfo=JAKARTA)


@pytest.fixture
def planted(team_a, team_b, executive, other_executive):
    """Two customers of team A (one the executive's), one of team B, one deleted; releases;
    interactions of several kinds, areas, releases and themes."""
    v1 = Release.objects.create(name="Toko v1", released_on=datetime.date(2026, 1, 5))
    v2 = Release.objects.create(name="Toko v2", released_on=datetime.date(2026, 6, 10))
    ours = make_customer(team=team_a, owner=executive, name="Batik Lestari")
    colleague = make_customer(team=team_a, owner=None, name="Keripik Maju")
    theirs = make_customer(team=team_b, owner=other_executive, name="Kopi Senja")
    gone = make_customer(team=team_a, owner=executive, name="Toko Tutup", deleted_at=_at(1))
    slow = Theme.objects.create(name="Lambat", slug="lambat")
    rows = {
        "issue": Interaction.objects.create(
            customer=ours,
            kind="website_issue",
            area="performance",
            release=v2,
            summary="Slow product pages",
            occurred_at=_at(12),
        ),
        "call": Interaction.objects.create(
            customer=colleague,
            kind="call",
            outcome="follow_up",
            area="payment",
            release=v1,
            summary="QRIS fails",
            occurred_at=_at(5),
        ),
        "note": Interaction.objects.create(
            customer=ours, kind="note", summary="Prefers afternoons", occurred_at=_at(20, 23)
        ),
        "theirs": Interaction.objects.create(
            customer=theirs,
            kind="website_issue",
            area="performance",
            release=v2,
            summary="Team B's issue",
            occurred_at=_at(13),
        ),
        "gone": Interaction.objects.create(
            customer=gone, kind="website_issue", summary="Deleted customer's", occurred_at=_at(14)
        ),
    }
    rows["call"].themes.add(slow)
    return rows


def _shown(client, **params) -> list[str]:
    response = client.get(URL, params)
    assert response.status_code == 200
    return [interaction.summary for interaction in response.context["page"].object_list]


def test_it_lists_the_interactions_of_every_customer_the_user_sees_newest_first(
    client, executive, planted
):
    client.force_login(executive)

    assert _shown(client) == ["Prefers afternoons", "Slow product pages", "QRIS fails"]


def test_another_teams_and_deleted_customers_interactions_are_never_shown(
    client, other_executive, manager, planted
):
    client.force_login(other_executive)
    assert _shown(client) == ["Team B's issue"]
    assert _shown(client, kind="website_issue", area="performance", release="Toko v2") == [
        "Team B's issue"
    ]
    client.force_login(manager)
    assert "Deleted customer's" not in _shown(client)
    assert len(_shown(client)) == 4


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "website_issue"}, ["Slow product pages"]),
        ({"area": "payment"}, ["QRIS fails"]),
        ({"release": "Toko v2"}, ["Slow product pages"]),
        ({"theme": "lambat"}, ["QRIS fails"]),
        ({"theme": "Lambat "}, ["QRIS fails"]),
        ({"complaints": "on"}, ["Slow product pages", "QRIS fails"]),
        # the days are Jakarta's: 20 June 23:00 there is 20 June, whatever UTC says
        ({"start": "20/06/2026"}, ["Prefers afternoons"]),
        ({"end": "12/06/2026"}, ["Slow product pages", "QRIS fails"]),
        ({"start": "2026-06-06", "end": "2026-06-12"}, ["Slow product pages"]),
        ({"owner": "executive"}, ["Prefers afternoons", "Slow product pages"]),
        ({"kind": "call", "area": "performance"}, []),
    ],
)
def test_filters(client, executive, planted, params, expected):
    if params.get("owner") == "executive":
        params = {**params, "owner": executive.pk}
    client.force_login(executive)

    assert _shown(client, **params) == expected


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "fax"},
        {"area": "speed"},
        {"release": "Toko v9"},
        {"owner": "99999999999999999999"},
        {"owner": "x"},
        {"start": "31/02/2026"},
        {"start": "0001-01-01"},
        {"end": "9999-12-31"},
        {"start": "2026-06-10", "end": "2026-06-01"},
        {"theme": "x" * 61},
        {"theme": "lambat\x00"},
    ],
)
def test_odd_filters_are_refused_with_a_reason(client, executive, planted, params):
    client.force_login(executive)

    response = client.get(URL, params)

    assert response.status_code == 400


def test_the_page_costs_the_same_queries_for_one_row_or_a_full_page(
    client, executive, customer, django_assert_num_queries
):
    v2 = Release.objects.create(name="Toko v2", released_on=datetime.date(2026, 6, 10))
    theme = Theme.objects.create(name="Lambat", slug="lambat")
    Interaction.objects.create(customer=customer, kind="call", summary="First", occurred_at=_at(1))
    client.force_login(executive)
    client.get(URL)

    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    for number in range(60):
        interaction = Interaction.objects.create(
            customer=make_customer(team=customer.team, owner=customer.owner),
            kind="website_issue",
            area="performance",
            release=v2,
            summary=f"Issue {number}",
            occurred_at=_at(2),
        )
        interaction.themes.add(theme)

    # session, user, permissions, the count, the page, its themes, the filters' choices
    with django_assert_num_queries(len(one)):
        response = client.get(URL, {"page": 2})
    assert len(response.context["page"].object_list) == 11
    assert "Lambat" in response.text


def test_a_viewer_reads_the_list_and_it_is_in_the_menu(client, viewer, planted):
    client.force_login(viewer)

    response = client.get(URL)

    assert response.status_code == 200
    assert f'href="{URL}"' in response.text
    assert f'href="{reverse("engagement:complaints-report")}"' in response.text


@time_machine.travel(datetime.datetime(2026, 7, 1, 9, tzinfo=JAKARTA), tick=False)
def test_the_log_form_proposes_the_latest_release_and_records_area_and_release(
    client, executive, customer
):
    Release.objects.create(name="Toko v1", released_on=datetime.date(2026, 1, 5))
    v2 = Release.objects.create(name="Toko v2", released_on=datetime.date(2026, 6, 10))
    Release.objects.create(name="Toko v3", released_on=datetime.date(2026, 9, 1))
    url = reverse("customers:interaction-log", args=[customer.code])
    client.force_login(executive)

    form = client.get(url, {"kind": "website_issue"})
    assert form.context["form"].initial["release"] == "Toko v2"
    response = client.post(
        url,
        {
            "log-kind": "website_issue",
            "log-summary": "Checkout slow",
            "log-area": "performance",
            "log-release": "Toko v2",
        },
    )

    assert response.status_code == 302
    interaction = Interaction.objects.get()
    assert (interaction.area, interaction.release) == ("performance", v2)
    event = TimelineEvent.objects.get(source_id=str(interaction.pk))
    assert (event.data["area"], event.data["release"]) == ("performance", "Toko v2")
    timeline = client.get(reverse("engagement:timeline", args=[customer.code]))
    assert "Speed and performance" in timeline.text
    assert "Toko v2" in timeline.text


def test_the_log_form_refuses_an_unknown_area_or_release(client, executive, customer):
    url = reverse("customers:interaction-log", args=[customer.code])
    client.force_login(executive)

    response = client.post(
        url,
        {"log-kind": "note", "log-summary": "x", "log-area": "speed", "log-release": "v9"},
    )

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"area", "release"}
    assert not Interaction.objects.exists()
