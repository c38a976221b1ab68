from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AuditEntry(models.Model):
    """One change to a customer-facing record: who, when, what before → after, and from where.

    Entries are keyed by customer so the 360 page reads a customer's history with one indexed
    query, whichever of its records (contact, store, subscription) changed.
    """

    class Action(models.TextChoices):
        CREATE = "create", pgettext_lazy("audit action", "created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")
        RESTORE = "restore", _("restored")

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
    source = models.CharField(max_length=60, default="web")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["customer", "-created_at", "-id"], name="audit_customer_idx")
        ]

    def __str__(self):
        return f"{self.object_type} {self.object_repr} {self.action}"

    def change_rows(self) -> list[tuple[str, str, str]]:
        """(field label, before, after) for display, in the reader's language.

        Labels and choice names are resolved now, not when the change was stored, so a
        history written by an English user reads in Indonesian for an Indonesian one.
        """
        from django.apps import apps

        from setia.lib.money import format_rupiah
        from setia.lib.phones import format_phone

        try:
            model = apps.get_model(self.object_type)
        except LookupError:
            model = None
        rows = []
        for key, (before, after) in self.changes.items():
            label, display, holder, name = key, str, model, key
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
                    if choices:
                        display = lambda value, choices=choices: str(choices.get(value, value))  # noqa: E731
                    elif field.get_internal_type() == "BooleanField":
                        display = lambda value: str(_("yes") if value == "True" else _("no"))  # noqa: E731
                    elif name in money_fields:
                        display = lambda value: format_rupiah(int(value))  # noqa: E731
                    elif name in phone_fields:
                        display = format_phone
            rows.append(
                (
                    label,
                    display(before) if before is not None else "—",
                    display(after) if after is not None else "—",
                )
            )
        return rows
