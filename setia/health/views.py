"""The health settings page (managers), the distribution of health by tier, owner and
category, and the customers at risk of churning by revenue at risk."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Avg, Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from setia.core.http import AuthenticatedHttpRequest
from setia.core.pagination import CountedUpToPaginator
from setia.customers.models import Category, Customer
from setia.health import actions
from setia.health.churn import risk_text
from setia.health.forms import SettingsForm
from setia.health.models import ChurnModel, ChurnRisk, Policy
from setia.tiers.models import Tier


@login_required
@permission_required("health.change_factorsetting", raise_exception=True)
@require_http_methods(["GET", "POST"])
def edit_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SettingsForm(
        request.POST or None,
        settings=actions.factor_settings(),
        weights=actions.weights(),
        tiers=Tier.objects.all(),
        policy=Policy.current(),
    )
    context = {"form": form}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "health/settings.html", context, status=400)
        data = form.cleaned_data
        actions.save_settings(
            actor=request.user,
            factors=form.factor_values(),
            weights=form.weight_values(),
            policy={key: data[key] for key in ("good_from", "poor_below", "any_poor_caps")},
        )
        messages.success(
            request, _("Health settings saved: scores follow at the next computation.")
        )
        return redirect("health:settings")
    return render(request, "health/settings.html", context)


def _counts() -> dict:
    return {
        "customers": Count("pk"),
        "good": Count("pk", filter=Q(health_grade="g")),
        "average": Count("pk", filter=Q(health_grade="a")),
        "poor": Count("pk", filter=Q(health_grade="p")),
        "unscored": Count("pk", filter=Q(health_score__isnull=True)),
        "mean": Avg("health_score"),
    }


def _grade_counts(queryset, *group, **named):
    """Per group: customers, good, average, poor, not scored and the average score (one query,
    over the sort keys on the customer rows)."""
    return list(queryset.order_by().values(*group, **named).annotate(**_counts()))


@login_required
@permission_required("health.view_customerhealth", raise_exception=True)
@require_GET
def distribution(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Health grades of the customers the reader may see, by tier, owner and category."""
    visible = Customer.objects.visible_to(request.user).alive()
    by_tier = _grade_counts(visible, "tier_rank")
    names = {tier.position: tier.display_name for tier in Tier.objects.all()}
    for row in by_tier:
        row["label"] = names.get(row["tier_rank"]) or _("No tier")
    by_tier.sort(key=lambda row: (row["tier_rank"] is None, row["tier_rank"] or 0))
    by_owner = _grade_counts(visible, "owner__full_name")
    for row in by_owner:
        row["label"] = row["owner__full_name"] or _("No owner")
    by_owner.sort(key=lambda row: row["label"])
    by_category = _grade_counts(visible, category_name=Category.display_name_sql("category__"))
    for row in by_category:
        row["label"] = row["category_name"]
    by_category.sort(key=lambda row: row["label"])
    context = {
        "groups": [
            ("by-tier", _("By tier"), by_tier),
            ("by-owner", _("By owner"), by_owner),
            ("by-category", _("By category"), by_category),
        ],
        "total": visible.order_by().aggregate(**_counts()),
    }
    return render(request, "health/distribution.html", context)


@login_required
@permission_required("health.view_customerhealth", raise_exception=True)
@require_GET
def at_risk(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The customers the reader may see by revenue at risk (churn risk times yearly revenue),
    the largest first, with each one's risk and its top factors."""
    visible = Customer.objects.visible_to(request.user).alive()
    risks = (
        ChurnRisk.objects.filter(customer__in=visible.values("pk"))
        .select_related("customer")
        .order_by("-exposure", "customer_id")
    )
    page = CountedUpToPaginator(risks, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(risk, risk_text(risk)) for risk in page.object_list]
    context = {
        "page": page,
        "rows": rows,
        "query": "",
        "model": ChurnModel.objects.filter(is_published=True).first(),
    }
    return render(request, "health/at_risk.html", context)
