"""Fair assignment, the one rule for every path that hands out tasks.

Each task, in order, goes to the person with the least weighted open work (see
PRIORITY_WEIGHTS); on a tie, to whoever was given work longest ago in this round, people who
got nothing yet first, in the order they are listed (round-robin). Taken one task at a time
this keeps everyone within one task's weight of the others.

The rule is written once, as SQL, so that the trigger evaluation can assign thousands of
tasks in one INSERT ... SELECT. For tasks of equal weight `w` the one-at-a-time choice has a
closed form: the n-th task goes to the n-th slot in the order

    (load + w * k, k, turn)   over the people and k = 0, 1, 2, ...

where a person's slot k is their (k + 1)-th task of the round, taken at load + w * k. Among
slots at the same load, the person who reached that load with fewer tasks of this round got
there earlier (their last task came before the others'), and people who got none are in
their listed order (`turn`). `fair_owners` applies this to a mixed list by taking each run
of equal weights as one such step.
"""

import itertools

from django.db import connection

# The body of two common table expressions for a `WITH RECURSIVE` query that has defined
# `person (id, team_id, load, turn)` (who may take a team's tasks, their weighted open work,
# their round-robin order) and `need (team_id, n, weight)` (how many tasks of that weight each
# team hands out). It yields `slot (id, team_id, n)`: the team's n-th task goes to person `id`.
SLOTS = """
    slot_k (k) AS (
        SELECT 0 UNION ALL SELECT k + 1 FROM slot_k WHERE k + 1 < (SELECT max(n) FROM need)),
    slot AS (
        SELECT person.id, person.team_id, row_number() OVER (
            PARTITION BY person.team_id
            ORDER BY person.load + need.weight * slot_k.k, slot_k.k, person.turn) AS n
        FROM person
        JOIN need ON need.team_id = person.team_id
        JOIN slot_k ON slot_k.k < need.n)
"""


def person_rows(people: list[tuple[int, int, int, int]]) -> tuple[str, list[int]]:
    """The `person (id, team_id, load, turn)` expression for `people` rows, and its parameters.

    An empty list gives a table with no rows."""
    if not people:
        return "person (id, team_id, load, turn) AS (SELECT 0, 0, 0, 0 WHERE 1 = 0)", []
    values = ", ".join(["(%s, %s, %s, %s)"] * len(people))
    return f"person (id, team_id, load, turn) AS (VALUES {values})", [
        value for row in people for value in row
    ]


def fair_owners(loads: list[tuple[int, int]], weights: list[int]) -> list[int]:
    """Who takes each task, for tasks of `weights` in order, among people given as
    [(id, weighted open work)] in their round-robin order. One query per run of tasks of the
    same weight (a single query when they all weigh the same)."""
    if not loads or not weights:
        return []
    load = dict(loads)
    turn = {person_id: position for position, (person_id, _load) in enumerate(loads)}
    given = len(loads)  # turns after everyone's first
    owners: list[int] = []
    for weight, run in itertools.groupby(weights):
        count = len(list(run))
        person, params = person_rows([(pk, 0, load[pk], turn[pk]) for pk, _load in loads])
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH RECURSIVE {person}, need (team_id, n, weight) AS (SELECT 0, %s, %s),"
                f"{SLOTS} SELECT id FROM slot WHERE n <= %s ORDER BY n",
                [*params, count, weight, count],
            )
            chosen = [row[0] for row in cursor.fetchall()]
        for position, person_id in enumerate(chosen):
            load[person_id] += weight
            turn[person_id] = given + position
        given += count
        owners += chosen
    return owners
