"""Tasks: the team's to-dos, with owner, due time, priority, checklist and recurrence.

A task belongs to a team (its owner's, or its customer's) so that the team board and record-level
access need no join through users. Its calendar feed is a signed, revocable URL per user.
"""

import datetime
import secrets
import uuid
from collections.abc import Sequence

from django.conf import settings
from django.db import connection, models
from django.db.models import F, Q
from django.db.models.functions import RowNumber, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from setia.lib.dates import add_months, now
from setia.lib.merging import MergePolicy
from setia.lib.text import MEDIUM_TEXT, at_most


class Priority(models.TextChoices):
    LOW = "low", pgettext_lazy("task priority", "Low")
    NORMAL = "normal", pgettext_lazy("task priority", "Normal")
    HIGH = "high", pgettext_lazy("task priority", "High")
    URGENT = "urgent", pgettext_lazy("task priority", "Urgent")


# How much one open task weighs in a person's workload (fair assignment, team board).
PRIORITY_WEIGHTS = {Priority.LOW: 1, Priority.NORMAL: 1, Priority.HIGH: 2, Priority.URGENT: 3}


def reminder_time(due_at: datetime.datetime) -> datetime.datetime:
    """When a task due at `due_at` reminds its owner, unless someone set another time: the
    `WORK_REMINDER_MINUTES` setting before it."""
    return due_at - datetime.timedelta(minutes=settings.WORK_REMINDER_MINUTES)


class Status(models.TextChoices):
    OPEN = "open", pgettext_lazy("task status", "Open")
    DONE = "done", pgettext_lazy("task status", "Done")
    CANCELLED = "cancelled", pgettext_lazy("task status", "Cancelled")


class Recurrence(models.TextChoices):
    NONE = "", _("Does not repeat")
    DAILY = "daily", _("Every day")
    WEEKLY = "weekly", _("Every week")
    MONTHLY = "monthly", _("Every month")


def _weight():
    """A task's weight in a workload, by its priority (PRIORITY_WEIGHTS)."""
    return models.Case(
        *[models.When(priority=p, then=w) for p, w in PRIORITY_WEIGHTS.items()],
        default=1,
        output_field=models.IntegerField(),
    )


class TaskQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Tasks `user` may read: all with `view_all_tasks` (managers); the team's tasks for
        those who assign work (`assign_task`, executives); otherwise their own (interns)."""
        if not user.is_authenticated or not user.has_perm("work.view_task"):
            return self.none()
        if user.has_perm("work.view_all_tasks"):
            return self
        scope = Q(owner=user)
        if user.team_id and user.has_perm("work.assign_task"):
            scope |= Q(team_id=user.team_id)
        return self.filter(scope)

    def open(self):
        return self.filter(status=Status.OPEN)

    def due_counts(self, moment, day_end, horizon) -> dict[str, int]:
        """How many of these tasks are overdue at `moment`, due from then until `day_end` (the
        rest of today) and from `day_end` until `horizon`, in one query."""
        # due_at (never empty) rather than the id is counted: an owner's open tasks are then
        # read from work_task_owner_due alone, no row fetched (26,000 tasks: ~70 → ~35 ms).
        return self.aggregate(
            overdue=models.Count("due_at", filter=Q(due_at__lt=moment)),
            today=models.Count("due_at", filter=Q(due_at__gte=moment, due_at__lt=day_end)),
            upcoming=models.Count("due_at", filter=Q(due_at__gte=day_end, due_at__lt=horizon)),
        )

    def board_counts(
        self, team_id: int, people: Sequence[int]
    ) -> dict[int | None, tuple[int, int]]:
        """{owner id (None: unassigned): (open tasks of the team they own, weighted open
        workload)} for these tasks, in ONE query: the count covers the team's open tasks by
        owner, the workload each of `people`'s open tasks whatever their team (see
        PRIORITY_WEIGHTS). Owners with neither are left out."""
        in_team = Q(team_id=team_id)
        theirs = Q(owner_id__in=people)
        rows = (
            self.open()
            .filter(in_team | theirs)
            .order_by()
            .values("owner")
            .annotate(
                count=models.Count("team", filter=in_team),  # team_id: read from the index
                load=models.Sum(_weight(), filter=theirs, default=0),
            )
            .values_list("owner", "count", "load")
        )
        return {owner: (count, load) for owner, count, load in rows}

    def first_per_owner(self, count: int, owners: Sequence[int | None]):
        """The first `count` of these tasks by due date for each of `owners` (None stands for
        the unassigned ones): a board shows that many per person whatever the team's backlog.

        Two queries: the first picks the ids (run here), the result reads only those tasks.
        On PostgreSQL the ids are one indexed lookup per owner (work_task_owner_due, stopped
        after `count`), joined by UNION ALL; ranking a team's whole backlog with a window
        sorted 40,000 tasks (~140 ms). SQLite cannot limit the parts of a UNION: there they
        are ranked with a window, which is cheap at the sizes SQLite serves."""
        if not owners:
            return Task.objects.none()
        ordered = self.order_by("due_at", "id").values_list("pk", flat=True)
        if connection.features.supports_slicing_ordering_in_compound:
            first, *others = (
                (
                    ordered.filter(owner__isnull=True)
                    if owner is None
                    else ordered.filter(owner_id=owner)
                )[:count]
                for owner in owners
            )
            chosen = list(first.union(*others, all=True)) if others else list(first)
        else:
            rank = models.Window(
                RowNumber(),
                partition_by=[F("owner_id")],
                order_by=[F("due_at").asc(), F("id").asc()],
            )
            known = Q(owner_id__in=[owner for owner in owners if owner is not None])
            if None in owners:
                known |= Q(owner__isnull=True)
            chosen = list(
                self.filter(known)
                .order_by()
                .annotate(owner_rank=rank)
                .filter(owner_rank__lte=count)
                .values_list("pk", flat=True)
            )
        return Task.objects.filter(pk__in=chosen)

    def overdue(self, moment: datetime.datetime):
        return self.open().filter(due_at__lt=moment)

    def local_day(self):
        """An expression for the day a task is due on, in the current time zone."""
        return TruncDate("due_at", tzinfo=timezone.get_current_timezone())

    def count_per_day(self) -> dict[datetime.date, int]:
        """{local day: number of these tasks due on it}, in one query."""
        rows = self.order_by().values(day=self.local_day()).annotate(count=models.Count("id"))
        return {row["day"]: row["count"] for row in rows}

    def first_per_day(self, limit: int):
        """The first `limit` of these tasks due on each local day, by due time: a calendar
        cell shows a few, however many a day holds."""
        return self.alias(
            rank=models.Window(
                RowNumber(),
                partition_by=[self.local_day()],
                order_by=[models.F("due_at").asc(), models.F("id").asc()],
            )
        ).filter(rank__lte=limit)

    def load_weight(self):
        """An expression for the weighted size of these tasks (see PRIORITY_WEIGHTS)."""
        return models.Sum(_weight())


class Task(models.Model):
    merge_policy = MergePolicy.MOVE

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    notes = models.TextField(_("notes"), blank=True, validators=at_most(MEDIUM_TEXT))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
    )
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tasks",
    )
    due_at = models.DateTimeField(_("due"))
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    recurrence = models.CharField(
        _("repeats"), max_length=10, choices=Recurrence.choices, default="", blank=True
    )
    # The task this one repeats; one next occurrence at most, so completing twice makes one.
    repeats = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_occurrence",
    )
    # The playbook run that created the task, if any.
    playbook_run = models.ForeignKey(
        "work.PlaybookRun",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
    )
    # The logged interaction (call, meeting, note) whose follow-up this task is, if any.
    interaction = models.ForeignKey(
        "engagement.Interaction",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_up_tasks",
    )
    remind_at = models.DateTimeField(_("remind at"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="escalated_tasks",
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Optimistic lock, as on Customer: an edit made from an older version is refused. The
    # database default is for the set-based writers (playbooks, demo data) that insert with SQL.
    version = models.PositiveIntegerField(default=1, db_default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        permissions = [
            ("view_all_tasks", "Can see every team's tasks"),
            ("assign_task", "Can assign tasks to the team"),
            ("assign_fairly", "Can assign tasks by fair assignment"),
        ]
        indexes = [
            models.Index(fields=["owner", "status", "due_at"], name="work_task_owner_due"),
            models.Index(fields=["team", "status", "due_at"], name="work_task_team_due"),
            models.Index(fields=["status", "remind_at"], name="work_task_remind"),
            models.Index(fields=["customer", "status"], name="work_task_customer"),
            # The team board's counts and workloads (`board_counts`) read this index alone, no
            # task row: a team's backlog of 40,000 open tasks in ~15 ms instead of ~65 ms.
            models.Index(
                fields=["owner", "team", "priority"],
                condition=Q(status="open"),
                name="work_task_open_load",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == Status.OPEN

    def is_overdue(self, moment: datetime.datetime | None = None) -> bool:
        return self.is_open and self.due_at < (moment or now())

    def next_due_at(self) -> datetime.datetime | None:
        """When the next occurrence of a recurring task is due; None when it does not repeat."""
        if self.recurrence == Recurrence.DAILY:
            return self.due_at + datetime.timedelta(days=1)
        if self.recurrence == Recurrence.WEEKLY:
            return self.due_at + datetime.timedelta(days=7)
        if self.recurrence == Recurrence.MONTHLY:
            return add_months(self.due_at, 1)
        return None


class ChecklistItem(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="checklist")
    text = models.CharField(_("item"), max_length=200)
    is_done = models.BooleanField(_("done"), default=False)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")

    def __str__(self):
        return self.text


def _new_feed_key() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A user's ICS feed. The URL carries a signature of (user, key); revoking deletes the key,
    so every URL handed out before is dead, and enabling again makes a new one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    key = models.CharField(max_length=64, unique=True, default=_new_feed_key)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user"]
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return str(self.user)
