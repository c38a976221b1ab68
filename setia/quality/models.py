import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from setia.customers.models import Contact, Customer, Store
from setia.lib.merging import MergePolicy


class DuplicateCandidateQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=DuplicateCandidate.Status.OPEN)

    def visible_to(self, user, *, alive: bool = True):
        """Candidates whose two customers `user` may both see; with `alive`, neither deleted
        (a merged pair has a deleted loser: pass alive=False to list those)."""
        customers = Customer.objects.visible_to(user)
        if alive:
            customers = customers.alive()
        ids = customers.values("pk")
        return self.filter(customer_a__in=ids, customer_b__in=ids)

    def with_identity(self):
        """Each customer's phone (its primary contact's first) and store domain (its first
        store's) as `a_phone`, `a_domain`, `b_phone`, `b_domain`: beside the city, what tells
        two shops of one name apart, in the same query as the pairs."""
        annotations = {}
        for side in ("a", "b"):
            contacts = Contact.objects.filter(customer=OuterRef(f"customer_{side}")).exclude(
                phone=""
            )
            stores = Store.objects.filter(customer=OuterRef(f"customer_{side}"))
            annotations[f"{side}_phone"] = Subquery(
                contacts.order_by("-is_primary", "id").values("phone")[:1]
            )
            annotations[f"{side}_domain"] = Subquery(stores.order_by("id").values("domain")[:1])
        return self.annotate(**annotations)


class DuplicateCandidate(models.Model):
    """Two customers that may be one business, found by `flag_duplicates`; people decide.

    A pair is stored once, lower id first (`customer_a`), whatever found it and however often:
    a dismissed pair is never raised again.
    """

    merge_policy = MergePolicy.STAY

    class Reason(models.TextChoices):
        PHONE = "phone", _("Same phone or WhatsApp number")
        EMAIL = "email", _("Same email")
        DOMAIN = "domain", _("Store domain matches an email domain")
        NAME = "name", _("Similar name")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("duplicate status", "Open")
        MERGED = "merged", pgettext_lazy("duplicate status", "Merged")
        DISMISSED = "dismissed", pgettext_lazy("duplicate status", "Dismissed")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    customer_a = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="duplicate_candidates_as_a"
    )
    customer_b = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="duplicate_candidates_as_b"
    )
    # 0-100: how alike the names are, with what phones, e-mails, domains and cities say
    # (`duplicates.score`).
    score = models.PositiveSmallIntegerField(_("score"))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    source = models.CharField(_("source"), max_length=60, default="scan")
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DuplicateCandidateQuerySet.as_manager()

    class Meta:
        ordering = ["-score", "id"]
        verbose_name = _("duplicate candidate")
        verbose_name_plural = _("duplicate candidates")
        permissions = [("undo_merge", _("Can undo a merge of customers"))]
        constraints = [
            models.UniqueConstraint(
                fields=["customer_a", "customer_b"], name="one_candidate_per_pair"
            ),
            models.CheckConstraint(
                condition=Q(customer_a__lt=models.F("customer_b")), name="candidate_pair_ordered"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-score", "id"], name="candidate_status_idx"),
            models.Index(fields=["customer_b"], name="candidate_customer_b_idx"),
        ]

    def __str__(self):
        return f"{self.customer_a} ~ {self.customer_b}"


class Merge(models.Model):
    """One merge of `loser` into `survivor`, with what is needed to undo it.

    `survivor_before` holds the survivor's chosen fields as they were (model attnames → JSON
    values); `moved` says which rows of which models moved from the loser, so that undo moves
    exactly those back and leaves anything added to the survivor since.
    """

    merge_policy = MergePolicy.STAY

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    candidate = models.ForeignKey(
        DuplicateCandidate, on_delete=models.SET_NULL, null=True, blank=True, related_name="merges"
    )
    survivor = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="merges_survived"
    )
    loser = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="merges_lost"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    survivor_before = models.JSONField(default=dict)
    # What moved from the loser, {model label: {field name: [primary key, ...]}}, for every
    # model that points at a customer (see setia.lib.merging).
    moved = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    demoted_contacts = models.JSONField(default=list)  # loser's primary, demoted on the way in
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("merge")
        verbose_name_plural = _("merges")

    def __str__(self):
        return f"{self.loser} → {self.survivor}"

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None


class QualitySnapshotQuerySet(models.QuerySet):
    def for_user(self, user):
        """The snapshots of the user's scope: everyone's for those who see every team, their
        team's otherwise (figures only, no records), none without a team."""
        if user.has_perm("customers.view_all_customers"):
            return self.filter(team__isnull=True)
        if user.team_id:
            return self.filter(team_id=user.team_id)
        return self.none()


class QualitySnapshot(models.Model):
    """The day's data-quality figures, for the trend: one row for everyone (team empty) and
    one per team. Written by `record_snapshot`; running it again the same day replaces the rows.
    """

    day = models.DateField(_("day"))
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    customers = models.PositiveIntegerField(_("customers"))
    average_completeness = models.FloatField(_("average completeness"))  # 0-100
    complete = models.PositiveIntegerField(_("complete"))
    stale = models.PositiveIntegerField(_("stale"))
    open_duplicates = models.PositiveIntegerField(_("open duplicate candidates"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QualitySnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["-day", "id"]
        verbose_name = _("data-quality snapshot")
        verbose_name_plural = _("data-quality snapshots")
        constraints = [
            models.UniqueConstraint(fields=["day", "team"], name="one_snapshot_per_team_day"),
            models.UniqueConstraint(
                fields=["day"], condition=Q(team__isnull=True), name="one_overall_snapshot_per_day"
            ),
        ]

    def __str__(self):
        return f"{self.day} {self.team or '*'}"

    @property
    def percent_complete(self) -> float:
        return 100 * self.complete / self.customers if self.customers else 0.0


class CustomerCompleteness(models.Model):
    """A live customer's completeness at the last snapshot: the data-quality page lists the
    worst records from these rows (indexed in its order) instead of checking every customer's
    contacts, stores and subscription on each view. Rewritten by `record_snapshot`."""

    # Figures of the records: the next snapshot, which covers every live customer, rebuilds them.
    merge_policy = MergePolicy.RECOMPUTE

    customer = models.OneToOneField(
        "customers.Customer",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="completeness",
    )
    filled = models.PositiveSmallIntegerField()  # how many of the active checks are met
    missing = models.CharField(max_length=200, blank=True)  # their keys, comma-separated
    record_updated_at = models.DateTimeField()  # the customer's `updated_at` then
    computed_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(
                fields=["filled", "record_updated_at", "customer"], name="completeness_worst_idx"
            )
        ]

    def __str__(self):
        return f"{self.customer_id}: {self.filled}"

    @property
    def missing_keys(self) -> list[str]:
        return [key for key in self.missing.split(",") if key]
