"""The targets' actuals: one GROUP BY over the timeline, equal to counting event by event."""

import datetime

import pytest
import time_machine
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from setia.accounts.models import Role
from setia.cadence import kpis
from setia.cadence.actions import change_team
from setia.cadence.models import TeamMembership
from setia.history.actions import new_event, record_events
from setia.history.models import TimelineEvent
from setia.test import make_customer, make_team, make_user

JAKARTA = timezone.get_fixed_timezone(7 * 60)
MONTH = datetime.date(2026, 11, 1)
START = datetime.datetime(2026, 11, 1, tzinfo=JAKARTA)

# (kind, data) of the events a history holds: counted ones and look-alikes that must not count.
VARIANTS = [
    ("call", {"direction": "outbound"}),
    ("call", {"direction": "inbound"}),
    ("whatsapp", {"direction": "outbound", "status": "sent"}),
    ("whatsapp", {"direction": "outbound", "status": "failed"}),
    ("whatsapp", {"direction": "inbound"}),
    ("email", {"direction": "outbound", "status": "delivered"}),
    ("email", {"direction": "inbound"}),
    ("meeting", {}),
    ("note", {}),
    ("task", {"task_action": "completed"}),
    ("task", {"task_action": "created"}),
    ("offer", {"offer_status": "accepted"}),
    ("offer", {"offer_status": "declined"}),
    ("tier", {}),
]


def brute_kpi(kind: str, data: dict) -> str | None:
    """The KPI an event counts for, decided without the ORM."""
    sent = data.get("direction") == "outbound" and data.get("status") != "failed"
    return {
        "call": "calls",
        "meeting": "meetings",
        "whatsapp": "whatsapp_sent" if sent else None,
        "email": "emails_sent" if sent else None,
        "task": "tasks_done" if data.get("task_action") == "completed" else None,
        "offer": "offers_accepted" if data.get("offer_status") == "accepted" else None,
    }.get(kind)


@pytest.fixture
def people(db):
    teams = [make_team(f"Tim {n}") for n in range(3)]
    users = [make_user(Role.EXECUTIVE, team=teams[n % 3]) for n in range(4)]
    return teams, users, make_customer(team=teams[0])


stretch_ends = st.integers(-3 * 24 * 60, 33 * 24 * 60)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    events=st.lists(
        st.tuples(
            st.integers(-1, 3),  # actor (-1: the system)
            st.integers(0, len(VARIANTS) - 1),
            # minutes from the month's start, often right on its edges
            st.one_of(st.sampled_from([-1, 0, 30 * 24 * 60 - 1, 30 * 24 * 60]), stretch_ends),
        ),
        max_size=50,
    ),
    # Each of the first three people: the minutes at which they moved (sorted), and to which
    # team (-1: none); the fourth never moved.
    moves=st.lists(
        st.lists(st.tuples(stretch_ends, st.integers(-1, 2)), max_size=3), min_size=3, max_size=3
    ),
)
def test_actuals_equal_a_count_event_by_event(people, events, moves):
    teams, users, customer = people
    TimelineEvent.objects.all().delete()
    TeamMembership.objects.all().delete()
    stretches: dict[int, list[tuple[datetime.datetime, datetime.datetime | None, int | None]]] = {}
    for user, user_moves in zip(users, moves, strict=False):
        if not user_moves:
            continue
        points = sorted({minute for minute, _team in user_moves})
        team_of = dict(user_moves)
        moments = [START - datetime.timedelta(days=400)] + [
            START + datetime.timedelta(minutes=minute) for minute in points
        ]
        chosen = [user.team_id] + [
            teams[team_of[minute]].pk if team_of[minute] >= 0 else None for minute in points
        ]
        rows = [
            (moment, moments[n + 1] if n + 1 < len(moments) else None, team_id)
            for n, (moment, team_id) in enumerate(zip(moments, chosen, strict=True))
        ]
        TeamMembership.objects.bulk_create(
            TeamMembership(user=user, team_id=team_id, started_at=begin, ended_at=end)
            for begin, end, team_id in rows
        )
        stretches[user.pk] = rows
    record_events(
        [
            new_event(
                customer,
                VARIANTS[variant][0],
                actor=users[actor] if actor >= 0 else None,
                data=VARIANTS[variant][1],
                occurred_at=START + datetime.timedelta(minutes=minute),
            )
            for actor, variant, minute in events
        ]
    )

    start, end = kpis.month_bounds(MONTH)
    found = kpis.actuals(start, end)

    expected_people: dict = {}
    expected_teams: dict = {}
    for actor, variant, minute in events:
        moment = START + datetime.timedelta(minutes=minute)
        kpi = brute_kpi(*VARIANTS[variant])
        if actor < 0 or kpi is None or not start <= moment < end:
            continue
        user = users[actor]
        expected_people[user.pk, kpi] = expected_people.get((user.pk, kpi), 0) + 1
        if user.pk in stretches:
            team_id = next(
                (
                    team
                    for begin, finish, team in stretches[user.pk]
                    if begin <= moment and (finish is None or moment < finish)
                ),
                None,
            )
        else:
            team_id = user.team_id
        if team_id is not None:
            expected_teams[team_id, kpi] = expected_teams.get((team_id, kpi), 0) + 1
    assert dict(found.people) == expected_people
    assert dict(found.teams) == expected_teams


def test_a_person_who_moved_mid_month_counts_each_call_once(people, manager):
    teams, users, customer = people
    mover = users[0]  # in team 0 since they joined
    with time_machine.travel(START + datetime.timedelta(days=12), tick=False):
        record_events(
            [
                new_event(
                    customer, "call", actor=mover, occurred_at=START + datetime.timedelta(days=3)
                )
            ]
        )
        change_team(user=mover, team=teams[1], actor=manager)
        record_events([new_event(customer, "call", actor=mover) for _n in range(2)])

    found = kpis.actuals(*kpis.month_bounds(MONTH))

    assert found.people[mover.pk, "calls"] == 3
    assert found.teams[teams[0].pk, "calls"] == 1
    assert found.teams[teams[1].pk, "calls"] == 2
    assert sum(count for (_team, kpi), count in found.teams.items() if kpi == "calls") == 3


def test_the_actuals_are_one_query(people, django_assert_num_queries):
    start, end = kpis.month_bounds(MONTH)
    with django_assert_num_queries(1):
        kpis.actuals(start, end)
