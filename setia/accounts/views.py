from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from setia.accounts import actions
from setia.accounts.forms import LanguageForm, LoginForm, PasswordResetForm


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


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link by e-mail. The next page says the same whether or not the address
    has an account, so the form tells nobody which addresses do."""

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
