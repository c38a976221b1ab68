"""Surveys (NPS, CSAT, CES), the invitations sent to contacts by e-mail or WhatsApp, and their
answers.

An invitation is answered through a signed link (`setia.surveys.links`); its answer is one row
(`SurveyResponse.invitation` is unique), which is what makes a link single-use even when two
answers race.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from setia.lib.merging import MergePolicy


class Kind(models.TextChoices):
    NPS = "nps", _("NPS (0–10)")
    CSAT = "csat", _("CSAT (1–5)")
    CES = "ces", _("CES (1–7)")


# The lowest and highest score of each kind.
SCALES = {Kind.NPS: (0, 10), Kind.CSAT: (1, 5), Kind.CES: (1, 7)}


def percent_of_scale(kind: str, score: int) -> int:
    """`score` as a share of its kind's scale, 0-100: what the health factor grades, so that an
    NPS and a CSAT answer compare."""
    low, high = SCALES[Kind(kind)]
    return round((score - low) * 100 / (high - low))


def is_detractor(kind: str, score: int) -> bool:
    """An NPS of 0-6 or a CSAT of at most 2: an answer that starts the follow-up playbook."""
    return (kind == Kind.NPS and score <= 6) or (kind == Kind.CSAT and score <= 2)


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    WHATSAPP = "whatsapp", _("WhatsApp")


class Language(models.TextChoices):
    INDONESIAN = "id", _("Indonesian")
    ENGLISH = "en", _("English")


class Survey(models.Model):
    """A question asked of contacts, in both languages, with its optional "why?"."""

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    question = models.CharField(_("question (English)"), max_length=300)
    question_id = models.CharField(_("question (Indonesian)"), max_length=300)
    why = models.CharField(_("follow-up question (English)"), max_length=300, blank=True)
    why_id = models.CharField(_("follow-up question (Indonesian)"), max_length=300, blank=True)
    valid_days = models.PositiveSmallIntegerField(
        _("link valid for (days)"), default=14, help_text=_("An unanswered link expires then.")
    )
    whatsapp_template = models.ForeignKey(
        "engagement.MessageTemplate",
        verbose_name=_("approved WhatsApp template"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text=_(
            "Sent through the WhatsApp Cloud API with the link as its first parameter, when "
            "the contact has not written in the last 24 hours."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        constraints = [
            models.CheckConstraint(condition=Q(valid_days__gte=1), name="survey_valid_days")
        ]

    def __str__(self):
        return self.name

    def question_in(self, language: str) -> str:
        return self.question_id if language == Language.INDONESIAN else self.question

    def why_in(self, language: str) -> str:
        return self.why_id if language == Language.INDONESIAN else self.why

    @property
    def scale(self) -> range:
        low, high = SCALES[Kind(self.kind)]
        return range(low, high + 1)


class Trigger(models.TextChoices):
    """Why an invitation was sent."""

    MANUAL = "manual", _("Sent by hand")
    EVERY = "every", _("Every N days")
    ONBOARDING_LIVE = "onboarding_live", _("After onboarding went live")
    PLAYBOOK_CLOSED = "playbook_closed", _("After a playbook was closed")
    COMPLAINT_CLOSED = "complaint_closed", _("After a complaint was resolved")
    SEGMENT_ENTERED = "segment_entered", _("On entering a segment")


class Schedule(models.Model):
    """When a survey goes out by itself: every `days` days per contact, `days` days after an
    event (onboarding live, a playbook run or a complaint closed), or when a customer enters
    `segment`. Never to a contact surveyed within the re-survey interval
    (`SURVEY_RESURVEY_DAYS`).

    A segment is a live filter without a history, so "entering" is what the schedule sees:
    its `SegmentMember` rows are the members of its last run, and `members_of` the segment
    they were recorded for (another segment, or none yet, means the next run records only).
    """

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="schedules"
    )
    trigger = models.CharField(
        _("when"),
        max_length=20,
        choices=[choice for choice in Trigger.choices if choice[0] != Trigger.MANUAL],
    )
    days = models.PositiveSmallIntegerField(_("days"), default=0)
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL
    )
    segment = models.ForeignKey(
        "segments.Segment",
        verbose_name=_("segment"),
        # A deleted segment stops the schedule (nothing is sent without one) and the
        # schedules list says so, rather than deleting a schedule someone configured.
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Only for “On entering a segment”: its new members are surveyed."),
    )
    members_of = models.PositiveIntegerField(null=True, blank=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("survey schedule")
        verbose_name_plural = _("survey schedules")

    def __str__(self):
        return f"{self.survey} {self.trigger} {self.days}"

    def clean(self):
        """A segment is named by the "on entering a segment" kind, and by no other."""
        super().clean()
        if self.trigger == Trigger.SEGMENT_ENTERED and self.segment_id is None:
            raise ValidationError(
                {"segment": _("Choose the segment whose new members get this survey.")}
            )
        if self.trigger != Trigger.SEGMENT_ENTERED and self.segment_id is not None:
            raise ValidationError(
                {"segment": _("Only the schedule “On entering a segment” names a segment.")}
            )

    @property
    def stopped_because(self) -> str:
        """Why this schedule sends nothing although active, or ""."""
        if self.trigger == Trigger.SEGMENT_ENTERED and self.segment_id is None:
            return str(_("Its segment was deleted: nothing is sent until another is chosen."))
        return ""


class SegmentMember(models.Model):
    """A customer who matched the segment of an "on entering a segment" schedule at its last
    run, and since when: the next run surveys the customers matching now without a row."""

    merge_policy = MergePolicy.RECOMPUTE

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    entered_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "customer"], name="survey_segment_member_unique"
            )
        ]

    def __str__(self):
        return f"{self.schedule_id} ∋ {self.customer_id}"


class InvitationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Invitations of the customers `user` may see."""
        from setia.customers.models import Customer  # noqa: PLC0415 (models load order)

        return self.filter(customer__in=Customer.objects.visible_to(user))


class SurveyInvitation(models.Model):
    """A survey sent to one contact of a customer: the link's target. `code` is the random
    part of the signed link, so a link cannot be guessed from the ids it carries."""

    merge_policy = MergePolicy.MOVE

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="invitations")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="survey_invitations"
    )
    contact = models.ForeignKey(
        "customers.Contact", on_delete=models.CASCADE, related_name="survey_invitations"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.INDONESIAN
    )
    trigger = models.CharField(
        _("sent because"), max_length=20, choices=Trigger.choices, default=Trigger.MANUAL
    )
    code = models.CharField(max_length=32, unique=True)
    message = models.ForeignKey(
        "engagement.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"))
    expires_at = models.DateTimeField(_("expires"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        indexes = [
            # The re-survey interval: a contact's latest invitation.
            models.Index(fields=["contact", "-sent_at"], name="survey_inv_contact_idx"),
            # The reports: invitations by month.
            models.Index(fields=["sent_at"], name="survey_inv_sent_idx"),
            models.Index(fields=["customer", "-sent_at"], name="survey_inv_customer_idx"),
        ]

    def __str__(self):
        return f"{self.survey} → {self.contact_id}"


class ResponseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Answers of the customers `user` may see and not deleted, as the surveys report
        reads them."""
        from setia.customers.models import Customer  # noqa: PLC0415 (models load order)

        return self.filter(customer__in=Customer.objects.visible_to(user).alive())


class SurveyResponse(models.Model):
    """The answer to an invitation (one at most: the unique invitation). `customer` and `kind`
    are copied from the invitation, so the reports and the health factor read one table."""

    merge_policy = MergePolicy.MOVE

    invitation = models.OneToOneField(
        SurveyInvitation, on_delete=models.CASCADE, related_name="response"
    )
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="survey_responses"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    score = models.PositiveSmallIntegerField(_("score"))
    percent = models.PositiveSmallIntegerField(_("score as a share of the scale"))
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    responded_at = models.DateTimeField(_("answered"))

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["-responded_at", "-id"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        indexes = [
            # The health factor: each customer's latest answer.
            models.Index(fields=["customer", "-responded_at"], name="survey_resp_customer_idx"),
            # The reports: answers by kind and month.
            models.Index(fields=["kind", "responded_at"], name="survey_resp_kind_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="survey_percent_range")
        ]

    def __str__(self):
        return f"{self.kind} {self.score}"

    @property
    def is_detractor(self) -> bool:
        return is_detractor(self.kind, self.score)

    def timeline_data(self) -> dict:
        return {
            "kind": self.kind,
            "score": self.score,
            "comment": self.comment[:500],
            "survey": self.invitation.survey_id,
        }
