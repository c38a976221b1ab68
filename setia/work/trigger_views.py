"""Trigger thresholds (managers) and the "call today" queue."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from setia.work.forms import TriggerRuleFormSet
from setia.work.models import TriggerRule


@login_required
@permission_required("work.change_triggerrule", raise_exception=True)
@require_http_methods(["GET", "POST"])
def edit_thresholds(request: HttpRequest) -> HttpResponse:
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
