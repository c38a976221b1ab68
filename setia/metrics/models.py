"""Daily store metrics and the per-customer rollups computed from them.

The daily table is the big one (100,000 stores x 365 days = 36.5M rows), so its schema is chosen
for ingest speed: the natural key (store, day) is the primary key, with no surrogate id and no
extra index; the store column is not a database foreign key (see `StoreDailyMetric.store`).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from setia.lib.merging import MergePolicy


class StoreDailyMetric(models.Model):
    """One store's figures for one day, as the platform reports them."""

    pk = models.CompositePrimaryKey("store", "day")
    # db_constraint=False: a database foreign key makes PostgreSQL look the store up for every one
    # of millions of inserted rows (measured with COPY: ~0.12M rows/s with it against ~0.45M without).
    # `ingest_metrics` resolves every row's store by joining customers_store in the same
    # statement and rejects unknown stores, so the check would only be paid twice. Deleting a
    # store through the ORM still cascades (Django's collector deletes the rows). db_index=False:
    # the primary key (store_id, day) already leads with store_id.
    store = models.ForeignKey(
        "customers.Store",
        on_delete=models.CASCADE,
        related_name="daily_metrics",
        db_constraint=False,
        db_index=False,
        verbose_name=_("store"),
    )
    day = models.DateField(_("day"))
    gmv = models.BigIntegerField(_("GMV"), help_text=_("Gross merchandise value in rupiah."))
    orders = models.IntegerField(_("orders"))
    visitors = models.IntegerField(_("visitors"))
    uptime_pct = models.DecimalField(_("uptime %"), max_digits=5, decimal_places=2)
    errors = models.IntegerField(_("errors"))

    class Meta:
        verbose_name = _("store daily metric")
        verbose_name_plural = _("store daily metrics")
        constraints = [
            models.CheckConstraint(
                condition=Q(gmv__gte=0)
                & Q(orders__gte=0)
                & Q(visitors__gte=0)
                & Q(errors__gte=0)
                & Q(uptime_pct__gte=0)
                & Q(uptime_pct__lte=100),
                name="metrics_daily_values_valid",
            ),
        ]

    def __str__(self):
        return f"{self.store_id} {self.day}"


class CustomerRollup(models.Model):
    """A customer's totals over its stores, as of `as_of` (recomputed nightly in bulk)."""

    # Computed from the stores, which move: the next recompute rebuilds both customers'.
    merge_policy = MergePolicy.RECOMPUTE

    customer = models.OneToOneField(
        "customers.Customer",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="rollup",
        verbose_name=_("customer"),
    )
    gmv_30d = models.BigIntegerField(_("GMV, last 30 days"), default=0)
    gmv_90d = models.BigIntegerField(_("GMV, last 90 days"), default=0)
    gmv_prev_90d = models.BigIntegerField(_("GMV, the 90 days before"), default=0)
    orders_30d = models.IntegerField(_("orders, last 30 days"), default=0)
    orders_90d = models.IntegerField(_("orders, last 90 days"), default=0)
    orders_prev_90d = models.IntegerField(_("orders, the 90 days before"), default=0)
    gmv_growth_pct = models.FloatField(
        _("GMV growth %"),
        null=True,
        blank=True,
        help_text=_("Last 90 days against the 90 before; empty when there was no GMV before."),
    )
    as_of = models.DateField(_("as of"))
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("customer rollup")
        verbose_name_plural = _("customer rollups")

    def __str__(self):
        return f"{self.customer_id} @ {self.as_of}"


class CustomerMonthlyMetric(models.Model):
    """A customer's GMV and orders for one calendar month (for the 12-month charts)."""

    # Computed from the stores, which move: the next recompute rebuilds both customers'.
    merge_policy = MergePolicy.RECOMPUTE

    pk = models.CompositePrimaryKey("customer", "month")
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        related_name="monthly_metrics",
        # Written only by `recompute_rollups` from the stores' customers, in bulk: a database
        # foreign key would check each of up to 1.3M rows at commit (measured at 100,000
        # customers: 13 s, longer than the whole aggregation). The ORM still cascades deletes.
        db_constraint=False,
        db_index=False,
        verbose_name=_("customer"),
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    gmv = models.BigIntegerField(_("GMV"))
    orders = models.IntegerField(_("orders"))

    class Meta:
        verbose_name = _("customer monthly metric")
        verbose_name_plural = _("customer monthly metrics")
        indexes = [
            # One month's GMV of every customer (the targets' owned-GMV actuals) read from the
            # index alone, instead of every month's rows.
            models.Index(fields=["month", "customer", "gmv"], name="monthly_metric_month_idx"),
        ]

    def __str__(self):
        return f"{self.customer_id} {self.month:%Y-%m}"
