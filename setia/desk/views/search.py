from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from setia.core.http import AuthenticatedHttpRequest
from setia.customers.models import validate_search
from setia.desk.search import search_everything
from setia.lib.ratelimits import rate_limited


@login_required
@require_GET
@rate_limited("search", rate_setting="RATE_LIMIT_SEARCH", applies=lambda r: bool(r.GET.get("q")))
def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The global search's results grouped by kind: the whole page, or (asked by the top bar's
    box through htmx) only the list of results it shows under the box."""
    text = " ".join(request.GET.get("q", "").split())
    error = ""
    groups = []
    try:
        validate_search(text)
    except ValidationError as refused:
        error = refused.messages[0]
    else:
        groups = search_everything(request.user, text)
    context = {"q": text, "error": error, "groups": groups}
    partial = request.headers.get("HX-Request") == "true"
    template = "desk/_search_results.html" if partial else "desk/search.html"
    # A refused search is the user's to fix; the box's dropdown still shows why.
    return render(request, template, context, status=400 if error and not partial else 200)
