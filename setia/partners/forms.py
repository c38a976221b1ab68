from django import forms
from django.utils.translation import gettext_lazy as _

from setia.accounts.models import Role, User
from setia.customers.forms import FlexibleDateField
from setia.customers.models import Category
from setia.lib.phones import PhoneError, normalise_phone
from setia.lib.reading import FileError, open_table
from setia.partners.models import Agreement, Meeting, Partner, PartnerContact, Programme
from setia.work.schedule.forms import owner_choices


def _person_label(person) -> str:
    return person.full_name or person.email


class PartnerForm(forms.ModelForm):
    # An address typed without its scheme is a web site's: https.
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Partner
        fields = ["name", "kind", "status", "website", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}


class PartnerContactForm(forms.ModelForm):
    class Meta:
        model = PartnerContact
        fields = ["name", "position", "email", "phone"]
        widgets = {
            "phone": forms.TextInput(attrs={"inputmode": "tel", "placeholder": "0812-3456-7890"})
        }

    def clean_phone(self):
        value = self.cleaned_data.get("phone", "").strip()
        if not value:
            return ""
        try:
            return normalise_phone(value)
        except PhoneError as error:
            raise forms.ValidationError(error.message, code="invalid_phone") from None


class _DatesForm(forms.ModelForm):
    starts_on = FlexibleDateField(label=_("starts on"))
    ends_on = FlexibleDateField(label=_("ends on"), required=False)

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end cannot be before the start."))
        return cleaned


class AgreementForm(_DatesForm):
    class Meta:
        model = Agreement
        fields = ["title", "starts_on", "ends_on", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class ProgrammeForm(_DatesForm):
    class Meta:
        model = Programme
        fields = ["name", "offer", "min_tier", "categories", "starts_on", "ends_on"]
        widgets = {
            "offer": forms.Textarea(attrs={"rows": 3}),
            "categories": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["min_tier"].label_from_instance = lambda tier: tier.display_name
        categories = self.fields["categories"]
        categories.queryset = Category.objects.filter(is_active=True)
        categories.label_from_instance = lambda category: category.display_name


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["partner", "title", "held_at", "attendees", "guests", "minutes", "decisions"]
        widgets = {
            "held_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "attendees": forms.CheckboxSelectMultiple,
            "guests": forms.Textarea(attrs={"rows": 2}),
            "minutes": forms.Textarea(attrs={"rows": 8}),
            "decisions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].empty_label = _("Internal meeting")
        attendees = self.fields["attendees"]
        attendees.queryset = (
            User.objects.filter(
                is_active=True, groups__name__in=[Role.MANAGER, Role.EXECUTIVE, Role.INTERN]
            )
            .distinct()
            .order_by("full_name", "email")
        )
        attendees.label_from_instance = _person_label


class ActionItemForm(forms.Form):
    """One action item; a row left empty is skipped."""

    text = forms.CharField(label=_("Action"), max_length=200, required=False)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    due_on = FlexibleDateField(label=_("Due"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owner_choices(user)
        self.fields["owner"].label_from_instance = _person_label

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("text"):
            if cleaned.get("owner") or cleaned.get("due_on"):
                self.add_error("text", _("Say what is to be done."))
            return cleaned
        if not cleaned.get("owner"):
            self.add_error("owner", _("Choose who does it."))
        if not cleaned.get("due_on"):
            self.add_error("due_on", _("Choose by when."))
        return cleaned


ActionItemFormSet = forms.formset_factory(ActionItemForm, extra=3, max_num=20, validate_max=True)


class RateCardUploadForm(forms.Form):
    """A courier's price sheet (CSV or XLSX), read as the customer imports read files."""

    file = forms.FileField(
        label=_("Price sheet"),
        help_text=_(
            "CSV or XLSX with origin, destination, service, weight, price and ETA "
            "(asal, tujuan, layanan, berat, harga or tarif, estimasi)."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Only check the file"),
        required=False,
        help_text=_("Shows what the import would do and its errors, and saves nothing."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.table = None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            # Read as a stream: the rows are read from the upload again when imported.
            self.table = open_table(upload)
        except FileError as error:
            raise forms.ValidationError(error.message) from None
        return upload
