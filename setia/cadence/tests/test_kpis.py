"""The targets' actuals: a GROUP BY per source, equal to counting event by event."""

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
ACCEPTED = {
    "offer_status": "accepted",
    "monthly_price": 349_000,
    "discount_percent": 15,
    "months": 3,
}
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
    ("offer", ACCEPTED),
    ("offer", {**ACCEPTED, "offer_status": "declined"}),
    ("tier", {"direction": "up"}),
    ("tier", {"direction": "down"}),
    ("survey", {"kind": "nps", "score": 10}),
    ("survey", {"kind": "nps", "score": 9}),
    ("survey", {"kind": "nps", "score": 7}),
    ("survey", {"kind": "nps", "score": 6}),
    ("survey", {"kind": "nps", "score": 0}),
    ("survey", {"kind": "csat", "score": 5}),
    ("survey", {"kind": "csat", "score": 1}),
]


def brute_kpis(kind: str, data: dict) -> list[tuple[str, str, int]]:
    """(whom it counts for: "actor" or "owner", the figure, the amount) of an event, decided
    without the ORM. Revenue kept is in hundredths of a rupiah, as `kpis.actuals` sums it."""
    sent = data.get("direction") == "outbound" and data.get("status") != "failed"
    found = {
        "call": [("actor", "calls", 1)],
        "meeting": [("actor", "meetings", 1)],
        "whatsapp": [("actor", "whatsapp_sent", 1)] if sent else [],
        "email": [("actor", "emails_sent", 1)] if sent else [],
        "task": [("actor", "tasks_done", 1)] if data.get("task_action") == "completed" else [],
        "tier": [("owner", "tier_upgrades", 1)] if data.get("direction") == "up" else [],
    }.get(kind, [])
    if kind == "offer" and data["offer_status"] == "accepted":
        kept = data["monthly_price"] * (100 - data["discount_percent"]) * data["months"]
        found = [("actor", "offers_accepted", 1), ("actor", "revenue_kept", kept)]
    if kind == "survey":
        found = [("owner", "survey_responses", 1)]
        if data["kind"] == "nps":
            found.append(("owner", "nps_answers", 1))
            if data["score"] >= 9:
                found.append(("owner", "nps_promoters", 1))
            if data["score"] <= 6:
                found.append(("owner", "nps_detractors", 1))
    return found


@pytest.fixture
def people(db):
    teams = [make_team(f"Tim {n}") for n in range(3)]
    users = [make_user(Role.EXECUTIVE, team=teams[n % 3]) for n in range(4)]
    return teams, users, make_customer(team=teams[0])


@pytest.fixture
def owned(people):
    """Customers owned by the first person, by the fourth (who never moved) and by nobody."""
    teams, users, _customer = people
    return [
        make_customer(team=teams[0], owner=users[0]),
        make_customer(team=teams[0], owner=users[3]),
        make_customer(team=teams[0]),
    ]


stretch_ends = st.integers(-3 * 24 * 60, 33 * 24 * 60)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    events=st.lists(
        st.tuples(
            st.integers(-1, 3),  # actor (-1: the system)
            st.integers(0, len(VARIANTS) - 1),
            st.integers(0, 2),  # the customer (see `owned`)
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
def test_actuals_equal_a_count_event_by_event(people, owned, events, moves):
    teams, users, _customer = people
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
                owned[customer],
                VARIANTS[variant][0],
                actor=users[actor] if actor >= 0 else None,
                data=VARIANTS[variant][1],
                occurred_at=START + datetime.timedelta(minutes=minute),
            )
            for actor, variant, customer, minute in events
        ]
    )

    start, end = kpis.month_bounds(MONTH)
    found = kpis.actuals(start, end)

    def team_at(user, moment):
        if user.pk not in stretches:
            return user.team_id
        return next(
            (
                team
                for begin, finish, team in stretches[user.pk]
                if begin <= moment and (finish is None or moment < finish)
            ),
            None,
        )

    owners = [users[0], users[3], None]
    expected_people: dict = {}
    expected_teams: dict = {}
    for actor, variant, customer, minute in events:
        moment = START + datetime.timedelta(minutes=minute)
        if not start <= moment < end:
            continue
        for whom, figure, amount in brute_kpis(*VARIANTS[variant]):
            person = (users[actor] if actor >= 0 else None) if whom == "actor" else owners[customer]
            if person is None:
                continue
            expected_people[person.pk, figure] = (
                expected_people.get((person.pk, figure), 0) + amount
            )
            team_id = team_at(person, moment)
            if team_id is not None:
                expected_teams[team_id, figure] = expected_teams.get((team_id, figure), 0) + amount
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


def test_the_actuals_are_a_query_per_source(people, django_assert_num_queries):
    start, end = kpis.month_bounds(MONTH)
    with django_assert_num_queries(1):
        kpis.actuals(start, end, codes={"calls", "offers_accepted", "revenue_kept"})
    with django_assert_num_queries(4):  # by actor, by owner, onboarding, GMV
        kpis.actuals(start, end)
    with django_assert_num_queries(0):
        kpis.actuals(start, end, codes=set())
