"""Agreed answers: the FAQ the whole team answers from, and what its search needs."""

import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from setia.engagement.models import ProductArea


class State(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("answer state", "Draft")
    APPROVED = "approved", pgettext_lazy("answer state", "Approved")


class Audience(models.TextChoices):
    SHAREABLE = "shareable", _("Shareable with customers")
    INTERNAL = "internal", _("Internal only")


class ArticleQuerySet(models.QuerySet):
    def approved(self):
        """Answers a manager approved: the only ones suggested."""
        return self.filter(state=State.APPROVED)

    def review_due(self, today):
        """Answers whose review date has come."""
        return self.filter(review_on__lte=today)


class Article(models.Model):
    """An agreed answer: the questions it answers, the answer in both languages."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key = models.SlugField(
        _("key"),
        max_length=80,
        unique=True,
        help_text=_("A short stable name, e.g. change-domain; imports update by it."),
    )
    area = models.CharField(_("product area"), max_length=20, choices=ProductArea.choices)
    question_id = models.CharField(_("question (Indonesian)"), max_length=300)
    question_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    variants = models.TextField(
        _("other ways customers ask"),
        blank=True,
        help_text=_("One per line, in the customers' own words."),
    )
    answer_id = models.TextField(_("answer (Indonesian)"))
    answer_en = models.TextField(_("answer (English)"), blank=True)
    tags = models.CharField(_("tags"), max_length=200, blank=True, help_text=_("Comma-separated."))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        help_text=_("Reviews this answer when its review date comes."),
    )
    review_on = models.DateField(_("review date"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience.choices, default=Audience.SHAREABLE
    )
    use_count = models.PositiveIntegerField(_("times used"), default=0)
    version = models.PositiveIntegerField(_("version"), default=0)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # The open review task of the owner, so that a daily run creates one per due review.
    review_task = models.ForeignKey(
        "work.Task", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Index terms (setia.knowledge.text.terms), space-separated: what the full-text indexes of
    # both databases and the ranking read.
    index_questions = models.TextField(default="", blank=True, editable=False)
    index_answers = models.TextField(default="", blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["area", "key"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        permissions = [("approve_article", "Can approve an answer")]
        indexes = [
            models.Index(fields=["state", "area", "key"], name="knowledge_state_area"),
            models.Index(fields=["review_on"], name="knowledge_review_on"),
            models.Index(fields=["-use_count", "key"], name="knowledge_most_used"),
        ]

    def __str__(self):
        return self.question_id

    def get_absolute_url(self):
        return reverse("knowledge:article-detail", args=[self.code])

    @property
    def is_approved(self) -> bool:
        return self.state == State.APPROVED

    @property
    def variant_list(self) -> list[str]:
        return [line.strip() for line in self.variants.splitlines() if line.strip()]

    @property
    def tag_list(self) -> list[str]:
        return [tag.strip() for tag in self.tags.split(",") if tag.strip()]

    def answer_in(self, language: str) -> str:
        """The answer in `language` ("id" or "en"), the Indonesian one when no English exists."""
        if language == "en" and self.answer_en:
            return self.answer_en
        return self.answer_id

    def question_in(self, language: str) -> str:
        if language == "en" and self.question_en:
            return self.question_en
        return self.question_id


class ArticleVersion(models.Model):
    """A saved state of an answer: every save adds one, so edits can be compared."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["article", "-number"]
        verbose_name = _("answer version")
        verbose_name_plural = _("answer versions")
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="knowledge_one_version")
        ]

    def __str__(self):
        return f"{self.article.key} v{self.number}"


class Synonym(models.Model):
    """Words customers use for the same thing (ongkir, ongkos kirim, biaya kirim): all are
    indexed and searched as `term`. Editing the list re-indexes every answer."""

    term = models.CharField(
        _("term"),
        max_length=40,
        unique=True,
        validators=[
            RegexValidator(r"^[a-z0-9]+$", _("One word: lower-case letters and digits only."))
        ],
        help_text=_("One word that stands for all of them, e.g. ongkir."),
    )
    variants = models.TextField(
        _("words and phrases"),
        help_text=_("Comma-separated, e.g. ongkos kirim, biaya kirim, shipping cost."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["term"]
        verbose_name = _("synonym")
        verbose_name_plural = _("synonyms")

    def __str__(self):
        return self.term

    @property
    def variant_list(self) -> list[str]:
        return [part.strip() for part in self.variants.split(",") if part.strip()]


class Term(models.Model):
    """An index term and in how many approved answers it occurs: the vocabulary that spelling
    mistakes are corrected against, and the document frequencies of the ranking."""

    term = models.CharField(max_length=60, unique=True)
    documents = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["term"]
        verbose_name = _("index term")
        verbose_name_plural = _("index terms")
        indexes = [models.Index(fields=["documents"], name="knowledge_term_documents")]

    def __str__(self):
        return self.term
