"""Trigger thresholds (managers) and the "call today" queue."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Max, Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from setia.core.http import AuthenticatedHttpRequest
from setia.customers.models import Customer
from setia.work.automation import actions
from setia.work.automation.forms import TriggerRuleFormSet
from setia.work.automation.models import PlaybookRun, TriggerRule


@login_required
@permission_required("work.change_triggerrule", raise_exception=True)
@require_http_methods(["GET", "POST"])
def edit_thresholds(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every trigger rule's threshold, days and on/off, in one form."""
    rules = TriggerRule.objects.select_related("playbook", "tier")
    formset = TriggerRuleFormSet(request.POST or None, queryset=rules)
    if request.method == "POST":
        if not formset.is_valid():
            return render(request, "work/thresholds.html", {"formset": formset}, status=400)
        formset.save()
        messages.success(request, _("Trigger thresholds saved."))
        return redirect("work:thresholds")
    return render(request, "work/thresholds.html", {"formset": formset})


# -- "call today" ----------------------------------------------------------------------------

QUEUE_SIZE = 50


@login_required
@permission_required("work.view_playbookrun", raise_exception=True)
@require_GET
def call_today(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Customers with open playbook runs, the most revenue at risk first (value * urgency),
    each with the reasons of its runs. Three queries whatever the number of customers."""
    visible = Customer.objects.visible_to(request.user).alive()
    runs = PlaybookRun.objects.open().filter(customer__in=visible.values("pk"))
    top = list(
        runs.values("customer_id")
        .annotate(at_risk=Sum("revenue_at_risk"), started=Max("started_at"))
        .order_by("-at_risk", "-started", "customer_id")[:QUEUE_SIZE]
    )
    ids = [row["customer_id"] for row in top]
    customers = visible.select_related("owner").in_bulk(ids)
    reasons: dict[int, list[PlaybookRun]] = {}
    for run in (
        runs.filter(customer_id__in=ids).select_related("playbook").order_by("-revenue_at_risk")
    ):
        reasons.setdefault(run.customer_id, []).append(run)
    rows = [
        {
            "customer": customers[row["customer_id"]],
            "at_risk": row["at_risk"],
            "runs": reasons[row["customer_id"]],
        }
        for row in top
    ]
    return render(request, "work/call_today.html", {"rows": rows})


def _get_run_for_user(request, code) -> PlaybookRun:
    """A run of a customer the user may see (404 otherwise)."""
    visible = Customer.objects.visible_to(request.user).alive()
    runs = PlaybookRun.objects.filter(customer__in=visible.values("pk")).select_related(
        "customer", "playbook"
    )
    return get_object_or_404(runs, code=code)


@login_required
@permission_required("work.view_playbookrun", raise_exception=True)
@require_GET
def run_detail(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    run = _get_run_for_user(request, code)
    context = {
        "run": run,
        "tasks": list(run.tasks.select_related("owner").order_by("due_at", "id")),
        "can_close": request.user.has_perm("work.change_playbookrun") and run.status == "open",
    }
    return render(request, "work/run_detail.html", context)


@login_required
@permission_required("work.change_playbookrun", raise_exception=True)
@require_POST
def close_run(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    """Close an open run: the trigger may start the playbook again later."""
    run = _get_run_for_user(request, code)
    actions.close_run(run=run, actor=request.user)
    messages.success(
        request, _("Playbook “%(name)s” closed.") % {"name": run.playbook.display_name}
    )
    return redirect("work:call-today")
