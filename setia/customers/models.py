import unicodedata
import uuid
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from setia.lib.dates import add_months, today
from setia.lib.merging import MergePolicy
from setia.lib.money import net_price
from setia.lib.names import BilingualName, aliases_field, indonesian_name_field
from setia.lib.phones import search_prefix
from setia.lib.regions import PROVINCE_CHOICES
from setia.lib.text import LONG_TEXT, at_most

SEARCH_MAX_LENGTH = 100
# Shorter searches match too many names to be worth a page (a trigram index cannot help below
# three characters either): they are refused with a message instead of listing everyone.
SEARCH_MIN_LENGTH = 3


def validate_search(text: str) -> None:
    """Refuse (ValidationError) a customers-list search that cannot be run as typed: shorter
    than SEARCH_MIN_LENGTH characters (an empty one is no search), longer than
    SEARCH_MAX_LENGTH, or holding a control character (a NUL, an escape...; tabs and line
    breaks are spaces to the search). Cutting or ignoring it would widen the list, and its
    exports and bulk sends, to customers the user did not ask for."""
    text = text.strip()
    if len(text) > SEARCH_MAX_LENGTH:
        raise ValidationError(
            _("A search is at most %(limit)d characters; this one has %(length)d."),
            code="max_length",
            params={"limit": SEARCH_MAX_LENGTH, "length": len(text)},
        )
    if any(unicodedata.category(c) == "Cc" and not c.isspace() for c in text):
        raise ValidationError(
            _("A search cannot contain control characters."), code="control_characters"
        )
    if text and len(text) < SEARCH_MIN_LENGTH:
        raise ValidationError(
            _("Type at least %(limit)d characters to search."),
            code="min_length",
            params={"limit": SEARCH_MIN_LENGTH},
        )


class Category(BilingualName, models.Model):
    """A business category from the managed list (fashion, F&B, beauty, …), named in both
    languages (`setia.lib.names`); `display_name` is the name shown to the reader."""

    name = models.CharField(_("name (English)"), max_length=80, unique=True)
    name_id = indonesian_name_field(80)
    aliases = aliases_field()
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(pgettext_lazy("list order", "position"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        # The English name, the same in every language: history snapshots record it and undo
        # compares them. Pages show `display_name`.
        return self.name


def health_sort_key(unscored: int) -> models.Expression:
    """One number ordering customers by health score, then id: the score (`unscored` for a
    customer not scored yet) times 2**40, plus the id. A cursor resumes after a value of its
    first key, so a key that is unique lets it page through the thousands of customers of one
    score (an index each way: `customer_health_key_*_idx`)."""
    return models.ExpressionWrapper(
        Coalesce("health_score", unscored) * 2**40 + F("id"), output_field=models.BigIntegerField()
    )


# The health sorts' keys, customers not scored yet last either way: lowest score first, and
# highest first.
HEALTH_SORT_KEYS = {"health": health_sort_key(101), "-health": health_sort_key(-1)}


class CustomerQuerySet(models.QuerySet):
    # The customers list's filters, by name in its query string, and its sort orders. A saved
    # segment is that query string, so it is read with the same names.
    LIST_FILTERS = ("q", "category", "city", "owner", "team", "status", "tier", "health")
    LIST_SORTS = {
        "name": ("name", "id"),
        "-name": ("-name", "-id"),
        "city": ("city", "name", "id"),
        "-updated": ("-updated_at", "-id"),
        "-created": ("-created_at", "-id"),
        "status": ("status", "name", "id"),
        # Customers without a tier come last; ranks count from the highest tier (1). Both keys
        # are columns of the row (customer_tier_rank_idx, customer_gmv_idx), not joins.
        "tier": (F("tier_rank").asc(nulls_last=True), "name", "id"),
        "-gmv": (F("gmv_90d").desc(nulls_last=True), "name", "id"),
        # The health score, kept on the row by the health computation (customer_health_idx);
        # customers not scored yet come last either way.
        "health": (F("health_score").asc(nulls_last=True), "name", "id"),
        "-health": (F("health_score").desc(nulls_last=True), "name", "id"),
    }
    # The health filter's values: the grade letters the health computation writes.
    HEALTH_GRADES = ("g", "a", "p")
    SEARCH_MAX_LENGTH = SEARCH_MAX_LENGTH

    def alive(self):
        """Customers that are not soft-deleted."""
        return self.filter(deleted_at__isnull=True)

    def deleted(self):
        """Soft-deleted customers, which a manager can restore."""
        return self.filter(deleted_at__isnull=False)

    def visible_to(self, user):
        """The customers `user` may read: every one for admins and managers (the
        `view_all_customers` permission), otherwise those they own or their team holds.

        Soft-deleted customers are included only for users who may restore them; combine with
        `alive()` or `deleted()`.
        """
        if not user.is_authenticated or not user.has_perm("customers.view_customer"):
            return self.none()
        if user.has_perm("customers.view_all_customers"):
            return self
        scope = Q(owner=user)
        if user.team_id:
            scope |= Q(team_id=user.team_id)
        return self.filter(scope)

    def editable_by(self, user):
        """The customers `user` may change: visible ones, for holders of `change_customer`."""
        if not user.has_perm("customers.change_customer"):
            return self.none()
        return self.visible_to(user)

    def search(self, text: str):
        """Match name, contact name, contact phone (any format), contact e-mail or store domain.

        One indexed lookup per kind of match (the trigram indexes for names and domains, the
        B-trees for e-mails and phone prefixes), their customer ids combined by a UNION: an OR
        of EXISTS subqueries is planned as a scan of every customer. A customer with two
        matching contacts is returned once, so the page keeps its row count.

        A term shaped like one kind of value is looked up as that kind alone: an e-mail
        address (an @, no space) among the e-mails, a phone number (`search_prefix`: digits,
        spaces and + - ( ) . only, starting as an Indonesian number does) among the phones. The
        substring lookups it skips are the costly ones (a long term's trigrams are read from
        every name: 20-40 ms each at 100k customers) and could not match a name or a domain.
        """
        text = " ".join(text.split())
        if not text:
            return self
        # E-mails and domains are stored lower-cased: exact and case-sensitive lookups use the
        # B-tree and trigram indexes where iexact/icontains would wrap them in UPPER().
        email = Contact.objects.filter(email=text.lower()).values("customer_id")
        if "@" in text and " " not in text:
            return self.filter(pk__in=email)
        lookups: list[models.QuerySet]
        if prefix := search_prefix(text):
            lookups = [
                Contact.objects.filter(phone__startswith=prefix).values("customer_id"),
                Contact.objects.filter(whatsapp__startswith=prefix).values("customer_id"),
            ]
        else:
            lookups = [
                Customer.objects.filter(name__icontains=text).values("pk"),
                Contact.objects.filter(name__icontains=text).values("customer_id"),
                email,
                Store.objects.filter(domain__contains=text.lower()).values("customer_id"),
            ]
        first, *others = (lookup.order_by() for lookup in lookups)
        return self.filter(pk__in=first.union(*others))

    def matching(self, values: Mapping[str, str]):
        """Narrow by the customers list's filters given as plain values (a query string read as
        a mapping): `q` searches, `category` and `tier` are slugs, `owner` and `team` ids,
        `city` and `status` as stored. Empty and unknown names are skipped; `sort`, `page` and
        `segment` are not filters.

        Values are applied as they are, without looking each category, tier, owner or team up:
        one that names nothing (a deleted owner, a misspelt slug, an id that is not a number,
        a search `validate_search` refuses) matches no one, so a stale filter never widens to
        every customer. An unknown status is the exception: it is ignored, as the list ignores
        it.
        """
        values = {name: (values.get(name) or "").strip() for name in self.LIST_FILTERS}
        queryset = self
        if values["q"]:
            try:
                validate_search(values["q"])
            except ValidationError:
                return queryset.none()
            queryset = queryset.search(values["q"])
        # A category is named by slug and filtered by id (a subquery PostgreSQL runs once): a
        # join on the slug walks the customers by name and discards the other categories'.
        if values["category"]:
            category = Category.objects.filter(slug=values["category"]).values("pk")[:1]
            queryset = queryset.filter(category_id=Subquery(category))
        if values["city"]:
            queryset = queryset.filter(city=" ".join(values["city"].split()).title())
        for name in ("owner", "team"):
            if values[name]:
                # isascii: "²" and other digits int() does not read pass isdigit alone
                if not (values[name].isascii() and values[name].isdigit()):
                    return queryset.none()
                queryset = queryset.filter(**{f"{name}_id": int(values[name])})
        if values["health"] in self.HEALTH_GRADES:
            queryset = queryset.filter(health_grade=values["health"])
        if values["status"] in Customer.Status.values:
            queryset = queryset.filter(status=values["status"])
        # A tier is named by slug and filtered by its rank on the customer row. This app does not
        # know the tiers' table: the slug's rank is read through the customers' own relation to
        # their tier, as a one-row subquery PostgreSQL runs once (an InitPlan); a tier that no
        # one holds has no rank and matches no one, as it should.
        if values["tier"]:
            rank = (
                Customer.objects.filter(tier_assignment__tier__slug=values["tier"])
                .order_by()
                .values("tier_assignment__tier__position")[:1]
            )
            queryset = queryset.filter(tier_rank=Subquery(rank))
        return queryset

    def in_segment(self, query: str):
        """Narrow by a saved segment: its query string, read by `matching` (its sort ignored)."""
        return self.matching(QueryDict(query))

    def sorted_as_listed(self, sort: str = ""):
        """Order as the customers list sorts by `sort` (a key of LIST_SORTS); by name otherwise."""
        return self.order_by(*self.LIST_SORTS.get(sort or "name", self.LIST_SORTS["name"]))

    def listed(self, params: Mapping[str, str], *, segment_query: str | None = None):
        """The customers list for its query string `params`: the segment, the filters on top,
        the sort. Pages, exports and bulk sends call this, so they hold the same rows in the
        same order.

        `params["segment"]` names a segment by code; the caller looks it up among the segments
        the user may use and passes its saved query as `segment_query`. A segment named without
        one (unknown, or another user's private segment) matches no one.

        A search `validate_search` refuses raises its ValidationError: the caller says why
        instead of showing a list that is not the one asked for.
        """
        validate_search(params.get("q") or "")
        queryset = self
        if (params.get("segment") or "").strip():
            if segment_query is None:
                return self.none()
            queryset = queryset.in_segment(segment_query)
        return queryset.matching(params).sorted_as_listed(params.get("sort") or "")


class Customer(models.Model):
    """A merchant business subscribed to the platform: one record per business."""

    class Status(models.TextChoices):
        ONBOARDING = "onboarding", _("Onboarding")
        ACTIVE = "active", _("Active")
        AT_RISK = "at_risk", _("At risk")
        PAUSED = "paused", _("Paused")
        CHURNED = "churned", _("Churned")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="customers",
        # customer_category_idx leads with this column: a second index would only slow writes.
        db_index=False,
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    province = models.CharField(_("province"), max_length=60, choices=PROVINCE_CHOICES, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_customers",
        db_index=False,  # customer_owner_idx leads with it
    )
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="customers",
        db_index=False,  # customer_team_idx leads with it
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ONBOARDING
    )
    notes = models.TextField(_("notes"), blank=True, validators=at_most(LONG_TEXT))
    # Columns of an imported file that match no field, kept as {header: value} (setia.imports).
    extra = models.JSONField(_("extra attributes"), null=True, blank=True)
    # Optimistic lock: an edit made from an older version is refused instead of silently
    # overwriting a colleague's change.
    version = models.PositiveIntegerField(default=1)
    # The customers list's sort keys for tier and GMV, kept on the row so that those sorts walk
    # an index instead of sorting every customer joined to its tier: the rank of the customer's
    # tier (1 is the highest) and the 90-day GMV that run read, both empty without a tier.
    # Written set-based by the tier run (`setia.tiers.actions.refresh_sort_keys`), never by an
    # edit: neither `version` nor `updated_at` moves.
    tier_rank = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    gmv_90d = models.BigIntegerField(null=True, blank=True, editable=False)
    # The health score (0-100) and its grade letter (g, a, p; empty when not scored), for the
    # list's health sort and filter: written set-based by `setia.health.actions`, never by an
    # edit.
    health_score = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    # db_default: the set-based writers that insert customers with SQL (imports, the demo) name
    # only the columns they know.
    health_grade = models.CharField(
        max_length=1, blank=True, default="", db_default="", editable=False
    )
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        permissions = [
            ("view_all_customers", _("Can see every team's customers")),
            ("restore_customer", _("Can restore deleted customers")),
            ("export_customer", _("Can export customers")),
        ]
        indexes = [
            models.Index(fields=["name", "id"], name="customer_name_idx"),
            models.Index(fields=["city"], name="customer_city_idx"),
            models.Index(fields=["status", "name"], name="customer_status_idx"),
            models.Index(fields=["team", "name"], name="customer_team_idx"),
            models.Index(fields=["owner", "name"], name="customer_owner_idx"),
            models.Index(fields=["category", "name"], name="customer_category_idx"),
            models.Index(fields=["-created_at"], name="customer_created_idx"),
            models.Index(fields=["-updated_at"], name="customer_updated_idx"),
            # The list's default order over live customers, and what its count walks: both read
            # this index alone (no row fetched), where customer_name_idx also reads each row to
            # skip the deleted ones.
            models.Index(
                fields=["name", "id"],
                condition=Q(deleted_at__isnull=True),
                name="customer_alive_name_idx",
            ),
            # The list's sort by tier and its tier filter, over live customers: PostgreSQL puts
            # NULLs last in an ascending index, as the sort asks. The GMV sort's index (GMV
            # descending, NULLs last) is PostgreSQL's only (migration 0011_list_sort_keys_on_the_row).
            models.Index(
                fields=["tier_rank", "name", "id"],
                condition=Q(deleted_at__isnull=True),
                name="customer_tier_rank_idx",
            ),
            # The list's health sort (both directions walk it) and its health filter.
            models.Index(
                fields=["health_score", "name", "id"],
                condition=Q(deleted_at__isnull=True),
                name="customer_health_idx",
            ),
            models.Index(
                fields=["health_grade", "name", "id"],
                condition=Q(deleted_at__isnull=True),
                name="customer_health_grade_idx",
            ),
            # Customers like a given one (same category, a 90-day GMV of the same size): one
            # range of this index.
            models.Index(
                fields=["category", "gmv_90d"],
                condition=Q(deleted_at__isnull=True),
                name="customer_category_gmv_idx",
            ),
            # The API's health sorts, whose cursors follow one unique key (HEALTH_SORT_KEYS).
            models.Index(
                HEALTH_SORT_KEYS["health"],
                condition=Q(deleted_at__isnull=True),
                name="customer_health_key_up_idx",
            ),
            models.Index(
                HEALTH_SORT_KEYS["-health"],
                condition=Q(deleted_at__isnull=True),
                name="customer_health_key_down_idx",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("customers:customer-detail", args=[self.code])

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @classmethod
    def prepare_new(cls, **values) -> "Customer":
        """An unsaved customer from validated `values`, with the rules every creation follows
        (the web form and imports alike): a customer without a team joins its owner's team."""
        customer = cls(**values)
        if customer.team_id is None and customer.owner is not None:
            customer.team_id = customer.owner.team_id
        return customer


class Contact(models.Model):
    """A person at a customer; phones are stored E.164 (`+6281234567890`)."""

    # The merge demotes the loser's primary contact first when the survivor has one.
    merge_policy = MergePolicy.MOVE

    PHONE_FIELDS = ("phone", "whatsapp")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=150)
    position = models.CharField(pgettext_lazy("job title", "position"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, db_index=True)
    whatsapp = models.CharField(_("WhatsApp"), max_length=20, blank=True, db_index=True)
    email = models.EmailField(_("email"), blank=True, db_index=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    # Optimistic lock, as on Customer: an edit made from an older version is refused.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-is_primary", "name", "id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(
                fields=["customer"], condition=Q(is_primary=True), name="one_primary_contact"
            )
        ]

    def __str__(self):
        return self.name

    @classmethod
    def prepare_new(cls, *, customer: Customer, has_primary: bool, **values) -> "Contact":
        """An unsaved contact of `customer` from validated `values`, with the rules every
        creation follows: the first contact (`has_primary` False) becomes the primary one, and
        the number rule of `fill_numbers`."""
        contact = cls(customer=customer, **values)
        if not has_primary:
            contact.is_primary = True
        contact.fill_numbers()
        return contact

    def fill_numbers(self) -> None:
        """A phone number without a WhatsApp number is the WhatsApp number too: most merchants
        use one mobile number for both. (Not the reverse: a number given as WhatsApp only may
        take no calls.)"""
        if self.phone and not self.whatsapp:
            self.whatsapp = self.phone


class Store(models.Model):
    """A customer's online store or sales channel; the normalised domain identifies it."""

    merge_policy = MergePolicy.MOVE

    class Kind(models.TextChoices):
        WEBSITE = "website", _("Website")
        MARKETPLACE = "marketplace", _("Marketplace")
        SOCIAL = "social", _("Social media")

    class PlatformVersion(models.TextChoices):
        V1 = "v1", "v1"
        V2 = "v2", "v2"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="stores")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.WEBSITE)
    url = models.URLField(_("URL"), max_length=300)
    domain = models.CharField(_("domain"), max_length=255, unique=True)
    platform_version = models.CharField(
        _("platform version"), max_length=10, choices=PlatformVersion.choices, blank=True
    )
    launched_on = models.DateField(_("launch date"), null=True, blank=True)
    # Optimistic lock, as on Customer: an edit made from an older version is refused.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["domain"]
        verbose_name = _("store")
        verbose_name_plural = _("stores")

    def __str__(self):
        return self.domain


class Plan(BilingualName, models.Model):
    """A subscription plan from the managed list, named in both languages (`setia.lib.names`).
    Subscriptions point at its `code`, which never changes: admins rename, reorder or retire a
    plan without touching the subscriptions on it."""

    code = models.SlugField(
        _("code"),
        max_length=20,
        unique=True,
        help_text=_("Stored on subscriptions and written in exports; cannot change later."),
    )
    name = models.CharField(_("name (English)"), max_length=50, unique=True)
    name_id = indonesian_name_field(50)
    aliases = aliases_field()
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Only active plans are offered on forms.")
    )
    position = models.PositiveSmallIntegerField(pgettext_lazy("list order", "position"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self):
        # The English name, as for categories: pages show `display_name`.
        return self.name


class Subscription(models.Model):
    """What the customer pays for; money in whole rupiah."""

    # One per customer: the survivor keeps its own; the loser's moves only if it has none.
    merge_policy = MergePolicy.MOVE

    MONEY_FIELDS = ("monthly_price",)

    customer = models.OneToOneField(Customer, on_delete=models.CASCADE, related_name="subscription")
    # The plan's code is the stored value (column "plan"), as it was when plans were a fixed
    # list: history entries and exports keep reading the same values.
    plan = models.ForeignKey(
        Plan,
        verbose_name=_("plan"),
        to_field="code",
        db_column="plan",
        on_delete=models.PROTECT,
        related_name="subscriptions",
    )
    started_on = models.DateField(_("start date"))
    renews_on = models.DateField(_("renewal date"), db_index=True)
    monthly_price = models.BigIntegerField(
        _("monthly price (Rp)"), validators=[MinValueValidator(0)]
    )
    discount_percent = models.PositiveSmallIntegerField(
        _("discount (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    # The churn model's label: a subscription that ended (not renewed) or was cancelled.
    ended_on = models.DateField(
        _("end date"),
        null=True,
        blank=True,
        help_text=_("The day the subscription ended or was cancelled; empty while it runs."),
    )
    # Optimistic lock, as on Customer: an edit made from an older version is refused.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["renews_on"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.CheckConstraint(
                condition=Q(discount_percent__lte=100), name="discount_at_most_100"
            ),
            models.CheckConstraint(condition=Q(monthly_price__gte=0), name="price_not_negative"),
            models.CheckConstraint(
                condition=Q(renews_on__gte=models.F("started_on")), name="renews_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.plan.display_name} ({self.customer})"

    @classmethod
    def prepare_new(cls, *, customer: Customer, **values) -> "Subscription":
        """An unsaved subscription of `customer` from validated `values`, with the defaults every
        creation follows: it starts today, renews a year after its start, and costs 0 until a
        price is set."""
        subscription = cls(customer=customer, **values)
        if subscription.started_on is None:
            subscription.started_on = today()
        if subscription.renews_on is None:
            subscription.renews_on = add_months(subscription.started_on, 12)
        if subscription.monthly_price is None:
            subscription.monthly_price = 0
        return subscription

    @property
    def net_monthly_price(self) -> int:
        """The monthly price after discount, rounded half up to whole rupiah."""
        return net_price(self.monthly_price, self.discount_percent)
