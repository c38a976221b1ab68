"""The customer timeline and the interactions the team records on it.

The timeline is one event table that every app writes to through
`setia.engagement.actions.record_event`; the 360 page reads one indexed slice of it instead of
a query that unions every app's tables.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EventKind(models.TextChoices):
    """What a timeline event is about. Interaction kinds come first, then other apps' events."""

    CALL = "call", _("Call")
    WHATSAPP = "whatsapp", _("WhatsApp")
    EMAIL = "email", _("Email")
    MEETING = "meeting", _("Meeting")
    NOTE = "note", _("Note")
    WEBSITE_ISSUE = "website_issue", _("Website issue")
    CHANGE = "change", pgettext_lazy("timeline kind", "Change")
    IMPORT = "import", pgettext_lazy("timeline kind", "Import")
    TASK = "task", pgettext_lazy("timeline kind", "Task")
    TIER = "tier", _("Tier change")
    OFFER = "offer", _("Retention offer")
    SURVEY = "survey", pgettext_lazy("timeline kind", "Survey")


class TimelineEventQuerySet(models.QuerySet):
    def for_customer(self, customer):
        return self.filter(customer=customer)

    def of_kind(self, kind: str | None):
        """Events of `kind`; every event when `kind` is empty."""
        return self.filter(kind=kind) if kind else self


class TimelineEvent(models.Model):
    """One thing that happened to a customer, newest first on the 360 page.

    `summary` is free text written when the event happened; `data` keeps the structured details
    (choice values, not their labels) so the page shows them in the reader's language.
    `source_type`/`source_id` point at the row the event is about (an interaction, an audit
    entry, an offer) without a foreign key, so any app can write events.
    """

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="timeline_events"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="timeline_events",
    )
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)
    occurred_at = models.DateTimeField(_("when"))
    source_type = models.CharField(max_length=60, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TimelineEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        indexes = [
            models.Index(fields=["customer", "-occurred_at", "-id"], name="timeline_customer_idx"),
            models.Index(
                fields=["customer", "kind", "-occurred_at", "-id"], name="timeline_kind_idx"
            ),
            models.Index(fields=["source_type", "source_id"], name="timeline_source_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.summary}"

    @property
    def is_change(self) -> bool:
        return self.kind == EventKind.CHANGE

    def change_rows(self) -> list[tuple[str, str, str]]:
        """For audit changes: (field, before, after) in the reader's language, without a query."""
        if not self.is_change:
            return []
        from setia.audit.models import AuditEntry

        entry = AuditEntry(
            object_type=self.data.get("object_type", ""), changes=self.data.get("changes", {})
        )
        return entry.change_rows()

    def change_action_display(self) -> str:
        from setia.audit.models import AuditEntry

        action = self.data.get("action", "")
        return str(dict(AuditEntry.Action.choices).get(action, action))
