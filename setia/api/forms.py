import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from setia.accounts.models import Role
from setia.api.models import ApiToken


class TokenForm(forms.Form):
    """A new token: its name, what it may do, and how long it lives. An administrator may also
    create a service token, for the commerce platform, that only pushes metrics."""

    EXPIRY_CHOICES = [
        ("30", _("30 days")),
        ("90", _("90 days")),
        ("365", _("1 year")),
        ("", _("Never")),
    ]

    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Where the token is used, such as “BI dashboard”."),
    )
    scope = forms.ChoiceField(
        label=_("Access"),
        choices=[
            (ApiToken.Scope.READ, ApiToken.Scope.READ.label),
            (ApiToken.Scope.WRITE, ApiToken.Scope.WRITE.label),
        ],
        initial=ApiToken.Scope.READ,
    )
    expires_in = forms.ChoiceField(
        label=_("Expires after"), choices=EXPIRY_CHOICES, initial="90", required=False
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and user.role == Role.ADMIN:
            scope = self.fields["scope"]
            assert isinstance(scope, forms.ChoiceField)
            scope.choices = [
                *scope.choices,
                (ApiToken.Scope.METRICS, _("Metrics push only (a service token)")),
            ]

    @property
    def kind(self) -> str:
        """A metrics token is a service token; every other one is personal."""
        if self.cleaned_data.get("scope") == ApiToken.Scope.METRICS:
            return ApiToken.Kind.SERVICE
        return ApiToken.Kind.PERSONAL

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Give the token a name."))
        return name

    def expires_at(self, now: datetime.datetime | None = None) -> datetime.datetime | None:
        days = self.cleaned_data.get("expires_in")
        if not days:
            return None
        return (now or timezone.now()) + datetime.timedelta(days=int(days))
