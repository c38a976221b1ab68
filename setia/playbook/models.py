import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class PlaybookEntryQuerySet(models.QuerySet):
    def review_due(self, today):
        """Entries whose monthly review date has come."""
        return self.filter(next_review_on__lte=today)


class PlaybookEntry(models.Model):
    """The sales bible ("Kitab Suci Sales") page of one business category.

    The working copy is edited freely; publishing freezes it as a numbered PlaybookVersion.
    """

    category = models.OneToOneField(
        "customers.Category",
        verbose_name=_("category"),
        on_delete=models.CASCADE,
        related_name="playbook",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="playbook_entries",
        help_text=_("Reviews this page every month."),
    )
    summary = models.TextField(_("summary"), blank=True)
    talking_points = models.TextField(_("talking points"), blank=True, help_text=_("One per line."))
    template_names = models.TextField(
        _("recommended store templates"), blank=True, help_text=_("One per line.")
    )
    next_review_on = models.DateField(_("next review"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlaybookEntryQuerySet.as_manager()

    class Meta:
        ordering = ["category__position", "category__name"]
        verbose_name = _("playbook page")
        verbose_name_plural = _("playbook pages")

    def __str__(self):
        return str(self.category)

    def get_absolute_url(self):
        return reverse("playbook:entry-detail", args=[self.category.slug])

    def is_review_due(self, today) -> bool:
        return self.next_review_on is not None and self.next_review_on <= today

    @staticmethod
    def lines(text: str) -> list[str]:
        return [line.strip() for line in text.splitlines() if line.strip()]

    @property
    def talking_point_list(self) -> list[str]:
        return self.lines(self.talking_points)

    @property
    def template_name_list(self) -> list[str]:
        return self.lines(self.template_names)


def _screenshot_path(instance, filename: str) -> str:
    # The uploader's file name is never used: a random name with the extension of the format
    # Pillow detected (set by the form) cannot collide or traverse.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "png"
    return f"playbook/{uuid.uuid4().hex}.{extension}"


class ExampleStore(models.Model):
    """A real customer's store shown to prospects as an example, with a screenshot."""

    entry = models.ForeignKey(PlaybookEntry, on_delete=models.CASCADE, related_name="examples")
    store = models.ForeignKey(
        "customers.Store",
        verbose_name=_("store"),
        on_delete=models.CASCADE,
        related_name="playbook_examples",
    )
    note = models.CharField(_("what to show"), max_length=300, blank=True)
    screenshot = models.ImageField(
        _("screenshot"),
        upload_to=_screenshot_path,
        blank=True,
        width_field="screenshot_width",
        height_field="screenshot_height",
    )
    screenshot_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    screenshot_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("example store")
        verbose_name_plural = _("example stores")
        constraints = [
            models.UniqueConstraint(fields=["entry", "store"], name="one_example_per_store")
        ]

    def __str__(self):
        return str(self.store)


class Objection(models.Model):
    """A prospect's objection and the answer that works."""

    entry = models.ForeignKey(PlaybookEntry, on_delete=models.CASCADE, related_name="objections")
    objection = models.CharField(_("objection"), max_length=300)
    answer = models.TextField(_("answer"))
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self):
        return self.objection


class PlaybookVersion(models.Model):
    """A published, frozen copy of a playbook page (a JSON snapshot of everything on it)."""

    entry = models.ForeignKey(PlaybookEntry, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["entry", "-number"]
        verbose_name = _("playbook version")
        verbose_name_plural = _("playbook versions")
        constraints = [
            models.UniqueConstraint(fields=["entry", "number"], name="one_version_number")
        ]

    def __str__(self):
        return f"{self.entry} v{self.number}"
