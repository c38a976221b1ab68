"""The interactions the team records with customers, the messages sent to them and the
retention offers made to them. Each goes on the customer's timeline (`setia.history`).
"""

import uuid
from datetime import datetime, time

from django.conf import settings
from django.db import models
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from setia.customers.models import Customer
from setia.engagement.templating import render
from setia.jobs.models import Job
from setia.lib.dates import now
from setia.lib.merging import MergePolicy
from setia.lib.money import net_price, net_price_hundredths, rupiah_from_hundredths
from setia.lib.names import BilingualName, indonesian_name_field
from setia.lib.text import LONG_TEXT, MEDIUM_TEXT, SHORT_TEXT, at_most


class InteractionKind(models.TextChoices):
    CALL = "call", _("Call")
    WHATSAPP = "whatsapp", _("WhatsApp")
    EMAIL = "email", _("Email")
    MEETING = "meeting", _("Meeting")
    NOTE = "note", _("Note")
    WEBSITE_ISSUE = "website_issue", _("Website issue")


class Direction(models.TextChoices):
    OUTBOUND = "outbound", _("We contacted them")
    INBOUND = "inbound", _("They contacted us")


class Outcome(models.TextChoices):
    REACHED = "reached", _("Reached")
    NO_ANSWER = "no_answer", _("No answer")
    LEFT_MESSAGE = "left_message", _("Left a message")
    RESOLVED = "resolved", _("Resolved")
    FOLLOW_UP = "follow_up", _("Follow-up needed")


class ProductArea(models.TextChoices):
    """The part of the product something is about: an interaction, a complaint, a release, an
    agreed answer (`setia.knowledge`). One list for all of them, so complaints and answers
    meet on the same areas."""

    DOMAIN = "domain", _("Domain and SSL")
    SHIPPING = "shipping", _("Shipping")
    PAYMENT = "payment", _("Payments")
    PRODUCTS = "products", _("Products and stock")
    DESIGN = "design", _("Templates and design")
    PERFORMANCE = "performance", _("Speed and performance")
    PROMOTION = "promotion", _("Promotions")
    BILLING = "billing", _("Subscription and billing")
    ACCOUNT = "account", _("Account and access")
    ORDERS = "orders", _("Orders")
    OTHER = "other", _("Other")


class ReleaseQuerySet(models.QuerySet):
    def in_effect_on(self, day):
        """The product-wide release (no area) the customers were on at `day`: the latest one
        released on or before it; an empty queryset before the first release."""
        return self.filter(area="", released_on__lte=day).order_by("-released_on", "-id")[:1]


class Release(models.Model):
    """A release of the store platform ("Toko v2") or of one product area, with its date:
    complaints are counted per release (see `setia.engagement.complaints`)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=60, unique=True)
    area = models.CharField(
        _("product area"),
        max_length=20,
        choices=ProductArea.choices,
        blank=True,
        help_text=_("Empty for a release of the whole store platform."),
    )
    released_on = models.DateField(_("release date"))
    notes = models.TextField(_("notes"), blank=True, validators=at_most(SHORT_TEXT))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["-released_on", "-id"]
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        indexes = [models.Index(fields=["area", "-released_on"], name="release_area_date_idx")]

    def __str__(self):
        return self.name


class Theme(models.Model):
    """A theme or tag on interactions (e.g. "pembayaran", "store v2"), counted over time."""

    name = models.CharField(_("name"), max_length=60)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self):
        return self.name


class InteractionQuerySet(models.QuerySet):
    def follow_ups_due(self, day):
        """Interactions whose follow-up date is `day` or earlier."""
        return self.filter(follow_up_on__lte=day)

    def visible_to(self, user):
        """Interactions with the (alive) customers `user` may see."""
        return self.filter(customer__in=Customer.objects.visible_to(user).alive())

    def complaints(self):
        """Complaints: website issues, and interactions whose outcome was "follow-up needed"
        (the customer raised something we still owed them), resolved since or not. The health
        score's open complaints are these, while not resolved."""
        return self.filter(Q(kind=InteractionKind.WEBSITE_ISSUE) | Q(outcome=Outcome.FOLLOW_UP))

    def filtered(self, filters: dict):
        """The interactions matching the cleaned filters of the interactions list: `kind`,
        `area`, `release`, `theme` (a name, matched by slug), `complaints`, `start` and `end`
        (days, in the team's time zone) and `owner` (the customer's)."""
        rows = self
        for name in ("kind", "area", "release"):
            if filters.get(name):
                rows = rows.filter(**{name: filters[name]})
        if filters.get("theme"):
            rows = rows.filter(themes__slug=slugify(filters["theme"])[:60])
        if filters.get("complaints"):
            rows = rows.complaints()
        # Moments, not the column's date: the list's index on occurred_at serves the range.
        zone = timezone.get_current_timezone()
        if filters.get("start"):
            rows = rows.filter(occurred_at__gte=datetime.combine(filters["start"], time.min, zone))
        if filters.get("end"):
            rows = rows.filter(occurred_at__lte=datetime.combine(filters["end"], time.max, zone))
        if filters.get("owner"):
            rows = rows.filter(customer__owner=filters["owner"])
        return rows


class Interaction(models.Model):
    """A touch with a customer: a call, a WhatsApp chat, an email, a meeting, a note, or a
    website issue they reported. Meetings keep their notes, decisions and action items."""

    merge_policy = MergePolicy.MOVE

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="interactions"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=InteractionKind.choices)
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interactions",
    )
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, blank=True
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True, validators=at_most(LONG_TEXT))
    decisions = models.TextField(_("decisions"), blank=True, validators=at_most(MEDIUM_TEXT))
    action_items = models.TextField(
        _("action items"),
        blank=True,
        help_text=_("One action item per line."),
        validators=at_most(MEDIUM_TEXT),
    )
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    themes = models.ManyToManyField(
        Theme, verbose_name=_("themes"), blank=True, related_name="interactions"
    )
    occurred_at = models.DateTimeField(_("when"), default=now)
    area = models.CharField(
        _("product area"), max_length=20, choices=ProductArea.choices, blank=True
    )
    # Empty means "the release in effect on the day" (`Release.objects.in_effect_on`), which
    # the complaints report reads for it.
    release = models.ForeignKey(
        Release,
        verbose_name=_("release"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interactions",
    )
    # The WhatsApp Cloud API's id of an inbound message logged as this interaction: unique per
    # contact, so a webhook delivered twice cannot log the message twice.
    provider_message_id = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recorded_interactions",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InteractionQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        indexes = [
            models.Index(
                fields=["customer", "-occurred_at", "-id"], name="interaction_customer_idx"
            ),
            models.Index(fields=["kind", "-occurred_at"], name="interaction_kind_idx"),
            models.Index(fields=["follow_up_on"], name="interaction_follow_up_idx"),
            # The list across customers (newest first) and the complaints report by area.
            models.Index(fields=["-occurred_at", "-id"], name="interaction_occurred_idx"),
            models.Index(fields=["area", "-occurred_at"], name="interaction_area_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["provider_message_id", "contact"],
                condition=~models.Q(provider_message_id=""),
                name="interaction_one_per_provider_message",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.customer_id} {self.occurred_at:%Y-%m-%d}"

    def action_item_list(self) -> list[str]:
        return [line.strip(" -•*\t") for line in self.action_items.splitlines() if line.strip()]

    def timeline_data(self, themes: list[Theme]) -> dict:
        """What the timeline keeps about this interaction with `themes` (values, not labels)."""
        return {
            "contact": self.contact.name if self.contact else "",
            "direction": self.direction,
            "outcome": self.outcome,
            "follow_up_on": self.follow_up_on.isoformat() if self.follow_up_on else "",
            "themes": sorted(theme.name for theme in themes),
            "area": self.area,
            "release": self.release.name if self.release else "",
            "notes": self.notes,
            "decisions": self.decisions,
            "action_items": self.action_item_list(),
        }


class Channel(models.TextChoices):
    WHATSAPP = "whatsapp", _("WhatsApp")
    EMAIL = "email", _("Email")


class MessageTemplate(BilingualName, models.Model):
    """A reusable message with `{variable}` placeholders (see templating.VARIABLES), in one
    language and for one channel. Rendering with a missing value is an error.

    Its text is in one language (`language`), but its name is in both (`setia.lib.names`), so
    that every reader finds it in the lists and pickers: "Monthly check-in (Indonesian)" on
    the English pages is "Sapaan bulanan (Indonesia)" on the Indonesian ones."""

    class Language(models.TextChoices):
        INDONESIAN = "id", _("Indonesian")
        ENGLISH = "en", _("English")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name (English)"), max_length=100)
    name_id = indonesian_name_field(100)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.INDONESIAN
    )
    subject = models.CharField(
        _("subject"), max_length=200, blank=True, help_text=_("For email only.")
    )
    body = models.TextField(_("message"))
    whatsapp_template_name = models.CharField(
        _("approved WhatsApp template"),
        max_length=100,
        blank=True,
        help_text=_(
            "The name of the template Meta approved, for sending through the WhatsApp Business "
            "API outside the 24-hour window. Its parameters {{1}}, {{2}}, … are this message's "
            "variables in order of appearance."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "language", "id"]
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        permissions = [
            ("send_message", _("Can send messages to customers")),
            ("bulk_send_message", _("Can send messages to many customers at once")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "channel", "language"], name="one_template_per_name_language"
            )
        ]
        indexes = [models.Index(fields=["channel", "is_active"], name="template_channel_idx")]

    def __str__(self):
        return f"{self.display_name} ({self.get_language_display()})"

    def render(self, values: dict) -> tuple[str, str]:
        """(subject, body) filled from `values`; raises templating.MissingVariables."""
        subject = render(self.subject, values) if self.channel == Channel.EMAIL else ""
        return subject, render(self.body, values)


STATUS_RANK = {"sent": 1, "failed": 2, "delivered": 3, "read": 4}


class Message(models.Model):
    """A message to a customer's contact: opened in WhatsApp through a click-to-chat link, or
    sent by email or the WhatsApp Cloud API. Every message is on the customer's timeline."""

    merge_policy = MergePolicy.MOVE

    class Status(models.TextChoices):
        OPENED = "opened", _("Opened in WhatsApp")
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", pgettext_lazy("message status", "Sent")
        DELIVERED = "delivered", _("Delivered")
        READ = "read", pgettext_lazy("message status", "Read")
        FAILED = "failed", _("Failed")

    class Via(models.TextChoices):
        CLICK_TO_CHAT = "click_to_chat", _("Click-to-chat link")
        CLOUD_API = "cloud_api", _("WhatsApp Cloud API")
        SMTP = "smtp", _("Email server")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="messages"
    )
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
    )
    template = models.ForeignKey(
        MessageTemplate,
        verbose_name=_("template"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    via = models.CharField(_("sent through"), max_length=20, choices=Via.choices)
    recipient = models.CharField(_("to"), max_length=254)  # E.164 number or e-mail address
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("message"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    failure_reason = models.TextField(_("reason of failure"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    provider_message_id = models.CharField(max_length=200, blank=True, db_index=True)
    # Sent with every attempt, so the provider can recognise a retry of a request that did
    # reach it (a timeout) and not deliver the message twice.
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Cloud API messages outside the 24-hour window go as an approved template with these
    # positional parameters; inside it, as plain text.
    whatsapp_template_name = models.CharField(max_length=100, blank=True)
    parameters = models.JSONField(default=list, blank=True)
    bulk_send = models.ForeignKey(
        "BulkSend", on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sent_messages",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(fields=["customer", "-created_at"], name="message_customer_idx"),
            models.Index(fields=["status", "channel"], name="message_status_idx"),
            models.Index(fields=["status", "next_attempt_at"], name="message_due_idx"),
            # The bulk rate: what each channel sent in the last minute.
            models.Index(fields=["channel", "sent_at"], name="message_channel_sent_idx"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} → {self.recipient}"

    def timeline_data(self) -> dict:
        """What the timeline keeps about this message (values, not labels); delivery updates it
        as the status changes."""
        return {
            "contact": self.contact.name if self.contact else "",
            "direction": "outbound",
            "template": self.template.name if self.template else "",
            "template_name_id": self.template.name_id if self.template else "",
            "status": self.status,
            "via": self.via,
            "reason": self.failure_reason,
            "message": str(self.code),
        }


class RetentionOfferQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Offers on the (alive) customers `user` may see."""
        return self.filter(customer__in=Customer.objects.visible_to(user).alive())

    def summary(self) -> dict:
        """Counts per status, the acceptance rate and the revenue kept, in one query.

        Revenue kept: what accepted offers' customers pay over the discounted months (the
        price after discount times the months), revenue that a churn would have lost. Discount cost:
        what the discounts gave away over the same months.
        """
        net = net_price_hundredths(F("monthly_price"), F("discount_percent"), F("months"))
        given = F("monthly_price") * F("discount_percent") * F("months")
        accepted = Q(status=OfferStatus.ACCEPTED)
        figures = self.aggregate(
            total=Count("id"),
            **{status: Count("id", filter=Q(status=status)) for status in OfferStatus.values},
            kept_hundredths=Sum(net, filter=accepted),
            cost_hundredths=Sum(given, filter=accepted),
        )
        answered = figures["accepted"] + figures["declined"] + figures["expired"]
        figures["acceptance_rate"] = (
            round(100 * figures["accepted"] / answered, 1) if answered else None
        )
        # Prices are whole rupiah and discounts whole percent: divide once, rounding half up.
        figures["revenue_kept"] = rupiah_from_hundredths(figures.pop("kept_hundredths") or 0)
        figures["discount_cost"] = rupiah_from_hundredths(figures.pop("cost_hundredths") or 0)
        return figures


class OfferStatus(models.TextChoices):
    PROPOSED = "proposed", _("Awaiting approval")
    APPROVED = "approved", _("Approved, offered")
    REJECTED = "rejected", _("Not approved")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")


class RetentionOffer(models.Model):
    """A discount negotiated to keep a customer subscribing: what they asked, what we offered,
    who approved it, and how it ended. An accepted offer's discount is applied to the
    subscription for its months."""

    merge_policy = MergePolicy.MOVE

    OUTCOMES = (OfferStatus.ACCEPTED, OfferStatus.DECLINED, OfferStatus.EXPIRED)

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="retention_offers"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=OfferStatus.choices, default=OfferStatus.PROPOSED
    )
    asked = models.TextField(
        _("what the customer asked"), blank=True, validators=at_most(SHORT_TEXT)
    )
    offered = models.TextField(_("what we offer"), blank=True, validators=at_most(SHORT_TEXT))
    discount_percent = models.PositiveSmallIntegerField(_("discount (%)"))
    months = models.PositiveSmallIntegerField(_("months"))
    monthly_price = models.BigIntegerField(_("monthly price (Rp)"))  # when the offer was made
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="proposed_offers",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="approved_offers",
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True, validators=at_most(SHORT_TEXT))
    discount_until = models.DateField(_("discount until"), null=True, blank=True)
    previous_discount_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    # Optimistic lock, as on Customer: a step taken from an older version is refused. The
    # database default is for the set-based writers that insert offers with SQL.
    version = models.PositiveIntegerField(default=1, db_default=1)
    created_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RetentionOfferQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("retention offer")
        verbose_name_plural = _("retention offers")
        permissions = [("approve_retentionoffer", _("Can approve large retention discounts"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(discount_percent__gte=1, discount_percent__lte=100),
                name="offer_discount_1_to_100",
            ),
            models.CheckConstraint(condition=models.Q(months__gte=1), name="offer_months_positive"),
        ]
        indexes = [
            models.Index(fields=["customer", "-created_at"], name="offer_customer_idx"),
            models.Index(fields=["status", "-created_at"], name="offer_status_idx"),
        ]

    def __str__(self):
        return f"{self.discount_percent}% × {self.months} ({self.get_status_display()})"

    @property
    def net_monthly_price(self) -> int:
        return net_price(self.monthly_price, self.discount_percent)

    @property
    def revenue_kept(self) -> int:
        """What the customer pays over the discounted months (see RetentionOfferQuerySet)."""
        return net_price(self.monthly_price, self.discount_percent, self.months)

    @property
    def is_open(self) -> bool:
        return self.status in (OfferStatus.PROPOSED, OfferStatus.APPROVED)

    def timeline_data(self) -> dict:
        """What the timeline keeps about this offer at each step (values, not labels)."""
        return {
            "offer": str(self.code),
            "offer_status": self.status,
            "discount_percent": self.discount_percent,
            "months": self.months,
            # With the discount and months: the revenue an accepted offer keeps (the targets'
            # actuals sum it from the timeline).
            "monthly_price": self.monthly_price,
            "reason": self.reason,
            "discount_until": self.discount_until.isoformat() if self.discount_until else "",
        }


class BulkSend(models.Model):
    """One template sent to a filtered list of customers (their primary contacts), spaced out
    by the rate limit; its messages carry the progress and the sent/failed report."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    template = models.ForeignKey(
        MessageTemplate, verbose_name=_("template"), on_delete=models.PROTECT, related_name="+"
    )
    query = models.CharField(_("filters"), max_length=1000, blank=True)
    promo = models.CharField(_("promo"), max_length=300, blank=True)
    total = models.PositiveIntegerField(_("messages"), default=0)
    skipped = models.JSONField(default=dict, blank=True)  # reason → number of customers
    # The confirmation form's key: a second post of the same confirmation queues nothing.
    confirmation = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The job that sent the first message; the others go with the every-minute schedule.
    job = models.ForeignKey(Job, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("bulk send")
        verbose_name_plural = _("bulk sends")

    def __str__(self):
        return f"{self.template} x {self.total}"

    def progress(self) -> dict:
        """Messages per status and whether every one has an outcome (one query)."""
        counts = dict(self.messages.values_list("status").annotate(models.Count("id")).order_by())
        done = counts.get(Message.Status.SENT, 0) + counts.get(Message.Status.DELIVERED, 0)
        done += counts.get(Message.Status.READ, 0)
        failed = counts.get(Message.Status.FAILED, 0)
        return {
            "sent": done,
            "failed": failed,
            "waiting": self.total - done - failed,
            "finished": done + failed >= self.total,
            "percent": round(100 * (done + failed) / self.total) if self.total else 100,
        }
