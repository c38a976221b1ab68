"""A person's notifications (the bell), their e-mail preferences per kind, and the daily
digests sent."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from setia.lib.dates import now


class Kind(models.TextChoices):
    REMINDER = "reminder", _("Reminders")
    ASSIGNMENT = "assignment", _("Assignments")
    APPROVAL = "approval", _("Approvals")
    MENTION = "mention", _("Mentions")
    ANNOUNCEMENT = "announcement", _("Announcements")


class Delivery(models.TextChoices):
    IMMEDIATELY = "immediately", pgettext_lazy("e-mail delivery", "Immediately")
    DIGEST = "digest", pgettext_lazy("e-mail delivery", "In a daily digest")
    NEVER = "never", pgettext_lazy("e-mail delivery", "Never")


# Without a saved preference: what needs acting on now comes at once; the day's reminders,
# which the reminder job writes in the morning, come in the digest that follows it.
DEFAULT_DELIVERY = dict.fromkeys(Kind.values, Delivery.IMMEDIATELY) | {
    Kind.REMINDER: Delivery.DIGEST
}


class Mail(models.TextChoices):
    """Where a notification's e-mail stands."""

    PENDING = "pending", _("waiting")
    SENT = "sent", _("sent")
    SKIPPED = "skipped", _("not sent")


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        """`user`'s own notifications: nobody reads another person's."""
        return self.filter(recipient_id=user.pk)

    def unread(self):
        """Notifications not read yet."""
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Something a person should know about. The message is stored as its source text (a
    translatable key) and parameters, and translated when shown, so that each reader sees it
    in their own language."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    message = models.CharField(_("message"), max_length=300)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    mail = models.CharField(_("e-mail"), max_length=10, choices=Mail.choices, default=Mail.PENDING)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The page and the dropdown: a person's newest first.
            models.Index(fields=["recipient", "-created_at", "-id"], name="notif_recipient_new"),
            # The e-mail jobs read only what is still waiting.
            models.Index(
                fields=["recipient", "kind"],
                condition=Q(mail="pending"),
                name="notif_mail_pending",
            ),
        ]

    def __str__(self):
        return self.text

    @property
    def text(self) -> str:
        """The message in the active language, its parameters filled in."""
        template = gettext(self.message)
        try:
            return template % self.params
        except (KeyError, TypeError, ValueError):
            # A message whose parameters changed since it was stored still says something.
            return template

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class EmailPreference(models.Model):
    """How a person wants the e-mail of one kind of notification; without a row, the kind's
    default (`DEFAULT_DELIVERY`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    delivery = models.CharField(_("e-mail"), max_length=12, choices=Delivery.choices)

    class Meta:
        verbose_name = _("notification e-mail preference")
        verbose_name_plural = _("notification e-mail preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notif_one_preference_per_kind")
        ]

    def __str__(self):
        return f"{self.user}: {self.kind} {self.delivery}"


class Digest(models.Model):
    """A daily digest sent to a person: one per person and day (the constraint claims it, so a
    job run twice sends one)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notification_digests",
    )
    day = models.DateField(_("day"))
    notifications = models.PositiveIntegerField(_("notifications"), default=0)
    sent_at = models.DateTimeField(_("sent at"), default=now)

    class Meta:
        verbose_name = _("notification digest")
        verbose_name_plural = _("notification digests")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "day"], name="notif_one_digest_per_day")
        ]

    def __str__(self):
        return f"{self.recipient} {self.day}"
