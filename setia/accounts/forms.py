from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from setia.accounts.models import Language, User


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset by e-mail: the same answer whether or not the address has an account
    (only an active account gets the e-mail), the e-mail in its owner's language."""

    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        with translation.override(context["user"].language or settings.LANGUAGE_CODE):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        "invalid_login": _(
            "The email or password is wrong. Both are case-sensitive for the password."
        ),
        "inactive": _("This account is disabled. Ask an administrator."),
    }

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()

    def clean(self):
        # Pass the address as `email`, not `username`: django-axes keys its lockout on the
        # credential named after USERNAME_FIELD. Under `username` it saw no user at all, counted
        # every failure against "None" and never refused the right password during a lockout.
        email, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if email is not None and password:
            self.user_cache = authenticate(
                self.request, **{User.USERNAME_FIELD: email}, password=password
            )
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=Language.choices)
    next = forms.CharField(required=False)
