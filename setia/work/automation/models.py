"""Automation: trigger rules, the playbooks they start (named lists of task templates), and the
runs of those playbooks for customers."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from setia.lib.merging import MergePolicy
from setia.lib.names import BilingualName, in_reader_language, indonesian_name_field
from setia.work.automation import reasons
from setia.work.schedule.models import Status


class AssignTo(models.TextChoices):
    OWNER = "owner", _("The customer's owner")
    LEAD = "lead", _("The team lead")
    INTERN = "intern", _("An intern of the team (fair assignment)")


class Playbook(BilingualName, models.Model):
    """A named list of task templates started for a customer by a trigger, named and described
    in both languages (`setia.lib.names`): pages show `display_name`."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name (English)"), max_length=120, unique=True)
    name_id = indonesian_name_field(120)
    description = models.TextField(_("description (English)"), blank=True)
    description_id = models.TextField(_("description (Indonesian)"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("playbook")
        verbose_name_plural = _("playbooks")

    def __str__(self):
        return self.name

    @property
    def display_description(self) -> str:
        """The description in the reader's language (Indonesian, else English)."""
        return in_reader_language(self.description, self.description_id)


class PlaybookStep(models.Model):
    """A task template of a playbook. Its title is written in both languages; a task started
    from it takes the title in its assignee's language (then it is the task's own text)."""

    playbook = models.ForeignKey(Playbook, on_delete=models.CASCADE, related_name="steps")
    title = models.CharField(_("title (English)"), max_length=200)
    title_id = models.CharField(
        _("title (Indonesian)"),
        max_length=200,
        blank=True,
        help_text=_("For assignees who read Indonesian; the English title when empty."),
    )
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
    HEALTH_FELL = "health_fell", _("Health fell")
    SURVEY_DETRACTOR = "survey_detractor", _("Survey detractor")


# How urgent each kind is, for the "call today" queue (value * urgency% = revenue at risk).
URGENCY = {
    TriggerKind.WEBSITE_DOWN: 100,
    TriggerKind.ERROR_SPIKE: 60,
    TriggerKind.GMV_DROP: 80,
    TriggerKind.ONBOARDING_STALLED: 50,
    TriggerKind.RENEWAL_DUE: 70,
    TriggerKind.NO_INTERACTION: 30,
    TriggerKind.HEALTH_FELL: 70,
    TriggerKind.SURVEY_DETRACTOR: 60,
}


# What a rule's threshold counts, for the kinds that take one (the others ignore it).
THRESHOLD_UNITS = {
    # "%%": a percent sign; gettext reads these as format strings, so they are formatted too.
    TriggerKind.WEBSITE_DOWN: _("%% uptime"),
    TriggerKind.ERROR_SPIKE: _("errors"),
    TriggerKind.GMV_DROP: _("%% fall"),
    TriggerKind.HEALTH_FELL: _("points"),
}
# Onboarding stalled uses each stage's own days instead of the rule's.
KINDS_WITHOUT_DAYS = {TriggerKind.ONBOARDING_STALLED}


class TriggerRule(models.Model):
    """When a trigger fires, and which playbook it starts. `threshold` and `window_days` mean:

    - website down: uptime below `threshold` % on a day of the last `window_days` days;
    - error spike: at least `threshold` errors over the last `window_days` days;
    - GMV drop: the daily GMV of the last `window_days` days at least `threshold` % below the
      daily average of the 90 days before them (at least 30 of them with figures);
    - onboarding stalled: stalled in a stage (the stage's own days; no threshold);
    - renewal due: the subscription renews within `window_days` days;
    - no interaction: none for `window_days` days, for customers of `tier` (any tier if empty);
    - health fell: the health score fell by at least `threshold` points against `window_days`
      days before, or fell into poor since then (matches come from the health app, through
      `evaluation.register_source`);
    - survey detractor: an NPS answer of 0-6 or a CSAT of 1-2 in the last `window_days` days
      that no run of the playbook has followed yet (matches come from the surveys app).
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

    @property
    def threshold_unit(self) -> str | None:
        """What the threshold counts, or None when the kind takes no threshold."""
        if self.kind not in TriggerKind.values:
            return None  # a blank form of a tampered formset
        unit = THRESHOLD_UNITS.get(TriggerKind(self.kind))
        return str(unit) % {} if unit is not None else None

    @property
    def takes_days(self) -> bool:
        return self.kind not in KINDS_WITHOUT_DAYS


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

    @property
    def reason_text(self) -> str:
        """Why the run started, in the reader's language (the stored text for old runs)."""
        try:
            return reasons.reason_text(self.kind, self.figures)
        except (KeyError, TypeError, ValueError):
            return self.reason

    def figure_rows(self) -> list[tuple[str, str]]:
        """The figures behind the match: (label, value) in the reader's language."""
        return reasons.figure_rows(self.figures)
