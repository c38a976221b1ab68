"""Success stories: merchants whose growth is worth telling, taken from a candidate through
consent, an interview on a questionnaire, a draft article assembled from the answers, a
manager's approval, to publication and the media coverage it earned."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from setia.customers.models import Customer
from setia.lib.merging import MergePolicy
from setia.lib.text import LONG_TEXT, MEDIUM_TEXT, SHORT_TEXT, at_most
from setia.stories.states import (
    CLOSED_STATES,
    NEXT_STATES,
    ConsentChannel,
    PublicationChannel,
    State,
)


class Questionnaire(models.Model):
    """An editable template of interview questions, each in both languages."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True, validators=at_most(SHORT_TEXT))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("stories:questionnaire-edit", args=[self.pk])


class Question(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    text_id = models.CharField(_("question in Indonesian"), max_length=300)
    text_en = models.CharField(_("question in English"), max_length=300)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return self.text_id

    def text(self, language: str | None = None) -> str:
        """The question in `language` (the active one by default); Indonesian otherwise."""
        return self.text_en if (language or get_language() or "").startswith("en") else self.text_id


class StoryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Stories of the live customers `user` may see (the customers' record rules)."""
        return self.filter(customer__in=Customer.objects.visible_to(user).alive().values("pk"))

    def in_pipeline(self):
        """Stories still in the pipeline (neither declined nor published)."""
        return self.exclude(state__in=CLOSED_STATES)

    def counts_by_state(self) -> dict[str, int]:
        """{state: number of stories}, every state present (one GROUP BY)."""
        counts = dict.fromkeys(State.values, 0)
        rows = self.order_by().values_list("state").annotate(n=Count("id"))
        counts.update(dict(rows))
        return counts

    def first_per_state(self, limit: int):
        """The `limit` most recently moved stories of each state, in one query (a window
        numbering each state's stories), for the board's columns."""
        ranked = self.annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("state"),
                order_by=[F("state_changed_at").desc(), F("id").desc()],
            )
        )
        return ranked.filter(rank__lte=limit).order_by("-state_changed_at", "-id")


class Story(models.Model):
    """One merchant's success story on its way from candidate to published."""

    # The survivor of a merge takes the loser's stories; where both have an open one, the
    # survivor keeps its own (the partial unique constraint).
    merge_policy = MergePolicy.MOVE

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("merchant"),
        on_delete=models.CASCADE,
        related_name="stories",
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.CANDIDATE
    )
    state_changed_at = models.DateTimeField(_("state since"))
    series = models.CharField(
        _("series"),
        max_length=120,
        blank=True,
        help_text=_("What the story is for, e.g. Newsletter or a campaign's name."),
    )
    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("questionnaire"),
        on_delete=models.PROTECT,
        related_name="stories",
    )
    # Why it was suggested ("GMV +48% in 90 days, health 86"), as written when it was added.
    reason = models.CharField(_("why"), max_length=200, blank=True)
    consent_channel = models.CharField(
        _("consent by"), max_length=10, choices=ConsentChannel.choices, blank=True
    )
    consent_person = models.CharField(
        _("answered by"),
        max_length=120,
        blank=True,
        help_text=_("The merchant's person who agreed or declined."),
    )
    consent_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("interviewer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    interview_at = models.DateTimeField(_("interview at"), null=True, blank=True)
    interview_task = models.ForeignKey(
        "work.Task", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    article_id = models.TextField(
        _("article in Indonesian"), blank=True, validators=at_most(LONG_TEXT)
    )
    article_en = models.TextField(
        _("article in English"), blank=True, validators=at_most(LONG_TEXT)
    )
    review_note = models.TextField(
        _("reviewer's note"), blank=True, validators=at_most(MEDIUM_TEXT)
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StoryQuerySet.as_manager()

    class Meta:
        ordering = ["-state_changed_at", "-id"]
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        permissions = [("approve_story", "Can approve a success story")]
        constraints = [
            # A merchant is in the pipeline once at a time.
            models.UniqueConstraint(
                fields=["customer"],
                condition=~Q(state__in=CLOSED_STATES),
                name="one_open_story_per_customer",
            )
        ]
        indexes = [
            # The board: each state's most recently moved stories.
            models.Index(fields=["state", "-state_changed_at", "-id"], name="story_board_idx")
        ]

    def __str__(self):
        return self.title or str(self.customer)

    def get_absolute_url(self):
        return reverse("stories:story-detail", args=[self.code])

    @property
    def next_states(self) -> tuple[str, ...]:
        return NEXT_STATES.get(State(self.state), ())

    def state_label(self) -> str:
        return str(State(self.state).label)


class Answer(models.Model):
    """The merchant's answer to one question of the story's questionnaire."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="answers")
    # A question with answers cannot be deleted from its questionnaire (the form says so).
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    text = models.TextField(_("answer"), validators=at_most(MEDIUM_TEXT))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["question__position", "question_id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["story", "question"], name="one_answer_per_question")
        ]

    def __str__(self):
        return self.text[:50]


class Publication(models.Model):
    """Where and when the story was published by us."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="publications")
    channel = models.CharField(_("channel"), max_length=12, choices=PublicationChannel.choices)
    published_on = models.DateField(_("published on"))
    link = models.URLField(_("link"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["published_on", "id"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")

    def __str__(self):
        return f"{self.get_channel_display()} {self.published_on}"


class Coverage(models.Model):
    """An article about the story in the media: outlet, link, date and its reach."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="coverage")
    outlet = models.CharField(_("outlet"), max_length=120)
    link = models.URLField(_("link"), max_length=500)
    published_on = models.DateField(_("published on"))
    reach = models.PositiveIntegerField(
        _("reach"), null=True, blank=True, help_text=_("Readers or views, when known.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["published_on", "id"]
        verbose_name = _("media coverage")
        verbose_name_plural = _("media coverage")

    def __str__(self):
        return self.outlet
