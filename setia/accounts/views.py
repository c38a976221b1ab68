from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from setia.accounts import actions
from setia.accounts.forms import LanguageForm, LoginForm, PasswordResetForm
from setia.lib.ratelimits import rate_limited


def _typed_address(group: str, request: HttpRequest) -> str:
    """The address a reset was asked for, as the form reads it (case and spaces aside)."""
    return request.POST.get("email", "").strip().lower()


def _asks_for_a_reset(request: HttpRequest) -> bool:
    return request.method == "POST"


def _asks_for_an_address(request: HttpRequest) -> bool:
    return request.method == "POST" and bool(_typed_address("", request))


def _too_many_resets(request: HttpRequest, retry_after: int) -> HttpResponse:
    """The reset form again, saying when to try again; the same answer for an address with or
    without an account, and whichever limit was reached, so it tells nobody which exist."""
    minutes = max(1, -(-retry_after // 60))
    message = ngettext(
        "Too many reset links were asked for in a short time. Try again in %(minutes)s minute.",
        "Too many reset links were asked for in a short time. Try again in %(minutes)s minutes.",
        minutes,
    ) % {"minutes": minutes}
    context = {"form": PasswordResetForm(), "limited": message}
    response = render(request, "accounts/password_reset.html", context, status=429)
    response["Retry-After"] = str(retry_after)
    return response


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password was changed."))
        return response


@method_decorator(
    rate_limited(
        "password-reset-address",
        rate_setting="RATE_LIMIT_PASSWORD_RESET_ADDRESS",
        key=_typed_address,
        applies=_asks_for_an_address,
        respond=_too_many_resets,
    ),
    name="dispatch",
)
@method_decorator(
    rate_limited(
        "password-reset-ip",
        rate_setting="RATE_LIMIT_PASSWORD_RESET_IP",
        key="ip",
        applies=_asks_for_a_reset,
        respond=_too_many_resets,
    ),
    name="dispatch",
)
class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link by e-mail. The next page says the same whether or not the address
    has an account, so the form tells nobody which addresses do. Requests are limited per
    client address and per address typed (whether it has an account or not), so nobody floods
    a mailbox or walks through addresses."""

    template_name = "accounts/password_reset.html"
    form_class = PasswordResetForm
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-sent")

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:login")

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password was changed. Log in with it."))
        return response


@require_POST
def switch_language(request: HttpRequest) -> HttpResponse:
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Unknown language."))
    language = form.cleaned_data["language"]
    if request.user.is_authenticated:
        actions.set_language(user=request.user, language=language)
    translation.activate(language)
    next_url = form.cleaned_data["next"]
    # A bare word is no path: redirect() would take it for a view's name and fail.
    if not next_url.startswith("/") or not url_has_allowed_host_and_scheme(
        next_url, {request.get_host()}, request.is_secure()
    ):
        next_url = "/"
    response = redirect(next_url)
    # The cookie keeps the choice for the login page after logout.
    response.set_cookie("setia_language", language, max_age=365 * 24 * 3600, samesite="Lax")
    return response


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """What django-axes shows while a username and address pair, or an account, is locked."""
    account = getattr(request, "account_locked_out", False)
    if account:
        minutes = settings.ACCOUNT_LOCKOUT_MINUTES
    else:
        minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"cooloff_minutes": minutes, "account": account}
    return render(request, "accounts/locked_out.html", context, status=429)
