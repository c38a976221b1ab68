"""Writes to tasks: create, edit, complete (and repeat), assign fairly, remind and escalate;
and the calendar feed's keys and tokens.

For a task of a customer, five steps go on that customer's timeline through `record_event`:
creating it, giving it another owner, completing it, assigning it fairly and escalating it.
Other edits, checklist ticks, reminders and the next occurrence of a repeating task do not.
"""

import datetime
from collections.abc import Sequence

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import models, transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from setia.accounts.models import Role, User
from setia.customers.actions import save_edit
from setia.history.actions import record_event
from setia.lib.dates import now, today
from setia.notifications.actions import notify_each
from setia.notifications.models import Kind, Notification
from setia.work.schedule.fairness import fair_owners
from setia.work.schedule.messages import SUMMARIES
from setia.work.schedule.models import (
    PRIORITY_WEIGHTS,
    CalendarFeed,
    ChecklistItem,
    Status,
    Task,
    reminder_time,
)

_FEED_SALT = "setia.work.calendar-feed"


def _event(task: Task, action: str, *, actor, summary: str, extra: dict | None = None) -> None:
    if task.customer_id is None:
        return
    record_event(
        task.customer,
        "task",
        actor=actor,
        summary=summary,
        data={
            "task_action": action,
            "title": task.title,
            "due_at": task.due_at.isoformat(),
            "priority": task.priority,
            "owner": str(task.owner) if task.owner_id else "",
            **(extra or {}),
        },
        source_object=task,
    )


def _summary(action: str, task: Task) -> str:
    # The stored fallback, in the site's language; pages render the step in the reader's.
    with translation.override(settings.LANGUAGE_CODE):
        return _(SUMMARIES[action]) % {"title": task.title}


@transaction.atomic
def create_task(*, data: dict, checklist: Sequence[str] = (), actor) -> Task:
    """Create a task from validated field values; an empty owner means fair assignment among
    the team (see `assign_fairly`). The task's team is its owner's, else its customer's."""
    task = Task(created_by=actor, **data)
    if task.remind_at is None:
        task.remind_at = reminder_time(task.due_at)
    task.team_id = _team_id(task, actor)
    task.save()
    ChecklistItem.objects.bulk_create(
        [ChecklistItem(task=task, text=text, position=n) for n, text in enumerate(checklist)]
    )
    if task.owner_id is None and task.team_id is not None:
        assign_fairly(tasks=[task], people=assignable_people(task.team_id), actor=actor)
    else:
        notify_assigned([task], actor=actor)
    _event(task, "created", actor=actor, summary=_summary("created", task))
    return task


# The assignment notifications' messages, translated for each reader when shown.
ASSIGNED_ONE = gettext_noop("%(actor)s assigned you a task: %(title)s")
ASSIGNED_MANY = gettext_noop("%(actor)s assigned you %(count)s tasks.")


def notify_assigned(tasks: Sequence[Task], *, actor) -> int:
    """Tell each owner of `tasks` that `actor` gave them work: one notification per person
    (naming the task, or how many), none for work people take themselves or that automation
    gives (no actor). At most two INSERTs and two UPDATEs; returns how many were told."""
    if actor is None or not getattr(actor, "pk", None):
        return 0
    by_owner: dict[int, list[Task]] = {}
    for task in tasks:
        if task.owner_id is not None and task.owner_id != actor.pk:
            by_owner.setdefault(task.owner_id, []).append(task)
    single = [(owner, mine[0]) for owner, mine in by_owner.items() if len(mine) == 1]
    several = [(owner, mine) for owner, mine in by_owner.items() if len(mine) > 1]
    told = 0
    for owner, task in single:
        told += notify_each(
            [(owner, {"actor": str(actor), "title": task.title})],
            Kind.ASSIGNMENT,
            ASSIGNED_ONE,
            link=reverse("work:task-detail", args=[task.code]),
            actor=actor,
        )
    if several:
        told += notify_each(
            [(owner, {"actor": str(actor), "count": len(mine)}) for owner, mine in several],
            Kind.ASSIGNMENT,
            ASSIGNED_MANY,
            link=reverse("work:my-day"),
            actor=actor,
        )
    return told


def _team_id(task: Task, actor) -> int | None:
    if task.owner is not None and task.owner.team_id:
        return task.owner.team_id
    if task.customer is not None and task.customer.team_id:
        return task.customer.team_id
    return getattr(actor, "team_id", None)


def update_task(
    *, task: Task, data: dict, actor, expected_version: int | None = None, source: str = "web"
) -> Task:
    """Save edited fields if nobody saved the task since `expected_version` (StaleEditError
    otherwise, see `save_edit`); a new owner is recorded on the timeline as a reassignment."""
    # From the database: a bound ModelForm has already written its values onto `task`.
    previous_owner = Task.objects.filter(pk=task.pk).values_list("owner_id", flat=True).get()
    data = dict(data)
    if "due_at" in data and "remind_at" not in data:
        data["remind_at"] = reminder_time(data["due_at"])
        data["reminder_sent_at"] = None

    def after_check(record: Task) -> None:
        record.team_id = _team_id(record, actor)
        if record.owner_id != previous_owner:
            _event(record, "reassigned", actor=actor, summary=_summary("reassigned", record))
            notify_assigned([record], actor=actor)

    save_edit(
        record=task,
        customer=task.customer,
        actor=actor,
        data={**data, "team": task.team},
        expected_version=expected_version,
        source=source,
        before_write=after_check,
        on_timeline=False,
    )
    return task


@transaction.atomic
def complete_task(*, task: Task, actor) -> Task | None:
    """Mark an open task done and, when it repeats, create its next occurrence (with the same
    checklist, unticked). Returns the next occurrence. Completing a done task changes nothing:
    the claim is a conditional UPDATE, so two clicks cannot make two next occurrences."""
    moment = now()
    claimed = Task.objects.filter(pk=task.pk, status=Status.OPEN).update(
        status=Status.DONE, completed_at=moment, completed_by=actor, updated_at=moment
    )
    if not claimed:
        return None
    task.status, task.completed_at, task.completed_by = Status.DONE, moment, actor
    _event(task, "completed", actor=actor, summary=_summary("completed", task))
    due_at = task.next_due_at()
    if due_at is None:
        return None
    lead = task.due_at - task.remind_at if task.remind_at else None
    following = Task.objects.create(
        title=task.title,
        notes=task.notes,
        owner=task.owner,
        team=task.team,
        customer=task.customer,
        due_at=due_at,
        remind_at=due_at - lead if lead is not None else None,
        priority=task.priority,
        recurrence=task.recurrence,
        repeats=task,
        created_by=actor,
    )
    ChecklistItem.objects.bulk_create(
        [
            ChecklistItem(task=following, text=item.text, position=item.position)
            for item in task.checklist.all()
        ]
    )
    return following


def toggle_checklist_item(*, item: ChecklistItem, actor) -> ChecklistItem:
    item.is_done = not item.is_done
    item.save(update_fields=["is_done", "updated_at"])
    return item


# -- fair assignment ---------------------------------------------------------------------


def assignable_people(team_id: int):
    """Who takes a team's work: its active executives and interns."""
    return User.objects.filter(
        team_id=team_id, is_active=True, groups__name__in=[Role.EXECUTIVE, Role.INTERN]
    ).distinct()


def open_loads(people) -> dict[int, int]:
    """Each person's weighted open workload, in one query."""
    rows = (
        Task.objects.open()
        .filter(owner__in=people)
        .values("owner")
        .annotate(load=Task.objects.load_weight())
    )
    loads = {person.pk: 0 for person in people}
    loads.update({row["owner"]: row["load"] for row in rows})
    return loads


@transaction.atomic
def assign_fairly(*, tasks, people, actor) -> dict[int, int]:
    """Give each task, in order, to the person with the least weighted open work; ties go
    round-robin, people in the order given (the rule is `fairness.fair_owners`). Returns the
    loads afterwards."""
    people = list(people)
    tasks = list(tasks)
    if not people:
        return {}
    loads = open_loads(people)
    by_id = {person.pk: person for person in people}
    weights = [PRIORITY_WEIGHTS.get(task.priority, 1) for task in tasks]
    owners = fair_owners([(person.pk, loads[person.pk]) for person in people], weights)
    for task, person_id, weight in zip(tasks, owners, weights, strict=True):
        task.owner = by_id[person_id]
        task.team_id = task.owner.team_id or task.team_id
        loads[person_id] += weight
    Task.objects.bulk_update(tasks, ["owner", "team", "updated_at"])
    for task in tasks:
        _event(task, "assigned", actor=actor, summary=_summary("assigned", task))
    notify_assigned(tasks, actor=actor)
    return loads


# -- reminders and escalation (beat jobs) ------------------------------------------------


def _task_url(task: Task) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("work:task-detail", args=[task.code])


def send_due_reminders() -> int:
    """E-mail each owner whose open task's reminder time has come; once per task.

    The claim is a conditional UPDATE per task, so two workers running at once send one mail.
    """
    moment = now()
    due = Task.objects.open().filter(
        remind_at__lte=moment, reminder_sent_at__isnull=True, owner__isnull=False
    )
    sent = 0
    for task in due.select_related("owner", "customer")[:500]:  # the rest on the next run
        if not Task.objects.filter(pk=task.pk, reminder_sent_at__isnull=True).update(
            reminder_sent_at=moment
        ):
            continue
        with translation.override(task.owner.language):
            send_mail(
                _("Reminder: %(title)s") % {"title": task.title},
                _("Your task “%(title)s” is due %(due)s.\n%(url)s")
                % {
                    "title": task.title,
                    "due": _local(task.due_at),
                    "url": _task_url(task),
                },
                None,
                [task.owner.email],
            )
        sent += 1
    return sent


DUE_TODAY = gettext_noop("Tasks due today: %(count)s. Your day is on My day.")


def notify_tasks_due_today(*, day: datetime.date | None = None) -> int:
    """Tell each person with open tasks due on `day` (today, in the team's time zone) how
    many, once a day: one grouped SELECT, one INSERT, one UPDATE, whatever the number of
    people. Returns how many were told."""
    day = day or today()
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    end = start + datetime.timedelta(days=1)
    told_today = Notification.objects.filter(
        kind=Kind.REMINDER, message=DUE_TODAY, created_at__gte=start, created_at__lt=end
    ).values("recipient_id")
    counts = (
        Task.objects.open()
        .filter(due_at__gte=start, due_at__lt=end, owner__is_active=True)
        .exclude(owner_id__in=told_today)
        .order_by()
        .values("owner_id")
        .annotate(count=models.Count("pk"))
        .values_list("owner_id", "count")
    )
    return notify_each(
        [(owner, {"count": count}) for owner, count in counts],
        Kind.REMINDER,
        DUE_TODAY,
        link=reverse("work:my-day"),
    )


def _local(moment: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def escalate_overdue() -> int:
    """Hand overdue tasks to the owner's team lead once they are `WORK_ESCALATION_HOURS`
    late: set `escalated_to` (the lead's "my day" lists them), mail the lead, and put it on
    the timeline. A task is escalated once; a task whose owner leads the team is not."""
    moment = now()
    cutoff = moment - datetime.timedelta(hours=settings.WORK_ESCALATION_HOURS)
    due = (
        Task.objects.open()
        .filter(due_at__lte=cutoff, escalated_at__isnull=True, team__lead__isnull=False)
        .exclude(owner=models.F("team__lead"))
        .select_related("team__lead", "owner", "customer")
    )
    count = 0
    for task in due[:500]:  # the rest on the next run
        lead = task.team.lead
        if not Task.objects.filter(pk=task.pk, escalated_at__isnull=True).update(
            escalated_at=moment, escalated_to=lead
        ):
            continue
        task.escalated_at, task.escalated_to = moment, lead
        with translation.override(lead.language):
            send_mail(
                _("Overdue: %(title)s") % {"title": task.title},
                _("“%(title)s” (%(owner)s) was due %(due)s and is still open.\n%(url)s")
                % {
                    "title": task.title,
                    "owner": task.owner or "-",
                    "due": _local(task.due_at),
                    "url": _task_url(task),
                },
                None,
                [lead.email],
            )
        _event(
            task,
            "escalated",
            actor=None,
            summary=_summary("escalated", task),
            extra={"escalated_to": str(lead)},
        )
        count += 1
    return count


# -- calendar feed -----------------------------------------------------------------------


def enable_feed(*, user) -> CalendarFeed:
    """The user's feed; a new key (and so a new URL) if they had none."""
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


def revoke_feed(*, user) -> None:
    """Kill every URL of the user's feed."""
    CalendarFeed.objects.filter(user=user).delete()


def feed_token(feed: CalendarFeed) -> str:
    return signing.dumps({"u": feed.user_id, "k": feed.key}, salt=_FEED_SALT, compress=True)


def feed_for_token(token: str) -> CalendarFeed | None:
    """The live feed a token names, or None for a forged, altered or revoked one."""
    try:
        value = signing.loads(token, salt=_FEED_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or value.get("u") is None:
        return None
    return (
        CalendarFeed.objects.filter(user_id=value["u"], key=value.get("k"), user__is_active=True)
        .select_related("user")
        .first()
    )


# -- follow-ups of logged interactions ---------------------------------------------------

FOLLOW_UP_DUE_TIME = datetime.time(17, 0)


def create_follow_up_tasks(*, interaction, actor, owner=None) -> list[Task]:
    """Make the follow-up of a logged interaction tasks: one per action item (or one "follow
    up" task without items), for `owner` (else the person who logged it), due at 17:00
    Asia/Jakarta on the follow-up date, linked back to the interaction. Nothing without a
    follow-up date, and nothing when the interaction already has follow-up tasks, so calling
    it twice for one interaction makes them once."""
    if interaction.follow_up_on is None:
        return []  # no query, no transaction: most interactions have no follow-up
    with transaction.atomic():
        return _create_follow_up_tasks(interaction=interaction, actor=actor, owner=owner)


def _create_follow_up_tasks(*, interaction, actor, owner) -> list[Task]:
    if interaction.follow_up_tasks.exists():
        return []
    due_at = timezone.make_aware(
        datetime.datetime.combine(interaction.follow_up_on, FOLLOW_UP_DUE_TIME),
        timezone.get_default_timezone(),
    )
    with translation.override(settings.LANGUAGE_CODE):
        titles = list(dict.fromkeys(item[:200] for item in interaction.action_item_list()))
        if not titles:
            titles = [
                (_("Follow up: %(summary)s") % {"summary": interaction.summary})[:200]
                if interaction.summary
                else _("Follow up on the %(kind)s with %(name)s")
                % {"kind": interaction.get_kind_display().lower(), "name": interaction.customer}
            ]
    return [
        create_task(
            data={
                "title": title,
                "owner": owner or actor,
                "customer": interaction.customer,
                "due_at": due_at,
                "interaction": interaction,
            },
            actor=actor,
        )
        for title in titles
    ]
