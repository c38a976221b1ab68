import datetime

from django.utils import timezone

from setia.work.schedule.models import ChecklistItem, Task

JAKARTA = datetime.timezone(datetime.timedelta(hours=7))


def at(day: int, hour: int = 9, month: int = 11, year: int = 2026) -> datetime.datetime:
    """An aware moment in Jakarta time."""
    return datetime.datetime(year, month, day, hour, 0, tzinfo=JAKARTA)


def make_task(*, owner=None, checklist=(), **fields) -> Task:
    fields.setdefault("title", "Call about the renewal")
    fields.setdefault("due_at", timezone.now() + datetime.timedelta(hours=2))
    if owner is not None:
        fields.setdefault("team", owner.team)
    task = Task.objects.create(owner=owner, **fields)
    for position, text in enumerate(checklist):
        ChecklistItem.objects.create(task=task, text=text, position=position)
    return task


def make_tasks(*, owner, customers, due_at: datetime.datetime, **fields) -> list[Task]:
    """One open task per customer for `owner`, due an hour apart from `due_at`, in one INSERT:
    for tests that need a backlog of thousands."""
    fields.setdefault("title", "Call about the renewal")
    return Task.objects.bulk_create(
        Task(
            owner=owner,
            team=owner.team,
            customer=customer,
            due_at=due_at + datetime.timedelta(hours=index),
            **fields,
        )
        for index, customer in enumerate(customers)
    )
