"""Partners: the companies the platform works with, their contacts and agreements, the
programmes they offer merchants (with eligibility by tier and category and a referral funnel per
merchant), and meetings that belong to no single customer, with their action items."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from setia.customers.models import Customer
from setia.lib.merging import MergePolicy
from setia.lib.text import LONG_TEXT, MEDIUM_TEXT, at_most
from setia.partners.ratecards import band_label, eta_label
from setia.partners.stages import NEXT_STAGE, Stage


class Partner(models.Model):
    """A company the platform works with: a courier, a payment gateway, a bank, a creative or
    marketing partner, an agency."""

    class Kind(models.TextChoices):
        LOGISTICS = "logistics", _("Logistics")
        PAYMENT = "payment", _("Payment")
        BANK = "bank", _("Bank")
        MARKETING = "marketing", _("Marketing")
        AGENCY = "agency", _("Agency")

    class Status(models.TextChoices):
        PROSPECT = "prospect", pgettext_lazy("partner status", "Prospect")
        ACTIVE = "active", pgettext_lazy("partner status", "Active")
        PAUSED = "paused", pgettext_lazy("partner status", "Paused")
        ENDED = "ended", pgettext_lazy("partner status", "Ended")

    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    website = models.URLField(_("website"), blank=True)
    notes = models.TextField(_("notes"), blank=True, validators=at_most(LONG_TEXT))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        indexes = [models.Index(fields=["kind", "name"], name="partner_kind_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("partners:partner-detail", args=[self.pk])


class PartnerContact(models.Model):
    """A person at a partner; the phone is stored in E.164."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=120)
    position = models.CharField(_("position"), max_length=120, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("partner contact")
        verbose_name_plural = _("partner contacts")

    def __str__(self):
        return self.name


class Agreement(models.Model):
    """A signed agreement with a partner and the dates it runs; no end date: until ended."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="agreements")
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True, validators=at_most(MEDIUM_TEXT))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="agreement_ends_after_start",
            )
        ]

    def __str__(self):
        return self.title

    def is_current(self, day: datetime.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


class ProgrammeQuerySet(models.QuerySet):
    def eligible_for(self, customer):
        """Programmes whose tier and category rules `customer` meets (whatever their dates)."""
        tier = Q(min_tier__isnull=True)
        if customer.tier_rank is not None:
            tier |= Q(min_tier__position__gte=customer.tier_rank)
        any_category = ~models.Exists(
            Programme.categories.through.objects.filter(programme_id=models.OuterRef("pk"))
        )
        own_category = models.Exists(
            Programme.categories.through.objects.filter(
                programme_id=models.OuterRef("pk"), category_id=customer.category_id
            )
        )
        return self.filter(tier, any_category | own_category)


class Programme(models.Model):
    """An offer of a partner to merchants, e.g. a courier discount for Gold and up.

    Eligibility: a tier at least as high as `min_tier` (tiers have a rank, 1 the highest; no
    minimum takes merchants without a tier too) and, when categories are chosen, one of them.
    """

    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="programmes"
    )
    name = models.CharField(_("name"), max_length=200)
    offer = models.TextField(
        _("offer"), validators=at_most(MEDIUM_TEXT), help_text=_("What merchants get.")
    )
    min_tier = models.ForeignKey(
        "tiers.Tier",
        verbose_name=_("lowest tier"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Merchants in this tier or a higher one. Empty: every merchant."),
    )
    categories = models.ManyToManyField(
        "customers.Category",
        verbose_name=_("categories"),
        blank=True,
        related_name="+",
        help_text=_("Empty: every category."),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "name", "id"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="programme_ends_after_start",
            )
        ]

    def __str__(self):
        return f"{self.partner}: {self.name}"

    def get_absolute_url(self):
        return reverse("partners:programme-detail", args=[self.pk])

    def is_open(self, day: datetime.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    def eligible_customers(self):
        """The live customers this programme may be offered to (one query when evaluated)."""
        customers = Customer.objects.alive()
        if self.min_tier_id is not None:
            # The rank of the customer's tier is kept on its row by the tier run.
            customers = customers.filter(tier_rank__lte=self.min_tier.position)
        category_ids = Programme.categories.through.objects.filter(programme_id=self.pk).values(
            "category_id"
        )
        if self.pk is not None and category_ids.exists():
            customers = customers.filter(category_id__in=category_ids)
        return customers

    def is_eligible(self, customer) -> bool:
        """Whether `customer` meets the tier and category rules."""
        return Programme.objects.filter(pk=self.pk).eligible_for(customer).exists()


class Referral(models.Model):
    """One merchant in one programme's funnel, with the time it reached each stage."""

    # The survivor of a merge takes the loser's programmes; where both were in the same one, the
    # survivor keeps its own (the unique constraint).
    merge_policy = MergePolicy.MOVE

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="referrals")
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="partner_referrals",
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    offered_at = models.DateTimeField(_("offered"))
    interested_at = models.DateTimeField(_("interested"), null=True, blank=True)
    referred_at = models.DateTimeField(_("referred"), null=True, blank=True)
    activated_at = models.DateTimeField(_("active since"), null=True, blank=True)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-offered_at", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "customer"], name="one_referral_per_programme"
            )
        ]
        indexes = [models.Index(fields=["programme", "stage"], name="referral_stage_idx")]

    def __str__(self):
        return f"{self.programme_id}/{self.customer_id}: {self.stage}"

    @property
    def next_stage(self) -> str | None:
        return NEXT_STAGE.get(Stage(self.stage))

    def next_stage_label(self) -> str:
        following = self.next_stage
        return str(Stage(following).label) if following else ""


class Meeting(models.Model):
    """A meeting that belongs to no single customer: with a partner, or internal (no
    partner). Its action items become tasks."""

    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        help_text=_("Empty for an internal meeting."),
    )
    title = models.CharField(_("title"), max_length=200)
    held_at = models.DateTimeField(_("held at"))
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("our attendees"), blank=True, related_name="+"
    )
    guests = models.TextField(
        _("other attendees"),
        blank=True,
        validators=at_most(MEDIUM_TEXT),
        help_text=_("One per line, e.g. the partner's people."),
    )
    minutes = models.TextField(_("minutes"), blank=True, validators=at_most(LONG_TEXT))
    decisions = models.TextField(
        _("decisions"), blank=True, validators=at_most(MEDIUM_TEXT), help_text=_("One per line.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-held_at", "-id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [models.Index(fields=["-held_at", "-id"], name="meeting_held_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("partners:meeting-detail", args=[self.pk])

    @staticmethod
    def lines(text: str) -> list[str]:
        return [line.strip() for line in text.splitlines() if line.strip()]

    @property
    def guest_list(self) -> list[str]:
        return self.lines(self.guests)

    @property
    def decision_list(self) -> list[str]:
        return self.lines(self.decisions)


class ActionItem(models.Model):
    """Something agreed in a meeting, for an owner by a date; saved with its task."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_items")
    text = models.CharField(_("action"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    due_on = models.DateField(_("due"))
    task = models.OneToOneField(
        "work.Task", on_delete=models.SET_NULL, null=True, blank=True, related_name="action_item"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")

    def __str__(self):
        return self.text


class RateCardVersionQuerySet(models.QuerySet):
    def standing(self):
        """The versions not withdrawn; the newest of a partner's is its current rate card."""
        return self.filter(withdrawn_at__isnull=True)


class RateCardVersion(models.Model):
    """One imported price sheet of a courier: a version of its rate card. The newest version
    not withdrawn is the current one; withdrawing it makes the one before current again."""

    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="rate_cards"
    )
    number = models.PositiveIntegerField(_("version"))
    file_name = models.CharField(_("file"), max_length=200)
    # SHA-256 of the rows as read (sorted), so that the same sheet saved again, in another
    # order or format, is recognised.
    content_hash = models.CharField(max_length=64)
    row_count = models.PositiveIntegerField(_("rows"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("imported"))
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = RateCardVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        verbose_name = _("rate card version")
        verbose_name_plural = _("rate card versions")
        constraints = [
            models.UniqueConstraint(fields=["partner", "number"], name="rate_card_one_number")
        ]

    def __str__(self):
        return f"{self.partner} v{self.number}"

    def get_absolute_url(self):
        return reverse("partners:rate-card-version", args=[self.partner_id, self.number])


class RateCardRow(models.Model):
    """One lane of a rate card: from an origin to a destination with a service, for a weight
    band (grams; no upper bound: that weight and above), its price and delivery time."""

    version = models.ForeignKey(RateCardVersion, on_delete=models.CASCADE, related_name="rows")
    origin = models.CharField(_("origin"), max_length=100)
    destination = models.CharField(_("destination"), max_length=100)
    service = models.CharField(_("service"), max_length=40)
    weight_min_g = models.PositiveIntegerField(_("from (grams)"))
    weight_max_g = models.PositiveIntegerField(_("up to (grams)"), null=True, blank=True)
    price = models.PositiveBigIntegerField(_("price"))
    eta_min_days = models.PositiveSmallIntegerField(_("ETA from (days)"))
    eta_max_days = models.PositiveSmallIntegerField(_("ETA up to (days)"))
    row_number = models.PositiveIntegerField(_("row"))

    class Meta:
        ordering = ["origin", "destination", "service", "weight_min_g"]
        verbose_name = _("rate card row")
        verbose_name_plural = _("rate card rows")
        constraints = [
            # A lane is its origin, destination, service and the band's lower bound; the
            # comparison of two versions looks rows up by it.
            models.UniqueConstraint(
                fields=["version", "origin", "destination", "service", "weight_min_g"],
                name="rate_card_one_row_per_lane",
            ),
            models.CheckConstraint(
                condition=Q(weight_max_g__isnull=True)
                | Q(weight_max_g__gte=models.F("weight_min_g")),
                name="rate_card_band_ordered",
            ),
            models.CheckConstraint(
                condition=Q(eta_max_days__gte=models.F("eta_min_days")),
                name="rate_card_eta_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.origin} → {self.destination} {self.service}"

    @property
    def band(self) -> str:
        return band_label(self.weight_min_g, self.weight_max_g)

    @property
    def eta(self) -> str:
        return eta_label(self.eta_min_days, self.eta_max_days)
