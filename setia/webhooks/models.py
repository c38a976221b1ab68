"""Outgoing webhooks: the endpoints administrators subscribe, the deliveries owed to them (one per
event and endpoint) and each attempt at sending one."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from setia.lib.merging import MergePolicy


def new_secret() -> str:
    """A signing secret: 32 random bytes as text (`whsec_…`)."""
    return "whsec_" + secrets.token_urlsafe(32)


class Webhook(models.Model):
    """A URL subscribed to some events, with the secret its payloads are signed with.

    The secret is kept as it is (the signature needs it) and shown on the page only when it is
    created or regenerated. `failures` counts the failed deliveries in a row; at
    WEBHOOKS_DISABLE_AFTER the webhook is switched off (`disabled_at`, `disabled_reason`).
    """

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(max_length=100, default=new_secret)
    is_active = models.BooleanField(_("active"), default=True)
    failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    # While the endpoint fails, nothing is sent to it before this moment (the backoff).
    retry_at = models.DateTimeField(null=True, blank=True)
    disabled_at = models.DateTimeField(_("disabled"), null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Not stored: the events' names in the reader's language, set by the list page.
    event_labels: list[str]

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self):
        return self.name

    @property
    def secret_hint(self) -> str:
        return self.secret[:10]


class Delivery(models.Model):
    """One event owed to one webhook. `key` names the event (its kind and the history row it
    comes from); with the webhook it is unique, so an event is queued once however often the
    dispatcher reads the same rows. The payload is built when it is sent, from these columns."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(_("event"), max_length=60)
    key = models.CharField(max_length=120)
    # No foreign key: a delivery outlives nothing it reports on, and merges leave it alone.
    customer_code = models.CharField(max_length=36, blank=True)
    data = models.JSONField(default=dict)
    occurred_at = models.DateTimeField(_("occurred"))
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"))

    class Meta:
        ordering = ["-id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["webhook", "key"], name="webhook_delivery_once")
        ]
        indexes = [
            # What the sender takes next, oldest first.
            models.Index(fields=["webhook", "state", "id"], name="webhook_delivery_due_idx"),
            # The daily purge of old ones.
            models.Index(fields=["created_at"], name="webhook_delivery_created_idx"),
        ]

    def __str__(self):
        return f"{self.event} → {self.webhook_id}"


class Attempt(models.Model):
    """One try at sending a delivery: the answer (status, the start of its body), how long it
    took, or the error when there was no answer. The delivery log lists these."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="tries")
    # Repeated from the delivery, so the log reads one webhook's attempts through one index.
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveIntegerField(_("attempt"))
    status_code = models.PositiveIntegerField(_("status"), null=True, blank=True)
    response_excerpt = models.TextField(_("response"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    error = models.CharField(_("error"), max_length=300, blank=True)
    succeeded = models.BooleanField(default=False)
    at = models.DateTimeField(_("when"))

    class Meta:
        ordering = ["-id"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        indexes = [models.Index(fields=["webhook", "-id"], name="webhook_attempt_log_idx")]

    def __str__(self):
        return f"{self.delivery_id} #{self.number}"


class Cursor(models.Model):
    """How far the dispatcher has read a source of events (the last id of a history table)."""

    name = models.CharField(max_length=40, primary_key=True)
    position = models.BigIntegerField(default=0)

    def __str__(self):
        return f"{self.name}: {self.position}"


class NotifiedGrade(models.Model):
    """The health grade last reported for a customer, compared with the current one to find the
    customers whose grade changed since (one statement for all of them)."""

    # The survivor's own grade is the one to compare; the loser, merged away, has none.
    merge_policy = MergePolicy.STAY

    customer = models.OneToOneField(
        "customers.Customer", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    grade = models.CharField(max_length=1)
    score = models.PositiveSmallIntegerField(null=True)

    def __str__(self):
        return f"{self.customer_id}: {self.grade}"
