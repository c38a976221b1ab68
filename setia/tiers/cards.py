"""Tiers' card on the customer 360 page (listed in setia/desk/cards.py): the tier, why, GMV and
orders over 12 months."""

from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext as _

from setia.core.cards import Card
from setia.core.http import AuthenticatedHttpRequest
from setia.customers.models import Customer
from setia.lib import charts
from setia.lib.dates import month_start, today
from setia.metrics.models import CustomerMonthlyMetric
from setia.tiers.models import (
    DOWNGRADE_AFTER_RUNS,
    DOWNGRADE_MARGIN_PERCENT,
    TierChange,
    TierRule,
)

MONTHS = 12
HISTORY = 5


def effective_thresholds(category_id) -> list[tuple]:
    """[(tier, threshold, rule)] for a category, highest tier first (one query)."""
    rules = TierRule.objects.filter(Q(category_id=category_id) | Q(category__isnull=True))
    chosen = {}
    for rule in rules.select_related("tier", "category"):
        # A category's own rule replaces the general one of the same tier.
        if rule.tier_id not in chosen or rule.category_id is not None:
            chosen[rule.tier_id] = rule
    ordered = sorted(chosen.values(), key=lambda rule: rule.tier.position)
    return [(rule.tier, rule.min_gmv_90d, rule) for rule in ordered]


def value_card(customer: Customer, request: AuthenticatedHttpRequest) -> Card:
    """The "GMV and tier" card (its context: `customer_value`)."""
    return Card("tiers/_customer_value.html", {"customer": customer, **customer_value(customer)})


def customer_value(customer) -> dict:
    """Context for templates/tiers/_customer_value.html, in three queries whatever the data:
    the tier and the rollup are read from the customer (the 360 page joins them into its query
    for the customer; one query each otherwise)."""
    assignment = getattr(customer, "tier_assignment", None)
    rollup = getattr(customer, "rollup", None)
    months = [month_start(today(), -back) for back in range(MONTHS - 1, -1, -1)]
    figures = {
        row.month: row
        for row in CustomerMonthlyMetric.objects.filter(
            customer=customer, month__gte=months[0], month__lte=months[-1]
        )
    }
    thresholds = effective_thresholds(customer.category_id)
    history = list(
        TierChange.objects.filter(customer=customer).select_related("old_tier", "new_tier")[
            :HISTORY
        ]
    )
    labels = [formats.date_format(month, "M Y") for month in months]
    gmv = [figures[month].gmv if month in figures else 0 for month in months]
    orders = [figures[month].orders if month in figures else 0 for month in months]
    gmv_chart, orders_chart = _charts(labels, gmv, orders, thresholds) if figures else (None, None)
    return {
        "tier_assignment": assignment,
        "rollup": rollup,
        "why_tier": _why(assignment, thresholds),
        "tier_history": history,
        "value_months": list(zip(labels, gmv, orders, strict=True)),
        "gmv_chart": gmv_chart,
        "orders_chart": orders_chart,
    }


def _why(assignment, thresholds) -> dict | None:
    if assignment is None:
        return None
    higher = [
        (tier, threshold)
        for tier, threshold, _rule in thresholds
        if tier.position < assignment.tier.position
    ]
    next_tier = higher[-1] if higher else None
    return {
        "rule_scope": assignment.rule.category if assignment.rule else None,
        "below_floor": assignment.gmv_90d < assignment.downgrade_floor,
        "within_buffer": assignment.downgrade_floor <= assignment.gmv_90d < assignment.threshold,
        "floor": assignment.downgrade_floor,
        "margin": DOWNGRADE_MARGIN_PERCENT,
        "runs_needed": DOWNGRADE_AFTER_RUNS,
        "next_tier": next_tier[0] if next_tier else None,
        "to_next_tier": next_tier[1] - assignment.gmv_90d if next_tier else None,
    }


def _charts(labels, gmv, orders, thresholds) -> tuple[str, str]:
    """The GMV and orders charts, cached under a digest of everything they draw.

    Drawing them takes pygal about 20 ms a page; what they show changes only when the nightly
    recompute writes new figures or someone edits a tier or its rule, and either changes the
    key, so a cached chart is never out of date.
    """
    drawn = (
        labels,
        gmv,
        orders,
        [
            (tier.pk, tier.display_name, tier.colour, threshold)
            for tier, threshold, _rule in thresholds
        ],
    )
    return charts.cached(
        "tiers-value",
        drawn,
        lambda: (_gmv_chart(labels, gmv, thresholds), _orders_chart(labels, orders)),
    )


def _gmv_chart(labels, gmv, thresholds) -> str:
    # Thresholds are on 90-day GMV; a month is compared with a third of them.
    shown = [(tier, threshold) for tier, threshold, _rule in thresholds if threshold > 0]
    chart = charts.line_chart(
        colours=[charts.BRAND, *(tier.colour for tier, _threshold in shown)],
        rupiah=True,
        title=_("GMV per month"),
        fill=False,
    )
    chart.x_labels = labels
    chart.add(_("GMV"), gmv)
    for tier, threshold in shown:
        chart.add(
            _("%(tier)s: 90-day threshold ÷ 3") % {"tier": tier.display_name},
            [threshold // 3] * len(labels),
            show_dots=False,
            stroke_style={"dasharray": "8, 5", "width": 2},
        )
    return charts.data_uri(chart)


def _orders_chart(labels, orders) -> str:
    chart = charts.bar_chart(colours=[charts.MUTED], rupiah=False, title=_("Orders per month"))
    chart.x_labels = labels
    chart.add(_("Orders"), orders)
    return charts.data_uri(chart)
