"""Tasks: the team's to-dos, with owner, due time, priority, checklist and recurrence.

A task belongs to a team (its owner's, or its customer's) so that the team board and record-level
access need no join through users. Its calendar feed is a signed, revocable URL per user.
"""

import datetime
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from setia.lib.dates import add_months, now
from setia.lib.merging import MergePolicy


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

    def overdue(self, moment: datetime.datetime):
        return self.open().filter(due_at__lt=moment)

    def load_weight(self):
        """An expression for the weighted size of these tasks (see PRIORITY_WEIGHTS)."""
        return models.Sum(
            models.Case(
                *[models.When(priority=p, then=w) for p, w in PRIORITY_WEIGHTS.items()],
                default=1,
                output_field=models.IntegerField(),
            )
        )


class Task(models.Model):
    merge_policy = MergePolicy.MOVE

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
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


# -- onboarding pipeline -----------------------------------------------------------------


class StageQuerySet(models.QuerySet):
    def first_stage(self):
        return self.order_by("position", "id").first()


class Stage(models.Model):
    """A step of the onboarding pipeline, edited by admins; named in both languages."""

    name_id = models.CharField(_("name (Indonesian)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=60)
    position = models.PositiveIntegerField(_("position"), default=0)
    stalled_after_days = models.PositiveIntegerField(
        _("stalled after (days)"),
        default=7,
        help_text=_("A customer this long in the stage without moving is flagged as stalled."),
    )
    is_final = models.BooleanField(
        _("final"), default=False, help_text=_("The customer is live: never stalled here.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StageQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("onboarding stage")
        verbose_name_plural = _("onboarding stages")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.name_id if translation.get_language() == "id" else self.name_en


class StageTaskTemplate(models.Model):
    """A checklist task created for the customer's owner when the customer enters the stage."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="task_templates")
    title = models.CharField(_("title"), max_length=200)
    due_in_days = models.PositiveIntegerField(_("due in (days)"), default=1)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["stage", "position", "id"]
        verbose_name = _("stage task template")
        verbose_name_plural = _("stage task templates")

    def __str__(self):
        return self.title


class Source(models.TextChoices):
    UNKNOWN = "", _("Unknown")
    SALES = "sales", _("Sales team")
    REFERRAL = "referral", _("Referral")
    WEBSITE = "website", _("Website sign-up")
    EVENT = "event", _("Event")
    PARTNER = "partner", _("Partner")
    MIGRATION = "migration", _("Moved from another platform")


class OnboardingQuerySet(models.QuerySet):
    def stalled(self, stages, moment: datetime.datetime):
        """Onboardings longer than their stage's `stalled_after_days` in it (final stages
        excluded): one OR term per stage, so the query stays portable and index-friendly."""
        terms = Q(pk__in=[])
        for stage in stages:
            if not stage.is_final:
                limit = moment - datetime.timedelta(days=stage.stalled_after_days)
                terms |= Q(stage_id=stage.pk, entered_stage_at__lt=limit)
        return self.filter(terms)


class Onboarding(models.Model):
    """A customer's place on the pipeline; its owner is the customer's owner."""

    # One per customer: the survivor keeps its own; the loser's moves only if it has none.
    merge_policy = MergePolicy.MOVE

    customer = models.OneToOneField(
        "customers.Customer", on_delete=models.CASCADE, related_name="onboarding"
    )
    stage = models.ForeignKey(
        Stage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="onboardings"
    )
    entered_stage_at = models.DateTimeField(_("in this stage since"))
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default="", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OnboardingQuerySet.as_manager()

    class Meta:
        ordering = ["stage__position", "entered_stage_at"]
        verbose_name = _("onboarding")
        verbose_name_plural = _("onboardings")
        permissions = [("view_intake_report", "Can see the weekly intake report")]
        indexes = [
            models.Index(fields=["stage", "entered_stage_at"], name="work_onboarding_stage"),
        ]

    def __str__(self):
        return f"{self.customer} · {self.stage}"

    def days_in_stage(self, moment: datetime.datetime | None = None) -> int:
        return ((moment or now()) - self.entered_stage_at).days

    def is_stalled(self, moment: datetime.datetime | None = None) -> bool:
        limit = (moment or now()) - datetime.timedelta(days=self.stage.stalled_after_days)
        return not self.stage.is_final and self.entered_stage_at < limit


class StageChange(models.Model):
    """One move on the pipeline (the stage history)."""

    onboarding = models.ForeignKey(Onboarding, on_delete=models.CASCADE, related_name="changes")
    from_stage = models.ForeignKey(
        Stage, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField()
    days_in_previous = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")

    def __str__(self):
        return f"{self.from_stage} → {self.to_stage}"


# -- playbooks and triggers ---------------------------------------------------------------


class AssignTo(models.TextChoices):
    OWNER = "owner", _("The customer's owner")
    LEAD = "lead", _("The team lead")
    INTERN = "intern", _("An intern of the team (fair assignment)")


class Playbook(models.Model):
    """A named list of task templates started for a customer by a trigger."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("playbook")
        verbose_name_plural = _("playbooks")

    def __str__(self):
        return self.name


class PlaybookStep(models.Model):
    playbook = models.ForeignKey(Playbook, on_delete=models.CASCADE, related_name="steps")
    title = models.CharField(_("title"), max_length=200)
    due_in_days = models.PositiveIntegerField(_("due in (days)"), default=0)
    assign_to = models.CharField(
        _("assign to"), max_length=10, choices=AssignTo.choices, default=AssignTo.OWNER
    )
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["playbook", "position", "id"]
        verbose_name = _("playbook step")
        verbose_name_plural = _("playbook steps")

    def __str__(self):
        return self.title


class TriggerKind(models.TextChoices):
    WEBSITE_DOWN = "website_down", _("Website down")
    ERROR_SPIKE = "error_spike", _("Error spike")
    GMV_DROP = "gmv_drop", _("GMV drop")
    ONBOARDING_STALLED = "onboarding_stalled", _("Onboarding stalled")
    RENEWAL_DUE = "renewal_due", _("Renewal due")
    NO_INTERACTION = "no_interaction", _("No interaction")


# How urgent each kind is, for the "call today" queue (value * urgency% = revenue at risk).
URGENCY = {
    TriggerKind.WEBSITE_DOWN: 100,
    TriggerKind.ERROR_SPIKE: 60,
    TriggerKind.GMV_DROP: 80,
    TriggerKind.ONBOARDING_STALLED: 50,
    TriggerKind.RENEWAL_DUE: 70,
    TriggerKind.NO_INTERACTION: 30,
}


class TriggerRule(models.Model):
    """When a trigger fires, and which playbook it starts. `threshold` and `window_days` mean:

    - website down: uptime below `threshold` % on a day of the last `window_days` days;
    - error spike: at least `threshold` errors over the last `window_days` days;
    - GMV drop: 90-day GMV at least `threshold` % below the 90 days before;
    - onboarding stalled: stalled in a stage (the stage's own days; no threshold);
    - renewal due: the subscription renews within `window_days` days;
    - no interaction: none for `window_days` days, for customers of `tier` (any tier if empty).
    """

    kind = models.CharField(_("trigger"), max_length=20, choices=TriggerKind.choices)
    tier = models.ForeignKey(
        "tiers.Tier",
        verbose_name=_("tier"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="trigger_rules",
    )
    playbook = models.ForeignKey(
        Playbook, verbose_name=_("playbook"), on_delete=models.PROTECT, related_name="rules"
    )
    threshold = models.PositiveIntegerField(_("threshold"), default=0)
    window_days = models.PositiveIntegerField(_("days"), default=1)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "tier__position", "id"]
        verbose_name = _("trigger rule")
        verbose_name_plural = _("trigger rules")

    def __str__(self):
        return self.get_kind_display()


class PlaybookRunQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Status.OPEN)


class PlaybookRun(models.Model):
    """A playbook started for a customer by a trigger. At most one open run of a playbook per
    customer (a partial unique index); the evaluation inserts with ON CONFLICT DO NOTHING."""

    # The loser's open run of a playbook the survivor also has open stays with the loser.
    merge_policy = MergePolicy.MOVE

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="playbook_runs"
    )
    playbook = models.ForeignKey(Playbook, on_delete=models.PROTECT, related_name="runs")
    kind = models.CharField(_("trigger"), max_length=20, choices=TriggerKind.choices)
    reason = models.CharField(_("reason"), max_length=300)
    figures = models.JSONField(default=dict, blank=True)
    value = models.BigIntegerField(_("value (Rp)"), default=0)
    revenue_at_risk = models.BigIntegerField(_("revenue at risk (Rp)"), default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    # Which evaluation started the run: the runs it inserted are counted and given tasks.
    batch = models.UUIDField(db_index=True)
    started_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlaybookRunQuerySet.as_manager()

    class Meta:
        ordering = ["-revenue_at_risk", "id"]
        verbose_name = _("playbook run")
        verbose_name_plural = _("playbook runs")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "playbook"],
                condition=Q(status="open"),
                name="work_one_open_run_per_playbook",
            )
        ]
        indexes = [
            models.Index(fields=["status", "-revenue_at_risk"], name="work_run_queue"),
        ]

    def __str__(self):
        return f"{self.playbook} · {self.customer}"
