"""Health scores: the factors a manager configures, each customer's current score with the
figures behind it, and a compact daily time series of scores.

A factor is graded good / average / poor from two thresholds; the graded factors are weighted
into a score of 0-100 (good 100, average 50, poor 0 points), with the weights of the customer's
tier (a factor's weight with no tier applies to every tier without its own). Everything is
computed set-based by `setia.health.actions.compute_health`.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from setia.lib.merging import MergePolicy


class Factor(models.TextChoices):
    GMV_TREND = "gmv_trend", _("GMV trend")
    UPTIME = "uptime", _("Website uptime")
    ERRORS = "errors", _("Website errors")
    CONTACT = "contact", _("Days since the last interaction")
    ISSUES = "issues", _("Open complaints and website issues")
    ONBOARDING = "onboarding", _("Onboarding stall")
    RENEWAL = "renewal", _("Days to renewal")
    OFFERS = "offers", _("Retention offers")
    SURVEY = "survey", _("Last NPS/CSAT")


# Factors for which a higher figure is better (good when at least the good threshold, poor when
# below the poor one); for the others a lower figure is better (good when at most the good
# threshold, poor when above the poor one).
HIGHER_IS_BETTER = {Factor.GMV_TREND, Factor.UPTIME, Factor.RENEWAL, Factor.SURVEY}

# Factors whose figure is counted over the factor's last `window_days` days; the others are a
# state (days since, days to, a trend with its own fixed windows).
WINDOWED = {Factor.UPTIME, Factor.ERRORS, Factor.ISSUES, Factor.OFFERS, Factor.SURVEY}

# The order factors are stored in `CustomerHealth.grades`, one letter each: never reorder, add
# at the end.
FACTOR_ORDER = [
    Factor.GMV_TREND,
    Factor.UPTIME,
    Factor.ERRORS,
    Factor.CONTACT,
    Factor.ISSUES,
    Factor.ONBOARDING,
    Factor.RENEWAL,
    Factor.OFFERS,
    Factor.SURVEY,
]


class Grade(models.TextChoices):
    GOOD = "g", pgettext_lazy("health grade", "Good")
    AVERAGE = "a", pgettext_lazy("health grade", "Average")
    POOR = "p", pgettext_lazy("health grade", "Poor")


POINTS = {Grade.GOOD: 100, Grade.AVERAGE: 50, Grade.POOR: 0}


class FactorSetting(models.Model):
    """How one factor is graded: its thresholds and the days it looks back over."""

    factor = models.CharField(_("factor"), max_length=20, choices=Factor.choices, unique=True)
    is_active = models.BooleanField(_("counted"), default=True)
    good = models.IntegerField(_("good threshold"))
    poor = models.IntegerField(_("poor threshold"))
    window_days = models.PositiveIntegerField(_("days looked at"), default=30)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("health factor")
        verbose_name_plural = _("health factors")
        constraints = [
            models.CheckConstraint(condition=Q(window_days__gte=1), name="health_window_positive")
        ]

    def __str__(self):
        return self.get_factor_display()

    @property
    def higher_is_better(self) -> bool:
        return self.factor in HIGHER_IS_BETTER

    def grade(self, value: float | None) -> str | None:
        """The grade of `value` (None when there is no figure); the SQL of
        `setia.health.actions` grades the same way."""
        if value is None:
            return None
        if self.higher_is_better:
            if value >= self.good:
                return Grade.GOOD
            return Grade.POOR if value < self.poor else Grade.AVERAGE
        if value <= self.good:
            return Grade.GOOD
        return Grade.POOR if value > self.poor else Grade.AVERAGE


class FactorWeight(models.Model):
    """A factor's weight for a tier, or for every tier without its own when `tier` is empty."""

    factor = models.CharField(_("factor"), max_length=20, choices=Factor.choices)
    tier = models.ForeignKey(
        "tiers.Tier", verbose_name=_("tier"), on_delete=models.CASCADE, null=True, blank=True
    )
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)

    class Meta:
        verbose_name = _("health factor weight")
        verbose_name_plural = _("health factor weights")
        constraints = [
            models.UniqueConstraint(fields=["factor", "tier"], name="health_one_weight_per_tier"),
            models.UniqueConstraint(
                fields=["factor"], condition=Q(tier__isnull=True), name="health_one_default_weight"
            ),
        ]

    def __str__(self):
        return f"{self.factor} {self.tier_id or '*'} {self.weight}"


class Policy(models.Model):
    """The one row of score-wide settings (id 1)."""

    good_from = models.PositiveSmallIntegerField(
        _("good from (score)"), default=70, help_text=_("A score at least this is good.")
    )
    poor_below = models.PositiveSmallIntegerField(
        _("poor below (score)"), default=40, help_text=_("A score below this is poor.")
    )
    any_poor_caps = models.BooleanField(
        _("any poor factor → at most average"),
        default=True,
        help_text=_("A customer with a poor factor is never graded good, whatever the score."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("health policy")
        verbose_name_plural = _("health policy")
        constraints = [
            models.CheckConstraint(
                condition=Q(good_from__lte=100) & Q(poor_below__lte=models.F("good_from")),
                name="health_policy_bands",
            )
        ]

    def __str__(self):
        return f"{self.poor_below}-{self.good_from}"

    @classmethod
    def current(cls) -> "Policy":
        """The policy row, or an unsaved one with the defaults (a GET writes nothing)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class CustomerHealth(models.Model):
    """A customer's current score, its grade and the figures behind it (one row a customer,
    rewritten by every computation). `grades` holds one letter per factor in FACTOR_ORDER
    (g, a, p, or - for a factor without a figure or not counted)."""

    merge_policy = MergePolicy.RECOMPUTE

    customer = models.OneToOneField(
        "customers.Customer", primary_key=True, on_delete=models.CASCADE, related_name="health"
    )
    score = models.PositiveSmallIntegerField(_("health score"))
    grade = models.CharField(_("health"), max_length=1, choices=Grade.choices)
    grades = models.CharField(max_length=16)
    gmv_trend = models.FloatField(null=True)
    uptime = models.FloatField(null=True)
    errors = models.IntegerField(null=True)
    contact = models.IntegerField(null=True)
    issues = models.IntegerField(null=True)
    onboarding = models.IntegerField(null=True)
    renewal = models.IntegerField(null=True)
    offers = models.IntegerField(null=True)
    # The last NPS or CSAT answer in the factor's days, as a share of its scale (0-100).
    survey = models.IntegerField(null=True)
    computed_on = models.DateField(_("computed on"))

    class Meta:
        verbose_name = _("customer health")
        verbose_name_plural = _("customer health")

    def __str__(self):
        return f"{self.customer_id}: {self.score}"

    def factor_grades(self) -> list[tuple[str, str, float | None]]:
        """(factor, grade, figure) of the graded factors, in FACTOR_ORDER."""
        rows = []
        for factor, letter in zip(FACTOR_ORDER, self.grades, strict=False):
            if letter in Grade.values:
                rows.append((factor.value, letter, getattr(self, factor.value)))
        return rows


class HealthSnapshot(models.Model):
    """A customer's score on a day: the time series behind the trend chart and the "health
    fell" trigger. Compact on purpose (two small integers and a letter a row, keyed by customer
    and day, no surrogate id): a year of 100,000 customers is 36.5M rows."""

    merge_policy = MergePolicy.RECOMPUTE

    pk = models.CompositePrimaryKey("customer", "day")
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        related_name="health_snapshots",
        # Written only in bulk from live customers; the ORM still cascades deletes.
        db_constraint=False,
        db_index=False,
    )
    day = models.DateField(_("day"))
    score = models.PositiveSmallIntegerField(_("health score"))
    grade = models.CharField(_("health"), max_length=1, choices=Grade.choices)

    class Meta:
        verbose_name = _("health snapshot")
        verbose_name_plural = _("health snapshots")

    def __str__(self):
        return f"{self.customer_id} {self.day}: {self.score}"


class ChurnModel(models.Model):
    """A churn model trained by `manage.py train_churn`, with what it scored on the held-out
    period. Its parameters are plain numbers (JSON: the features' means and scales, the
    logistic regression's coefficients and intercept), never a pickle: loading a model runs no
    code, whoever wrote the row. At most one is published: it scores the live customers."""

    trained_at = models.DateTimeField(_("trained at"))
    cutoff = models.DateField(_("test cut-off"))
    train_cutoffs = models.JSONField(default=list)
    horizon_days = models.PositiveSmallIntegerField(_("horizon (days)"))
    features = models.JSONField(default=list)
    means = models.JSONField(default=list)
    scales = models.JSONField(default=list)
    coefficients = models.JSONField(default=list)
    intercept = models.FloatField()
    customers = models.PositiveIntegerField(_("customers tested"))
    churned = models.PositiveIntegerField(_("churned in the test period"))
    auc = models.FloatField(_("AUC"))
    health_auc = models.FloatField(_("health score's AUC"))
    brier = models.FloatField(_("Brier score"))
    is_published = models.BooleanField(_("published"), default=False)

    class Meta:
        ordering = ["-trained_at", "-id"]
        verbose_name = _("churn model")
        verbose_name_plural = _("churn models")
        constraints = [
            models.UniqueConstraint(
                fields=["is_published"],
                condition=Q(is_published=True),
                name="health_one_published_churn_model",
            )
        ]

    def __str__(self):
        return f"{self.trained_at:%Y-%m-%d} auc={self.auc:.2f}"


class ChurnRisk(models.Model):
    """A live customer's churn risk from the published model: the probability its subscription
    ends within the model's horizon, the yearly revenue at stake and the features that raised
    the risk most ([feature, figure] pairs, the largest contribution first; the text is
    written when read, in the reader's language)."""

    merge_policy = MergePolicy.RECOMPUTE

    customer = models.OneToOneField(
        "customers.Customer", primary_key=True, on_delete=models.CASCADE, related_name="churn_risk"
    )
    risk = models.FloatField(_("churn risk"))
    yearly_revenue = models.BigIntegerField(_("yearly revenue (Rp)"))
    # risk times yearly revenue, in rupiah: the at-risk list's order (churn_exposure_idx).
    exposure = models.BigIntegerField(_("revenue at risk (Rp)"))
    factors = models.JSONField(default=list)
    model = models.ForeignKey(ChurnModel, on_delete=models.CASCADE, related_name="+")
    computed_on = models.DateField(_("computed on"))

    class Meta:
        verbose_name = _("churn risk")
        verbose_name_plural = _("churn risks")
        indexes = [models.Index(fields=["-exposure", "customer"], name="churn_exposure_idx")]

    def __str__(self):
        return f"{self.customer_id}: {self.risk:.2f}"
