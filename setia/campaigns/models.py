"""Campaigns: a co-marketing or awareness action with an objective, partners, channels, an
audience (a segment, tiers, categories), participants (invited → joined), a schedule, its
content, milestones, and its results measured on the participants' own GMV. An initiative (a
programme of our own, such as the TikTok one) is a campaign of the kind "initiative": its
enrolled merchants are the joined participants, and its outcome is measured the same way."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from setia.campaigns.statuses import CampaignKind, Channel, ParticipantStatus
from setia.lib.merging import MergePolicy
from setia.lib.text import LONG_TEXT, MEDIUM_TEXT, at_most


class Campaign(models.Model):
    kind = models.CharField(
        _("kind"),
        max_length=12,
        choices=CampaignKind.choices,
        default=CampaignKind.CAMPAIGN,
        editable=False,
    )
    name = models.CharField(_("name"), max_length=200)
    objective = models.TextField(_("objective"), validators=at_most(MEDIUM_TEXT))
    partners = models.ManyToManyField(
        "partners.Partner", verbose_name=_("partners"), blank=True, related_name="campaigns"
    )
    # Choice values of `Channel`; a list because a campaign runs on several at once.
    channels = models.JSONField(_("channels"), default=list, blank=True)
    segment = models.ForeignKey(
        "segments.Segment",
        verbose_name=_("audience (segment)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Narrow the audience (the segment, or every merchant without one) to these tiers and
    # categories; none of either means any.
    audience_tiers = models.ManyToManyField(
        "tiers.Tier",
        verbose_name=_("audience tiers"),
        blank=True,
        related_name="+",
        help_text=_("Only merchants in these tiers; none chosen means any tier."),
    )
    audience_categories = models.ManyToManyField(
        "customers.Category",
        verbose_name=_("audience categories"),
        blank=True,
        related_name="+",
        help_text=_("Only merchants in these categories; none chosen means any category."),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    content = models.TextField(
        _("content"),
        blank=True,
        validators=at_most(LONG_TEXT),
        help_text=_("Captions, links and the banner's text."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_ends_after_start"
            )
        ]
        # The campaigns' and the initiatives' lists, newest first.
        indexes = [models.Index(fields=["kind", "-starts_on", "-id"], name="campaign_kind_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("campaigns:campaign-detail", args=[self.pk])

    @property
    def is_initiative(self) -> bool:
        return self.kind == CampaignKind.INITIATIVE

    def channel_labels(self) -> list[str]:
        return [str(Channel(value).label) for value in self.channels if value in Channel.values]

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    def is_running(self, day: datetime.date) -> bool:
        return self.starts_on <= day <= self.ends_on


class Milestone(models.Model):
    """A step of a campaign or initiative with its due date, ticked off when done."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self):
        return self.title

    def is_late(self, day: datetime.date) -> bool:
        return self.done_at is None and self.due_on < day


class Participant(models.Model):
    """A merchant in a campaign: invited, then joined."""

    # The survivor of a merge takes the loser's campaigns; where both were in the same one, the
    # survivor keeps its own (the unique constraint).
    merge_policy = MergePolicy.MOVE

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="participants")
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="campaign_participations",
    )
    status = models.CharField(_("status"), max_length=10, choices=ParticipantStatus.choices)
    invited_at = models.DateTimeField(_("invited"))
    joined_at = models.DateTimeField(_("joined"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-invited_at", "-id"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "customer"], name="one_participation_per_campaign"
            )
        ]
        indexes = [models.Index(fields=["campaign", "status"], name="participant_status_idx")]

    def __str__(self):
        return f"{self.campaign_id}/{self.customer_id}: {self.status}"


class Promotion(models.Model):
    """A merchant's own promotion (a discount for a period, with a link), which the weekly
    caption for the intranet lists while it runs; optionally part of a campaign."""

    # A promotion is the merchant's: the survivor of a merge takes the loser's.
    merge_policy = MergePolicy.MOVE

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("merchant"),
        on_delete=models.CASCADE,
        related_name="promotions",
    )
    name = models.CharField(_("name"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    # Text, not a number: merchants offer "20%", "Rp10.000 off" or free shipping alike.
    discount = models.CharField(
        _("discount"), max_length=100, help_text=_("For example 20%, or Free shipping.")
    )
    link = models.URLField(_("link"), max_length=500)
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="promotions",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_on", "id"]
        verbose_name = _("promotion")
        verbose_name_plural = _("promotions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="promotion_ends_after_start"
            )
        ]
        # The week's list reads promotions by their period.
        indexes = [models.Index(fields=["ends_on", "starts_on"], name="promotion_period_idx")]

    def __str__(self):
        return self.name


class CaptionTemplate(models.Model):
    """The editable text of the weekly caption in one language, with `{week}` and
    `{promotions}` placeholders (see `setia.campaigns.captions`)."""

    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, unique=True
    )
    text = models.TextField(_("template"), validators=at_most(MEDIUM_TEXT))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("caption template")
        verbose_name_plural = _("caption templates")

    def __str__(self):
        return self.language


class Caption(models.Model):
    """One generated weekly caption, kept as history: generating a week again adds a version,
    so what was posted on the intranet stays readable."""

    week = models.DateField(_("week"), help_text=_("The Monday of the ISO week."))
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    text = models.TextField(_("text"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("generated by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("generated"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("caption")
        verbose_name_plural = _("captions")
        indexes = [
            models.Index(fields=["week", "language", "-created_at"], name="caption_week_idx")
        ]

    def __str__(self):
        return f"{self.week} {self.language}"
