"""The targets' actuals: a GROUP BY per source, equal to counting event by event."""

import datetime

import pytest
import time_machine
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from setia.accounts.models import Role
from setia.cadence import kpis, tasks
from setia.cadence.actions import change_team
from setia.cadence.models import KpiDay, KpiRollup, TeamMembership
from setia.history.actions import new_event, record_events
from setia.history.models import TimelineEvent
from setia.lib.dates import add_months
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
    ("task", {"run_action": "completed", "playbook": "GMV recovery"}),
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
        "task": [("actor", "tasks_done", 1)]
        if data.get("task_action") == "completed"
        else [("actor", "playbooks_completed", 1)]
        if data.get("run_action") == "completed"
        else [],
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
    # The rollup's builds, each after the first N events, from a month (October to December);
    # none: every figure counted live.
    builds=st.lists(st.tuples(st.integers(0, 50), st.integers(-1, 1)), max_size=2),
)
def test_actuals_equal_a_count_event_by_event(people, owned, events, moves, builds):
    teams, users, _customer = people
    TimelineEvent.objects.all().delete()
    TeamMembership.objects.all().delete()
    KpiDay.objects.all().delete()
    KpiRollup.objects.all().delete()
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
    recorded = 0
    for after, month in [*sorted(builds), (len(events), None)]:
        record_events(
            [
                new_event(
                    owned[customer],
                    VARIANTS[variant][0],
                    actor=users[actor] if actor >= 0 else None,
                    data=VARIANTS[variant][1],
                    occurred_at=START + datetime.timedelta(minutes=minute),
                )
                for actor, variant, customer, minute in events[recorded:after]
            ]
        )
        recorded = max(recorded, after)
        if month is not None:
            kpis.build_rollup(add_months(MONTH, month))

    for start, end in (
        kpis.month_bounds(MONTH),
        (START + datetime.timedelta(days=7), START + datetime.timedelta(days=14)),
        (START - datetime.timedelta(days=3), START + datetime.timedelta(days=2)),
    ):
        found = kpis.actuals(start, end)
        expected_people, expected_teams = _counted(users, owned, events, stretches, start, end)
        assert dict(found.people) == expected_people
        assert dict(found.teams) == expected_teams


def _counted(users, owned, events, stretches, start, end) -> tuple[dict, dict]:
    """The figures of `events` from `start` to `end`, per person and per team, event by event."""

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
    return expected_people, expected_teams


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
    # Each: the rollup's builds, then a query per source (live: nothing is rolled up yet).
    with django_assert_num_queries(2):
        kpis.actuals(start, end, codes={"calls", "offers_accepted", "revenue_kept"})
    with django_assert_num_queries(5):  # by actor, by owner, onboarding, GMV
        kpis.actuals(start, end)
    with django_assert_num_queries(0):
        kpis.actuals(start, end, codes=set())
    # A period that is not whole days is counted live whole, without asking for the builds.
    with django_assert_num_queries(1):
        kpis.actuals(start + datetime.timedelta(hours=1), end, codes={"calls"})


def test_a_rolled_up_month_reads_the_rollup_and_what_came_after(people, django_assert_num_queries):
    _teams, users, customer = people
    caller = users[1]
    with time_machine.travel(START + datetime.timedelta(days=10), tick=False):
        record_events([new_event(customer, "call", actor=caller) for _n in range(3)])
        assert kpis.build_rollup(MONTH) == 1  # the day's calls of the person, at their team
        record_events([new_event(customer, "call", actor=caller)])
        start, end = kpis.month_bounds(MONTH)
        # The builds, the rollup's rows, and the calls since the build.
        with django_assert_num_queries(3):
            found = kpis.actuals(start, end, codes={"calls"})

    assert found.people[caller.pk, "calls"] == 4
    assert found.teams[caller.team_id, "calls"] == 4


def test_calls_around_two_builds_count_once(people):
    """Calls before, between and after two builds (October on, then November on), read over
    a period that starts before the rollup and over one inside it."""
    _teams, users, customer = people
    caller = users[1]

    def calls(days: list[int]) -> None:
        record_events(
            [
                new_event(
                    customer, "call", actor=caller, occurred_at=START + datetime.timedelta(days=n)
                )
                for n in days
            ]
        )

    with time_machine.travel(START + datetime.timedelta(days=20), tick=False):
        calls([-40, -5, 2])  # September, October, November
        kpis.build_rollup(add_months(MONTH, -1))
        calls([-4, 3])
        kpis.build_rollup(MONTH)
        calls([-3, 4, -40])

        def count(start, end) -> int:
            return kpis.actuals(start, end, codes={"calls"}).people.get((caller.pk, "calls"), 0)

        assert count(*kpis.month_bounds(MONTH)) == 3
        assert count(*kpis.month_bounds(add_months(MONTH, -1))) == 3
        assert count(START - datetime.timedelta(days=45), START + datetime.timedelta(days=5)) == 8


def test_the_ten_minute_build_starts_at_the_month_of_a_week_ago(people):
    with time_machine.travel(datetime.datetime(2026, 12, 3, 9, tzinfo=JAKARTA), tick=False):
        tasks.roll_up_recent_kpis()
        assert list(KpiRollup.objects.values_list("since", flat=True)) == [MONTH]
        tasks.roll_up_kpis()
    assert list(KpiRollup.objects.values_list("since", flat=True)) == [datetime.date(2025, 12, 1)]
