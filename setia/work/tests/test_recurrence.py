import datetime

import time_machine

from setia.lib.dates import add_months
from setia.work import actions
from setia.work.models import Task
from setia.work.tests.factories import JAKARTA, at, make_task


@time_machine.travel(at(10, 9), tick=False)
def test_it_creates_the_next_daily_occurrence_when_one_is_done(executive, customer):
    task = make_task(
        owner=executive,
        customer=customer,
        due_at=at(10, 10),
        remind_at=at(10, 9),
        recurrence="daily",
        checklist=["Check orders"],
    )
    task.checklist.update(is_done=True)

    following = actions.complete_task(task=task, actor=executive)

    assert following.due_at == at(11, 10)
    assert following.remind_at == at(11, 9)
    assert (following.owner, following.customer, following.recurrence, following.status) == (
        executive,
        customer,
        "daily",
        "open",
    )
    assert following.repeats == task
    assert list(following.checklist.values_list("text", "is_done")) == [("Check orders", False)]


@time_machine.travel(at(10, 9), tick=False)
def test_it_repeats_weekly_and_monthly(executive):
    weekly = make_task(owner=executive, due_at=at(10, 10), recurrence="weekly")
    monthly = make_task(
        owner=executive,
        due_at=datetime.datetime(2027, 1, 31, 10, tzinfo=JAKARTA),
        recurrence="monthly",
    )

    assert actions.complete_task(task=weekly, actor=executive).due_at == at(17, 10)
    # the 31st of January repeats on the last day of February
    assert actions.complete_task(task=monthly, actor=executive).due_at == datetime.datetime(
        2027, 2, 28, 10, tzinfo=JAKARTA
    )


@time_machine.travel(at(10, 9), tick=False)
def test_completing_twice_creates_one_next_occurrence(executive):
    task = make_task(owner=executive, due_at=at(10, 10), recurrence="daily")
    stale_copy = Task.objects.get(pk=task.pk)

    actions.complete_task(task=task, actor=executive)
    again = actions.complete_task(task=stale_copy, actor=executive)

    assert again is None
    assert Task.objects.count() == 2


def test_a_task_that_does_not_repeat_has_no_next(executive):
    task = make_task(owner=executive)
    assert actions.complete_task(task=task, actor=executive) is None
    assert Task.objects.count() == 1


@time_machine.travel(at(10, 9), tick=False)
def test_add_months_keeps_local_time_and_clamps_the_day():
    moment = datetime.datetime(2026, 12, 31, 23, 30, tzinfo=JAKARTA)
    assert add_months(moment, 2) == datetime.datetime(2027, 2, 28, 23, 30, tzinfo=JAKARTA)
