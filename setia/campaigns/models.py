"""Campaigns: a co-marketing or awareness action with an objective, partners, channels, an
audience from a segment, participants (invited → joined), a schedule, its content, and its
results measured on the participants' own GMV."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from setia.campaigns.statuses import Channel, ParticipantStatus
from setia.lib.merging import MergePolicy
from setia.lib.text import LONG_TEXT, MEDIUM_TEXT, at_most


class Campaign(models.Model):
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

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("campaigns:campaign-detail", args=[self.pk])

    def channel_labels(self) -> list[str]:
        return [str(Channel(value).label) for value in self.channels if value in Channel.values]

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    def is_running(self, day: datetime.date) -> bool:
        return self.starts_on <= day <= self.ends_on


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
