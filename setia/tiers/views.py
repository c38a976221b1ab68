from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from setia.core.http import AuthenticatedHttpRequest
from setia.customers.models import Category, Customer
from setia.lib import charts
from setia.lib.dates import month_start, today
from setia.tiers import actions
from setia.tiers.forms import MonthForm, TierForm, TierRuleForm
from setia.tiers.models import (
    DOWNGRADE_AFTER_RUNS,
    DOWNGRADE_MARGIN_PERCENT,
    Tier,
    TierChange,
    TierRule,
    TierSnapshot,
)

MOVERS_SHOWN = 200


@login_required
@permission_required("tiers.view_tier", raise_exception=True)
@require_GET
def list_tiers(request: AuthenticatedHttpRequest) -> HttpResponse:
    tiers = list(Tier.objects.all())
    rules = list(TierRule.objects.select_related("tier", "category"))
    general = {rule.tier_id: rule for rule in rules if rule.category_id is None}
    context = {
        "rows": [(tier, general.get(tier.pk)) for tier in tiers],
        "category_rules": [rule for rule in rules if rule.category_id is not None],
        "margin": DOWNGRADE_MARGIN_PERCENT,
        "runs": DOWNGRADE_AFTER_RUNS,
    }
    return render(request, "tiers/list.html", context)


@login_required
@permission_required("tiers.change_tier", raise_exception=True)
@require_http_methods(["GET", "POST"])
def edit_tier(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    tier = get_object_or_404(Tier, slug=slug)
    general = TierRule.objects.filter(tier=tier, category__isnull=True).first()
    form = TierForm(
        request.POST or None,
        instance=tier,
        initial={"min_gmv_90d": general.min_gmv_90d if general else 0},
    )
    context = {"form": form, "title": _("Edit tier %(name)s") % {"name": tier.display_name}}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "tiers/form.html", context, status=400)
        actions.update_tier(tier=tier, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Tier %(name)s saved.") % {"name": tier.display_name})
        return redirect("tiers:tier-list")
    return render(request, "tiers/form.html", context)


@login_required
@permission_required("tiers.add_tierrule", raise_exception=True)
@require_http_methods(["GET", "POST"])
def add_rule(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TierRuleForm(request.POST or None)
    context = {"form": form, "title": _("New category rule")}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "tiers/form.html", context, status=400)
        actions.add_rule(actor=request.user, data=form.cleaned_data)
        messages.success(request, _("Rule saved; it applies from the next run."))
        return redirect("tiers:tier-list")
    return render(request, "tiers/form.html", context)


@login_required
@permission_required("tiers.delete_tierrule", raise_exception=True)
@require_POST
def delete_rule(request: AuthenticatedHttpRequest, rule_id: int) -> HttpResponse:
    rule = get_object_or_404(TierRule, pk=rule_id, category__isnull=False)
    actions.delete_rule(rule=rule, actor=request.user)
    messages.success(request, _("Rule deleted."))
    return redirect("tiers:tier-list")


def _pivot(rows, key: str) -> list[dict]:
    """[{name, up, down}] from grouped (key, direction, count) rows, most movement first."""
    table: dict[str, dict] = {}
    for row in rows:
        name = row[key] or "—"
        entry = table.setdefault(name, {"name": name, "up": 0, "down": 0})
        entry[row["direction"]] += row["count"]
    return sorted(table.values(), key=lambda entry: (-(entry["up"] + entry["down"]), entry["name"]))


@login_required
@permission_required("tiers.view_tier", raise_exception=True)
@require_GET
def tier_report(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Who moved up or down in a month, by owner and by category, among visible customers."""
    start = MonthForm(request.GET).month_start(today())
    end = month_start(start, 1)
    visible = Customer.objects.visible_to(request.user).alive()
    moves = TierChange.objects.filter(
        changed_on__gte=start,
        changed_on__lt=end,
        direction__in=[TierChange.Direction.UP, TierChange.Direction.DOWN],
        customer__in=visible.values("pk"),
    )
    grouped = moves.order_by()
    by_owner = grouped.values("customer__owner__full_name", "direction").annotate(count=Count("id"))
    by_category = grouped.values(
        "direction", category_name=Category.display_name_sql("customer__category__")
    ).annotate(count=Count("id"))
    movers = list(
        moves.select_related(
            "customer__owner", "customer__category", "old_tier", "new_tier"
        ).order_by("-changed_on", "customer__name")[:MOVERS_SHOWN]
    )
    previous = month_start(start, -1)
    owners = _pivot(by_owner, "customer__owner__full_name")
    context = {
        "month": start,
        "previous_month": previous.strftime("%Y-%m"),
        "next_month": end.strftime("%Y-%m") if end <= today() else None,
        # Every move has one owner row (None included), so these count all of them, not only
        # the movers shown.
        "ups": sum(row["up"] for row in owners),
        "downs": sum(row["down"] for row in owners),
        "by_owner": owners,
        "by_category": _pivot(by_category, "category_name"),
        "movers": movers,
        "movers_limit": MOVERS_SHOWN,
        **_tier_counts_chart(),
    }
    return render(request, "tiers/report.html", context)


def _tier_counts_chart() -> dict:
    """Customers per tier after each run of the last year (every customer, not only visible)."""
    since = today() - timedelta(days=365)
    snapshots = list(TierSnapshot.objects.filter(day__gte=since).select_related("tier"))
    if not snapshots:
        return {"counts_chart": None, "counts_table": []}
    days = sorted({snapshot.day for snapshot in snapshots})
    tiers = sorted({snapshot.tier for snapshot in snapshots}, key=lambda tier: tier.position)
    counts = {(snapshot.day, snapshot.tier_id): snapshot.customers for snapshot in snapshots}
    chart = charts.line_chart(
        colours=[tier.colour for tier in tiers],
        rupiah=False,
        title=_("Customers per tier"),
        x_label_rotation=30,
        show_minor_x_labels=False,
        x_labels_major_count=8,
    )
    chart.x_labels = [formats.date_format(day, "SHORT_DATE_FORMAT") for day in days]
    for tier in tiers:
        chart.add(tier.display_name, [counts.get((day, tier.pk), 0) for day in days])
    table = [(days[-1], [(tier, counts.get((days[-1], tier.pk), 0)) for tier in tiers])]
    return {"counts_chart": charts.data_uri(chart), "counts_table": table}
