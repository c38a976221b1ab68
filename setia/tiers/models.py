from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from setia.lib.merging import MergePolicy
from setia.lib.names import BilingualName, aliases_field, indonesian_name_field

# A customer falls a tier only after its 90-day GMV has been more than this share below the
# current tier's threshold in this many consecutive runs: one bad week does not demote anyone,
# and a customer hovering at the threshold does not bounce between tiers every night.
DOWNGRADE_MARGIN_PERCENT = 10
DOWNGRADE_AFTER_RUNS = 2


class Tier(BilingualName, models.Model):
    """An ordered value class; position 1 is the highest (Platinum). Named in both languages
    (`setia.lib.names`): pages show `display_name`."""

    name = models.CharField(_("name (English)"), max_length=50, unique=True)
    name_id = indonesian_name_field(50)
    aliases = aliases_field()
    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    colour = models.CharField(
        _("colour"),
        max_length=7,
        default="#64748b",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour such as #b8860b."))],
    )
    position = models.PositiveSmallIntegerField(_("rank"), unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position"]
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")

    def __str__(self):
        return self.name


class TierRule(models.Model):
    """The lowest 90-day GMV for a tier, for every category (no category) or for one category.

    A category's own rule replaces the general rule of the same tier for that category.
    """

    tier = models.ForeignKey(
        Tier, verbose_name=_("tier"), on_delete=models.CASCADE, related_name="rules"
    )
    category = models.ForeignKey(
        "customers.Category",
        verbose_name=_("category"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tier_rules",
        help_text=_("Leave empty for the rule that applies to every category."),
    )
    min_gmv_90d = models.BigIntegerField(_("minimum 90-day GMV (Rp)"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["tier__position", "category__name", "id"]
        verbose_name = _("tier rule")
        verbose_name_plural = _("tier rules")
        constraints = [
            models.UniqueConstraint(
                fields=["tier"],
                condition=Q(category__isnull=True),
                name="one_general_rule_per_tier",
            ),
            models.UniqueConstraint(fields=["tier", "category"], name="one_rule_per_tier_category"),
            models.CheckConstraint(condition=Q(min_gmv_90d__gte=0), name="rule_min_not_negative"),
        ]

    def __str__(self):
        return f"{self.tier} ≥ {self.min_gmv_90d}"


class CustomerTier(models.Model):
    """A customer's current tier and the figures of the last run that looked at it."""

    # One per customer: the survivor keeps its own; the loser's moves only if it has none.
    merge_policy = MergePolicy.MOVE

    customer = models.OneToOneField(
        "customers.Customer",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="tier_assignment",
    )
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="assignments")
    since = models.DateField(_("in this tier since"))
    gmv_90d = models.BigIntegerField(_("90-day GMV (Rp)"), default=0)
    # The threshold and rule that put (or keep) the customer in its tier.
    threshold = models.BigIntegerField(_("threshold (Rp)"), default=0)
    # No index: nothing looks assignments up by rule, and every nightly run rewrites the column.
    rule = models.ForeignKey(
        TierRule,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    # Consecutive runs with the 90-day GMV more than DOWNGRADE_MARGIN_PERCENT below `threshold`,
    # and the count before the last run: a second run on the same day replaces that day's run
    # instead of counting twice (the nightly job may be retried).
    runs_below = models.PositiveSmallIntegerField(default=0)
    runs_below_before = models.PositiveSmallIntegerField(default=0)
    computed_on = models.DateField(_("computed on"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["tier__position"]
        verbose_name = _("customer tier")
        verbose_name_plural = _("customer tiers")
        indexes = [models.Index(fields=["-gmv_90d"], name="customertier_gmv_idx")]

    def __str__(self):
        return f"{self.customer_id}: {self.tier}"

    @property
    def downgrade_floor(self) -> int:
        """Below this 90-day GMV a run counts towards a downgrade."""
        return self.threshold * (100 - DOWNGRADE_MARGIN_PERCENT) // 100


class TierChange(models.Model):
    """One move between tiers, with the figures that caused it (the customer's tier history)."""

    merge_policy = MergePolicy.MOVE

    class Reason(models.TextChoices):
        FIRST = "first", _("First assignment")
        REACHED = "reached", _("Reached the threshold")
        FELL_BELOW = "fell_below", _("Below the threshold for two runs")
        RULE_REMOVED = "rule_removed", _("The tier's rule was removed")

    class Direction(models.TextChoices):
        NEW = "new", _("New")
        UP = "up", _("Up")
        DOWN = "down", _("Down")

    # History rows are written in bulk every night: only the indexes the pages use (customer and
    # day, in Meta.indexes); the tier, rule and category columns are never searched on.
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        related_name="tier_changes",
        db_index=False,
    )
    old_tier = models.ForeignKey(
        Tier, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    new_tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="+", db_index=False)
    direction = models.CharField(max_length=10, choices=Direction.choices)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    gmv_90d = models.BigIntegerField(_("90-day GMV (Rp)"))
    # The threshold that decided: the new tier's when reaching it, the old tier's when falling.
    threshold = models.BigIntegerField(_("threshold (Rp)"))
    rule = models.ForeignKey(
        TierRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    rule_category = models.ForeignKey(
        "customers.Category",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    changed_on = models.DateField(_("date"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_on", "-id"]
        verbose_name = _("tier change")
        verbose_name_plural = _("tier changes")
        indexes = [
            models.Index(fields=["changed_on", "direction"], name="tierchange_day_idx"),
            models.Index(fields=["customer", "-changed_on"], name="tierchange_customer_idx"),
        ]

    def __str__(self):
        return f"{self.customer_id}: {self.old_tier_id} → {self.new_tier_id}"


class TierSnapshot(models.Model):
    """How many customers each tier held after the run of a day (the report's chart)."""

    day = models.DateField()
    tier = models.ForeignKey(Tier, on_delete=models.CASCADE, related_name="snapshots")
    customers = models.PositiveIntegerField()

    class Meta:
        ordering = ["day", "tier__position"]
        constraints = [models.UniqueConstraint(fields=["day", "tier"], name="one_snapshot_per_day")]

    def __str__(self):
        return f"{self.day} {self.tier_id}: {self.customers}"


class TierEvaluation(models.Model):
    """Work table of `assign_tiers`: one row per customer of the current run, then emptied.

    Keeping each customer's figures and decision in a table lets the run write history,
    assignments and snapshots with a fixed number of set-based statements (no Python loop over
    customers). Plain integer columns, no foreign keys: nothing outside the run reads it.
    """

    customer_id = models.BigIntegerField(primary_key=True)
    gmv_90d = models.BigIntegerField()
    # What to do: first | up | down | rule_removed | below (one more run under) | stay | none
    action = models.CharField(max_length=12)
    target_tier = models.BigIntegerField(null=True)
    target_threshold = models.BigIntegerField(null=True)
    target_rule = models.BigIntegerField(null=True)
    current_tier = models.BigIntegerField(null=True)
    current_threshold = models.BigIntegerField(null=True)
    current_rule = models.BigIntegerField(null=True)
    # Runs below before this one (on a re-run the same day, the count before that day's run).
    runs_before = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["customer_id"]

    def __str__(self):
        return f"{self.customer_id}: {self.action}"
