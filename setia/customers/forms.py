import uuid

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from setia.accounts.models import Team, User
from setia.customers.models import Category, Contact, Customer, Plan, Store, Subscription
from setia.lib.dates import parse_date
from setia.lib.domains import normalise_domain
from setia.lib.emails import normalise_email
from setia.lib.money import parse_rupiah
from setia.lib.phones import PhoneError, normalise_phone


class FlexibleDateField(forms.DateField):
    """Accepts the browser's ISO date and what people type: `05/04/2024`, `17 Agustus 2024`."""

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if hasattr(value, "year"):
            return value
        try:
            return parse_date(str(value))
        except ValueError:
            raise forms.ValidationError(
                _("Enter a date such as 17/08/2024 or 17 Agustus 2024."), code="invalid"
            ) from None


class RupiahField(forms.CharField):
    """Whole rupiah from `1.234.567`, `Rp 1.234.567` or `1234567`."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            amount = parse_rupiah(value)
        except ValueError:
            raise forms.ValidationError(
                _("Enter an amount in rupiah, such as 1.500.000."), code="invalid"
            ) from None
        if amount < 0:
            raise forms.ValidationError(_("The amount cannot be negative."), code="negative")
        return amount


class VersionedForm(forms.ModelForm):
    """A model form whose edits carry the version of the record they were made from.

    Editing a saved record requires the hidden `version` field: without it, a save could not
    tell a colleague's newer change from none and would silently overwrite it. The action
    refuses a save whose version is no longer the stored one.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            out_of_date = _(
                "This form is out of date or incomplete. Reload the page and make your "
                "change again."
            )
            self.fields["version"] = forms.IntegerField(
                widget=forms.HiddenInput,
                min_value=1,
                initial=self.instance.version,
                error_messages={
                    "required": out_of_date,
                    "invalid": out_of_date,
                    "min_value": out_of_date,
                },
            )


class CustomerForm(VersionedForm):
    class Meta:
        model = Customer
        fields = ["name", "category", "status", "city", "province", "owner", "team", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        categories = Category.objects.filter(is_active=True)
        owners = User.objects.filter(is_active=True)
        teams = Team.objects.all()
        if not user.has_perm("customers.view_all_customers"):
            # Executives keep customers inside their own team: a customer handed to another
            # team would vanish from their own list.
            owners = (
                owners.filter(team_id=user.team_id) if user.team_id else owners.filter(pk=user.pk)
            )
            teams = teams.filter(pk=user.team_id)
            self.fields["team"].required = True
        if self.instance.pk:
            # The current values stay valid, so that changing the notes does not force a
            # reassignment: an owner who left or sits outside the team (a manager), a team the
            # executive is not in (a customer they own there), a retired category.
            categories = categories | Category.objects.filter(pk=self.instance.category_id)
            owners = owners | User.objects.filter(pk=self.instance.owner_id)
            teams = teams | Team.objects.filter(pk=self.instance.team_id)
        self.fields["category"].queryset = categories
        self.fields["category"].label_from_instance = lambda category: category.display_name
        self.fields["owner"].queryset = owners
        self.fields["team"].queryset = teams
        self.fields["name"].widget.attrs["autofocus"] = True
        if not self.instance.pk:
            self.initial.setdefault("owner", user.pk)
            self.initial.setdefault("team", user.team_id)

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Enter the business name."))
        return name

    def clean_city(self):
        return " ".join(self.cleaned_data["city"].split()).title()

    def model_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ContactForm(VersionedForm):
    class Meta:
        model = Contact
        fields = ["name", "position", "phone", "whatsapp", "email", "is_primary"]
        widgets = {
            "phone": forms.TextInput(attrs={"inputmode": "tel", "placeholder": "0812-3456-7890"}),
            "whatsapp": forms.TextInput(
                attrs={"inputmode": "tel", "placeholder": "0812-3456-7890"}
            ),
        }
        help_texts = {"whatsapp": _("Leave empty when it is the same as the phone number.")}

    def _clean_number(self, name):
        value = self.cleaned_data.get(name, "").strip()
        if not value:
            return ""
        try:
            return normalise_phone(value)
        except PhoneError as error:
            raise forms.ValidationError(error.message, code="invalid_phone") from None

    def clean_phone(self):
        return self._clean_number("phone")

    def clean_whatsapp(self):
        return self._clean_number("whatsapp")

    def clean_email(self):
        value = self.cleaned_data["email"]
        if not value:
            return ""
        try:
            return normalise_email(value)
        except ValueError:
            raise forms.ValidationError(_("Enter a valid email address."), code="invalid") from None

    def clean(self):
        cleaned = super().clean()
        if (
            not (cleaned.get("phone") or cleaned.get("whatsapp") or cleaned.get("email"))
            and not self.errors
        ):
            raise forms.ValidationError(
                _("Give at least a phone number, a WhatsApp number or an email.")
            )
        return cleaned

    def model_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class StoreForm(VersionedForm):
    url = forms.CharField(
        label=_("URL"),
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": "https://tokoanda.com"}),
    )

    class Meta:
        model = Store
        fields = ["kind", "url", "platform_version", "launched_on"]
        field_classes = {"launched_on": FlexibleDateField}

    def clean_url(self):
        url = self.cleaned_data["url"].strip()
        try:
            domain = normalise_domain(url)
        except ValueError:
            raise forms.ValidationError(
                _("Enter the store's address, such as https://tokoanda.com.")
            ) from None
        others = Store.objects.filter(domain=domain).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(
                _("The store %(domain)s is already registered to a customer.") % {"domain": domain}
            )
        self.cleaned_data["domain"] = domain
        return url if "://" in url else f"https://{url}"

    def _post_clean(self):
        super()._post_clean()
        if "domain" in self.cleaned_data:
            self.instance.domain = self.cleaned_data["domain"]

    def model_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["domain"] = self.cleaned_data["domain"]
        return data


class SubscriptionForm(VersionedForm):
    monthly_price = RupiahField(
        label=_("monthly price (Rp)"), widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )

    class Meta:
        model = Subscription
        fields = [
            "plan",
            "started_on",
            "renews_on",
            "monthly_price",
            "discount_percent",
            "ended_on",
        ]
        field_classes = {
            "started_on": FlexibleDateField,
            "renews_on": FlexibleDateField,
            "ended_on": FlexibleDateField,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Active plans, and the current one even when retired, so that changing the price
        # does not force a change of plan.
        plans = Plan.objects.filter(is_active=True)
        if self.instance.pk:
            plans = plans | Plan.objects.filter(code=self.instance.plan_id)
        self.fields["plan"].queryset = plans
        self.fields["plan"].label_from_instance = lambda plan: plan.display_name

    def clean(self):
        cleaned = super().clean()
        started, renews = cleaned.get("started_on"), cleaned.get("renews_on")
        if started and renews and renews < started:
            self.add_error("renews_on", _("The renewal date cannot be before the start date."))
        ended = cleaned.get("ended_on")
        if started and ended and ended < started:
            self.add_error("ended_on", _("The end date cannot be before the start date."))
        return cleaned

    def model_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


def merchant_named(customers: QuerySet, text: str, *, keep: int | None = None) -> Customer:
    """The one customer of `customers` whose code, or name in any case, is `text` (a form's
    merchant box); when several share the name, `keep` (a customer id: the record's merchant
    when editing) is the one. ValidationError, in the user's language, for none or several."""
    text = " ".join(text.split())
    try:
        matches = customers.filter(code=uuid.UUID(text))
    except ValueError:
        matches = customers.filter(name__iexact=text)
    found = list(matches.filter(pk=keep)) if keep is not None else []
    found = found or list(matches[:2])
    if not found:
        raise forms.ValidationError(
            _("No merchant you may see is named “%(name)s”.") % {"name": text}
        )
    if len(found) > 1:
        raise forms.ValidationError(
            _(
                "Several merchants are named “%(name)s”: type the code in the address of "
                "the merchant's page instead."
            )
            % {"name": text}
        )
    return found[0]
