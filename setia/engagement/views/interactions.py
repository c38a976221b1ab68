from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from setia.core.http import AuthenticatedHttpRequest
from setia.customers.access import get_customer_for_user
from setia.engagement.timeline import timeline_page


@login_required
@require_GET
def customer_timeline(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    """A customer's timeline: the whole card, only the next page of events (htmx), or a page."""
    customer = get_customer_for_user(request, code)
    context = {"customer": customer, "timeline": timeline_page(customer, request.GET)}
    if request.htmx and request.GET.get("part") == "events":
        return render(request, "engagement/_timeline_events.html", context)
    if request.htmx:
        return render(request, "engagement/_timeline.html", context)
    return render(request, "engagement/timeline.html", context)
