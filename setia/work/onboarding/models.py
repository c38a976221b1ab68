"""The onboarding pipeline: its stages (with the checklist tasks each stage starts), each
customer's place on it, and the history of moves between stages."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from setia.lib.dates import now
from setia.lib.merging import MergePolicy
from setia.lib.names import in_reader_language


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
        return in_reader_language(self.name_en, self.name_id)


class StageTaskTemplate(models.Model):
    """A checklist task created for the customer's owner when the customer enters the stage,
    titled in both languages: the task takes the title in its owner's language (then it is
    the task's own text)."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="task_templates")
    title = models.CharField(_("title (English)"), max_length=200)
    title_id = models.CharField(
        _("title (Indonesian)"),
        max_length=200,
        blank=True,
        help_text=_("For assignees who read Indonesian; the English title when empty."),
    )
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
