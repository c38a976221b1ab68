"""A customer's history: the audit entries (what changed in a record, before and after) and the
timeline (everything that happened to the customer, the changes included).

Only `setia.history.actions` writes these tables; see the app's README.
"""

import ast
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from setia.history import messages
from setia.lib.display import format_number, format_stored
from setia.lib.merging import MergePolicy
from setia.lib.money import format_rupiah
from setia.lib.names import BilingualName
from setia.lib.phones import format_phone


class AuditEntry(models.Model):
    """One change to a customer-facing record: who, when, what before → after, and from where.

    Entries are keyed by customer so the 360 page reads a customer's history with one indexed
    query, whichever of its records (contact, store, subscription) changed.
    """

    merge_policy = MergePolicy.MOVE

    class Action(models.TextChoices):
        CREATE = "create", pgettext_lazy("audit action", "created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")
        RESTORE = "restore", _("restored")
        # An edit made from an outdated version and not saved: `changes` holds the stored
        # value and the one the person tried to save, so the timeline shows the conflict.
        REFUSED = "refused", pgettext_lazy("audit action", "could not save an outdated edit of")

    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        related_name="audit_entries",
        # audit_customer_idx leads with it: a second index would only slow the many writes.
        db_index=False,
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_entries",
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    object_repr = models.CharField(max_length=200)
    changes = models.JSONField(default=dict)  # {field: [before, after]} as display text
    # Not stored: set by `new_change` for the change's timeline event (see `change_event_data`).
    names: dict[str, str]
    source = models.CharField(max_length=60, default="web")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["customer", "-created_at", "-id"], name="audit_customer_idx"),
            # `record_source_events` puts one event per customer with history from a source
            # (an import): an index-only scan instead of reading the whole table.
            models.Index(fields=["source", "customer"], name="audit_source_idx"),
        ]

    def __str__(self):
        return f"{self.object_type} {self.object_repr} {self.action}"

    def change_rows(self, names: dict[str, str] | None = None) -> list[tuple[str, str, str]]:
        """(field label, before, after) for display, in the reader's language.

        Labels and choice names are resolved now, not when the change was stored, so a
        history written by an English user reads in Indonesian for an Indonesian one; dates,
        moments and numbers are written as the reader writes them. `names` ({stored text:
        Indonesian name}) names the records the change points at for an Indonesian reader.
        """
        translated = names if names and translation.get_language() == "id" else {}

        def translate(value) -> str:
            return translated.get(value, value) if translated else format_stored(value)

        try:
            model = apps.get_model(self.object_type)
        except LookupError:
            model = None
        rows = []
        for key, (before, after) in self.changes.items():
            label, holder, name = key, model, key
            display: Callable[..., str] = str
            prefix = ""
            if model is not None and "." in key:
                # An import's creation entry holds the records created with the customer as
                # `contact.phone`, `store.domain`, `subscription.plan`.
                model_name, name = key.split(".", 1)
                try:
                    holder = apps.get_model(model._meta.app_label, model_name)
                    prefix = f"{holder._meta.verbose_name}: "
                except LookupError:
                    holder = None
            money_fields = getattr(holder, "MONEY_FIELDS", ())
            phone_fields = getattr(holder, "PHONE_FIELDS", ())
            if holder is not None:
                try:
                    field = holder._meta.get_field(name)
                except Exception:
                    field = None
                if field is not None:
                    label = prefix + str(field.verbose_name)
                    choices = dict(field.flatchoices) if field.choices else None
                    if field.is_relation and isinstance(field.related_model, type):
                        named = _names_by_code(field)
                        if named is not None:
                            choices = named
                    if choices:
                        display = lambda value, choices=choices: str(choices.get(value, value))  # noqa: E731
                    elif field.get_internal_type() == "BooleanField":
                        display = lambda value: str(_("yes") if value == "True" else _("no"))  # noqa: E731
                    elif name in money_fields:
                        display = lambda value: format_rupiah(int(value))  # noqa: E731
                    elif name in phone_fields:
                        display = format_phone
                    elif field.get_internal_type() in _NUMBER_FIELDS:
                        display = _number
                    elif field.get_internal_type() == "JSONField":
                        display = _mapping
                    elif field.is_relation:
                        display = translate
                    else:
                        display = format_stored
                else:
                    display = format_stored
            else:
                display = format_stored
            rows.append(
                (
                    label,
                    display(before) if before is not None else "—",
                    display(after) if after is not None else "—",
                )
            )
        return rows


def _names_by_code(field) -> dict[str, str] | None:
    """{stored code: name in the reader's language} of the bilingual list a relation through a
    code points at (a subscription's plan, stored as its code); None for other relations. The
    lists are short: one query reads them whole."""
    target = field.to_fields[0] if field.to_fields else None
    if target in (None, "id") or not issubclass(field.related_model, BilingualName):
        return None
    return {
        code: named.display_name
        for named in field.related_model.objects.only(target, "name", "name_id")
        for code in [getattr(named, target)]
    }


_NUMBER_FIELDS = frozenset(
    {
        "BigIntegerField",
        "DecimalField",
        "FloatField",
        "IntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
    }
)


def _number(text: str) -> str:
    try:
        return format_number(Decimal(text))
    except InvalidOperation:
        return text


def _mapping(text: str) -> str:
    """A JSON field kept as its Python text (`{'Sumber Info': 'Instagram'}`) as `key: value`
    pairs; other text unchanged."""
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return text
    if isinstance(value, dict):
        return "; ".join(f"{key}: {format_stored(str(item))}" for key, item in value.items())
    if isinstance(value, list):
        return ", ".join(format_stored(str(item)) for item in value)
    return text


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
    PARTNER = "partner", _("Partner programme")
    CAMPAIGN = "campaign", pgettext_lazy("timeline kind", "Campaign")
    STORY = "story", _("Success story")


class TimelineEventQuerySet(models.QuerySet):
    def for_customer(self, customer):
        """Events of `customer`."""
        return self.filter(customer=customer)

    def of_kind(self, kind: str | None):
        """Events of `kind`; every event when `kind` is empty."""
        return self.filter(kind=kind) if kind else self


class TimelineEvent(models.Model):
    """One thing that happened to a customer, newest first on the 360 page.

    `summary` is free text written when the event happened; `data` keeps the structured details
    (choice values, not their labels) so the page shows them in the reader's language.
    `source_type`/`source_id` point at the row the event is about (an interaction, an audit
    entry, an offer) without a foreign key, so any app can have events without this app
    knowing it.
    """

    merge_policy = MergePolicy.MOVE

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
        # The table keeps the name it got when the timeline lived in the engagement app:
        # renaming it would rewrite every existing database for nothing.
        db_table = "engagement_timelineevent"
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        indexes = [
            models.Index(fields=["customer", "-occurred_at", "-id"], name="timeline_customer_idx"),
            models.Index(
                fields=["customer", "kind", "-occurred_at", "-id"], name="timeline_kind_idx"
            ),
            models.Index(fields=["source_type", "source_id"], name="timeline_source_idx"),
            # A month's events of a few kinds, for the targets' actuals, without a table scan.
            models.Index(fields=["kind", "occurred_at"], name="timeline_kind_moment_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.summary}"

    @property
    def text(self) -> str:
        """What happened, in the reader's language (see `setia.history.messages`)."""
        return messages.render(self.source_type, self.data, self.summary)

    @property
    def is_change(self) -> bool:
        return self.kind == EventKind.CHANGE

    def change_rows(self) -> list[tuple[str, str, str]]:
        """For audit changes: (field, before, after) in the reader's language, without a query."""
        if not self.is_change:
            return []
        entry = AuditEntry(
            object_type=self.data.get("object_type", ""), changes=self.data.get("changes", {})
        )
        return entry.change_rows(self.data.get("names"))

    def change_action_display(self) -> str:
        """For audit changes: the action (created, changed, ...) in the reader's language."""
        action = self.data.get("action", "")
        return str(dict(AuditEntry.Action.choices).get(action, action))
