"""The API tokens page: a person's tokens (an administrator's service tokens too), a new one
(its secret shown once), revoking."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from setia.api import actions
from setia.api.forms import TokenForm
from setia.api.models import ApiToken
from setia.core.http import AuthenticatedHttpRequest


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None, user=request.user)
    secret = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            _token, secret = actions.create_token(
                user=request.user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                expires_at=form.expires_at(),
                kind=form.kind,
            )
            form = TokenForm(user=request.user)
        else:
            status = 400
    mine = ApiToken.objects.filter(user=request.user)
    page = Paginator(mine, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "secret": secret}
    # The secret is in this response only: it must not be kept by a cache or the browser.
    response = render(request, "api/tokens.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def revoke(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    actions.revoke_token(token=token, actor=request.user)
    messages.success(request, _("The token %(name)s was revoked.") % {"name": token.name})
    return redirect("api-pages:tokens")
