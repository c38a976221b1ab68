"""Setting targets and reading their progress."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from setia.accounts.models import Role
from setia.cadence.models import Target
from setia.history.actions import new_event, record_events
from setia.test import make_customer, make_user

LIST = reverse("cadence:target-list")
CREATE = reverse("cadence:target-create")
NOW = datetime.datetime(2026, 11, 16, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def _english(manager):
    # The messages are asserted in English; one test reads the page in Indonesian.
    manager.language = "en"
    manager.save()


def _calls(customer, actor, count):
    record_events([new_event(customer, "call", actor=actor) for _n in range(count)])


def test_a_manager_sets_a_team_target_and_sees_its_progress(client, manager, executive, team_a):
    client.force_login(manager)

    response = client.post(
        CREATE, {"month": "2026-11", "kpi": "calls", "team": team_a.pk, "value": "40"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?month=2026-11"
    target = Target.objects.get()
    assert (target.team, target.month, target.value, target.set_by) == (
        team_a,
        datetime.date(2026, 11, 1),
        40,
        manager,
    )
    _calls(make_customer(team=team_a, owner=executive), executive, 10)
    response = client.get(LIST + "?month=2026-11")
    [row] = response.context["rows"]
    assert (row["actual"], row["percent"]) == (10, 25)
    assert '<progress max="100" value="25"' in response.content.decode()


def test_the_person_sees_their_own_and_their_teams_targets_only(
    client, manager, executive, other_executive, team_a, team_b
):
    Target.objects.create(month=datetime.date(2026, 11, 1), kpi="calls", user=executive, value=20)
    Target.objects.create(month=datetime.date(2026, 11, 1), kpi="calls", team=team_a, value=50)
    Target.objects.create(month=datetime.date(2026, 11, 1), kpi="calls", team=team_b, value=50)
    Target.objects.create(
        month=datetime.date(2026, 11, 1), kpi="meetings", user=other_executive, value=5
    )
    _calls(make_customer(team=team_a, owner=executive), executive, 30)
    client.force_login(executive)

    rows = client.get(LIST).context["rows"]

    assert [(row["target"].holder, row["actual"], row["bar"]) for row in rows] == [
        (team_a, 30, 60),
        (executive, 30, 100),
    ]
    assert rows[1]["percent"] == 150


def test_a_hand_entered_kpi_needs_a_name_and_shows_its_actual(client, manager, team_a):
    client.force_login(manager)
    data = {"month": "2026-11", "kpi": "manual", "team": team_a.pk, "value": "4"}

    refused = client.post(CREATE, data)
    client.post(CREATE, {**data, "name": "Success stories", "manual_actual": "3"})

    assert refused.status_code == 400
    assert "Name the KPI" in refused.content.decode()
    [row] = client.get(LIST).context["rows"]
    assert (row["target"].display_name, row["actual"], row["percent"]) == (
        "Success stories",
        3,
        75,
    )


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"team": "T", "user": "U"}, "Choose a team or a person, not both."),
        ({}, "Choose a team or a person, not both."),
        ({"team": "T", "month": "2026-13"}, "Enter a month as YYYY-MM"),
        ({"team": "T", "value": "-1"}, "greater than or equal to 0"),
        ({"team": "T", "kpi": "nps", "value": "101"}, "An NPS target is a score of at most 100."),
    ],
)
def test_bad_input_is_refused_with_a_message(client, manager, executive, team_a, data, error):
    client.force_login(manager)
    ids = {"T": team_a.pk, "U": executive.pk}
    post = {"month": "2026-11", "kpi": "calls", "value": "10"}
    post.update({key: ids.get(value, value) for key, value in data.items()})

    response = client.post(CREATE, post)

    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Target.objects.exists()


def test_a_second_target_for_the_same_kpi_is_refused(client, manager, team_a):
    client.force_login(manager)
    data = {"month": "2026-11", "kpi": "calls", "team": team_a.pk, "value": "10"}
    client.post(CREATE, data)

    response = client.post(CREATE, data)

    assert response.status_code == 400
    assert "already has a target" in response.content.decode()
    assert Target.objects.count() == 1


def test_a_manager_changes_and_deletes_a_target(client, manager, team_a):
    target = Target.objects.create(
        month=datetime.date(2026, 11, 1), kpi="calls", team=team_a, value=10
    )
    client.force_login(manager)

    client.post(reverse("cadence:target-edit", args=[target.pk]), {"value": "12"})
    target.refresh_from_db()
    client.post(reverse("cadence:target-delete", args=[target.pk]))

    assert target.value == 12
    assert not Target.objects.exists()


def test_only_managers_set_targets(client, executive, viewer, team_a):
    client.force_login(executive)
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, {"kpi": "calls", "team": team_a.pk}).status_code == 403
    client.force_login(viewer)
    assert client.get(LIST).status_code == 403


def test_the_list_is_a_fixed_number_of_queries(client, manager, team_a, django_assert_num_queries):
    client.force_login(manager)
    client.get(LIST)
    for n in range(12):
        person = make_user(Role.EXECUTIVE, team=team_a)
        Target.objects.create(
            month=datetime.date(2026, 11, 1), kpi="calls", user=person, value=n + 1
        )
        _calls(make_customer(team=team_a, owner=person), person, 2)

    with django_assert_num_queries(7):
        response = client.get(LIST)

    assert len(response.context["rows"]) == 12


def test_the_page_reads_in_indonesian(client, manager):
    manager.language = "id"
    manager.save()
    client.force_login(manager)

    assert "Target" in client.get(LIST).content.decode()
