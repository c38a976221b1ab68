import heapq
import itertools
import random

from django.urls import reverse

from setia.accounts.models import Role
from setia.history.models import TimelineEvent
from setia.test import make_user
from setia.work import actions
from setia.work.fairness import fair_owners
from setia.work.models import Task
from setia.work.tests.factories import make_task


def _people(team, count):
    return [make_user(Role.EXECUTIVE, team=team) for _ in range(count)]


def test_100_tasks_over_4_people_end_within_one_of_equal_weighted_load(team_a, manager):
    people = _people(team_a, 4)
    # given unequal open work already: 0, 6, 2 + one urgent (3), 10
    for person, count in zip(people, (0, 6, 2, 10), strict=True):
        for _ in range(count):
            make_task(owner=person)
    make_task(owner=people[2], priority="urgent")
    make_task(owner=people[1], status="done")  # done work does not count
    tasks = [make_task(owner=None, team=team_a) for _ in range(100)]

    loads = actions.assign_fairly(tasks=tasks, people=people, actor=manager)

    total = 0 + 6 + 5 + 10 + 100
    equal = total / 4
    assert sorted(loads.values()) == [30, 30, 30, 31]
    assert all(abs(load - equal) <= 1 for load in loads.values())
    # the loads are the database's
    assert actions.open_loads(people) == loads
    assert Task.objects.filter(owner__isnull=True).count() == 0


def test_it_weighs_priorities_and_goes_round_robin_on_ties(team_a, manager):
    people = _people(team_a, 2)
    tasks = [make_task(owner=None, team=team_a, priority="urgent")] + [
        make_task(owner=None, team=team_a) for _ in range(4)
    ]

    loads = actions.assign_fairly(tasks=tasks, people=people, actor=manager)

    owners = [task.owner for task in tasks]
    assert owners == [people[0], people[1], people[1], people[1], people[0]]
    assert loads == {people[0].pk: 4, people[1].pk: 3}


def test_a_task_created_without_an_owner_is_assigned_fairly(client, manager, team_a, customer):
    busy, free = _people(team_a, 2)
    make_task(owner=busy)
    client.force_login(manager)

    response = client.post(
        reverse("work:task-create"),
        {
            "title": "Welcome call",
            "customer": customer.code,
            "owner": "",
            "due_at": "2026-11-12T10:00",
            "priority": "normal",
        },
    )

    assert response.status_code == 302
    task = Task.objects.get(title="Welcome call")
    # the customer persona's team also holds the executive persona (no open work)
    assert task.owner in {free, customer.owner}
    assert task.owner != busy
    assert TimelineEvent.objects.filter(data__task_action="assigned").count() == 1


def test_the_board_assigns_unassigned_tasks_fairly(client, manager, team_a):
    people = _people(team_a, 2)
    for _ in range(4):
        make_task(owner=None, team=team_a)
    client.force_login(manager)

    response = client.post(reverse("work:assign-fairly"), {"team": team_a.pk})

    assert response.status_code == 302
    assert actions.open_loads(people) == {people[0].pk: 2, people[1].pk: 2}


def test_assign_fairly_follows_the_matrix(client, executive, intern, team_a, team_b):
    make_task(owner=None, team=team_a)
    url = reverse("work:assign-fairly")
    assert client.post(url, {"team": team_a.pk}).status_code == 302
    for user in (executive, intern):
        client.force_login(user)
        assert client.post(url, {"team": team_a.pk}).status_code == 403
    manager = make_user(Role.MANAGER)
    client.force_login(manager)
    assert client.get(url).status_code == 405
    assert client.post(url, {"team": 999999}).status_code == 404
    assert Task.objects.filter(owner__isnull=True).count() == 1


def _one_at_a_time(loads, weights):
    """The rule as it reads: each task to the least loaded, ties to whoever waited longest."""
    turn = itertools.count()
    heap = [(load, next(turn), pk) for pk, load in loads]
    heapq.heapify(heap)
    owners = []
    for weight in weights:
        load, _turn, pk = heapq.heappop(heap)
        owners.append(pk)
        heapq.heappush(heap, (load + weight, next(turn), pk))
    return owners


def test_it_gives_the_owners_of_taking_tasks_one_at_a_time_whatever_their_weights(db):
    rng = random.Random(11)
    for _case in range(40):
        ids = rng.sample(range(1, 100), rng.randrange(1, 6))
        loads = [(pk, rng.randrange(0, 9)) for pk in ids]
        weights = [rng.choice([1, 1, 2, 3]) for _ in range(rng.randrange(1, 30))]

        assert fair_owners(loads, weights) == _one_at_a_time(loads, weights)


def test_it_breaks_ties_round_robin_in_the_order_given(db):
    # 5 and 7 both reach load 2 after one task of 2 for 7: 5 has waited longer
    assert fair_owners([(7, 0), (5, 2)], [2, 2, 2]) == [7, 5, 7]
    assert fair_owners([(7, 0), (5, 0)], [1, 1, 1]) == [7, 5, 7]
    assert fair_owners([], [1]) == []
    assert fair_owners([(7, 0)], []) == []
