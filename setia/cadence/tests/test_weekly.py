"""The weekly update page: a week's figures against the month's targets."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from setia.accounts.models import Role
from setia.cadence.models import Checkpoint, Target
from setia.history.actions import new_event, record_events
from setia.metrics.models import CustomerMonthlyMetric
from setia.test import make_customer, make_user

WEEKLY = reverse("cadence:weekly")
# Thursday 19 November 2026, noon in Jakarta: week 2026-W47 runs from Monday 16 to Sunday 22.
NOW = datetime.datetime(2026, 11, 19, 5, 0, tzinfo=datetime.UTC)
JAKARTA = datetime.timezone(datetime.timedelta(hours=7))


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _calls(customer, actor, day: int, count: int):
    moment = datetime.datetime(2026, 11, day, 10, 0, tzinfo=JAKARTA)
    record_events(
        [new_event(customer, "call", actor=actor, occurred_at=moment) for _n in range(count)]
    )


@pytest.fixture
def history(team_a, executive):
    Target.objects.create(month=datetime.date(2026, 11, 1), kpi="calls", team=team_a, value=100)
    customer = make_customer(team=team_a, owner=executive)
    _calls(customer, executive, 3, 10)  # week 45
    _calls(customer, executive, 10, 4)  # week 46
    _calls(customer, executive, 17, 6)  # week 47
    Checkpoint.objects.create(
        user=executive, day=datetime.date(2026, 11, 17), blockers="Akses API belum ada"
    )
    return customer


def test_it_shows_the_week_the_week_before_month_to_date_and_forecast(
    client, manager, team_a, history
):
    client.force_login(manager)

    response = client.get(WEEKLY, {"week": "2026-W47", "team": team_a.pk})

    assert response.status_code == 200
    [row] = response.context["rows"]
    # 20 calls in the 22 days to Sunday 22 November: 27 at that pace over 30 days.
    assert (row.week, row.previous, row.change, row.month_to_date, row.forecast) == (
        6,
        4,
        2,
        20,
        27,
    )
    page = response.content.decode()
    assert "Akses API belum ada" in page
    assert 'src="data:image/svg+xml;base64,' in page


def test_an_executive_sees_their_team_by_default_and_not_another(
    client, executive, team_a, team_b, history
):
    client.force_login(executive)

    response = client.get(WEEKLY)

    assert response.context["team"] == team_a
    assert response.context["week"] == "2026-W47"
    assert client.get(WEEKLY, {"team": team_b.pk}).status_code == 403


def test_a_persons_update_counts_their_own_events(client, manager, executive, team_a, history):
    Target.objects.create(month=datetime.date(2026, 11, 1), kpi="calls", user=executive, value=30)
    colleague = make_user(Role.EXECUTIVE, team=team_a)
    _calls(history, colleague, 18, 5)
    client.force_login(manager)

    [row] = client.get(WEEKLY, {"week": "2026-W47", "person": executive.pk}).context["rows"]

    assert (row.week, row.month_to_date) == (6, 20)


def test_a_malformed_week_is_refused_with_a_message(client, manager):
    manager.language = "en"
    manager.save()
    client.force_login(manager)

    response = client.get(WEEKLY, {"week": "2026-47"})

    assert response.status_code == 400
    assert "Enter a week as YYYY-Www" in response.content.decode()


def test_it_is_a_fixed_number_of_queries(
    client, manager, team_a, history, django_assert_num_queries
):
    client.force_login(manager)
    client.get(WEEKLY, {"team": team_a.pk})
    for n in range(5):
        person = make_user(Role.EXECUTIVE, team=team_a)
        _calls(history, person, 18, 2)
        Checkpoint.objects.create(user=person, day=datetime.date(2026, 11, 18), blockers=f"B{n}")

    with django_assert_num_queries(16):
        response = client.get(WEEKLY, {"team": team_a.pk})

    assert len(response.context["blockers"]) == 6


def test_a_monthly_rollup_and_a_score_are_their_own_forecast(
    client, manager, executive, team_a, history
):
    month = datetime.date(2026, 11, 1)
    Target.objects.create(month=month, kpi="gmv_owned", team=team_a, value=2_000_000)
    Target.objects.create(month=month, kpi="nps", team=team_a, value=50)
    CustomerMonthlyMetric.objects.create(customer=history, month=month, gmv=1_234_567, orders=9)
    moment = datetime.datetime(2026, 11, 17, 10, 0, tzinfo=JAKARTA)
    record_events(
        [
            new_event(history, "survey", data={"kind": "nps", "score": score}, occurred_at=moment)
            for score in (10, 10, 4)
        ]
    )
    client.force_login(manager)

    response = client.get(WEEKLY, {"week": "2026-W47", "team": team_a.pk})

    rows = {row.target.kpi: row for row in response.context["rows"]}
    gmv, score = rows["gmv_owned"], rows["nps"]
    assert (gmv.week, gmv.previous, gmv.month_to_date, gmv.forecast) == (
        None,
        None,
        1_234_567,
        1_234_567,
    )
    assert (score.week, score.previous, score.month_to_date, score.forecast) == (33, None, 33, 33)
    assert "Rp 1.234.567" in response.content.decode()
