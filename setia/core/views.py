import logging

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.http import require_GET

from setia.accounts.models import Role
from setia.core.http import AuthenticatedHttpRequest, InvalidParameter

# Refused reads and writes by signed-in users: another team's record answers 404 like a missing
# one, so this log is where a user probing other teams' addresses shows up.
security_log = logging.getLogger("setia.security")


@login_required
@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    # Managers start from their overview; executives and interns from their tasks ("my
    # day"); the others from the customers.
    if request.user.role == Role.MANAGER:
        return redirect("cadence:home")
    if request.user.role in (Role.EXECUTIVE, Role.INTERN):
        return redirect("work:my-day")
    return redirect("customers:customer-list")


def log_refusal(request: HttpRequest, status: int) -> None:
    """Log a 403 or 404 answered to a signed-in user (the pages' handlers, the API's)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        security_log.warning(
            "%s for user %s on %s %s", status, user.pk, request.method, request.path
        )


def _error_context(request: HttpRequest) -> dict[str, str]:
    # The id RequestIdMiddleware gave the request, for the user to quote; none on a request
    # that never passed through the middleware.
    return {"request_id": getattr(request, "request_id", "")}


def forbidden(request: HttpRequest, exception=None) -> HttpResponse:
    log_refusal(request, 403)
    return render(request, "403.html", _error_context(request), status=403)


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    log_refusal(request, 404)
    return render(request, "404.html", _error_context(request), status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: the failure may come from a context processor or the database.
    return HttpResponseServerError(loader.get_template("500.html").render(_error_context(request)))


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    message = str(exception) if isinstance(exception, InvalidParameter) else ""
    return render(request, "400.html", {**_error_context(request), "message": message}, status=400)
