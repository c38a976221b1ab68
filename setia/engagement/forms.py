from datetime import date

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from setia.accounts.models import User
from setia.customers.forms import FlexibleDateField, VersionedForm
from setia.customers.models import Contact
from setia.engagement.models import (
    Channel,
    Direction,
    Interaction,
    InteractionKind,
    MessageTemplate,
    OfferStatus,
    Outcome,
    ProductArea,
    Release,
    RetentionOffer,
)
from setia.engagement.templating import TemplateError, variables_in
from setia.lib.dates import today
from setia.lib.text import SHORT_TEXT, at_most

# Dates a filter or a release may carry: far enough either way for any real use, and inside
# what every database and time zone conversion handles.
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2100, 12, 31)


def check_day(day: date | None) -> date | None:
    """`day` when it lies between EARLIEST_DAY and LATEST_DAY; else a form error."""
    if day is not None and not EARLIEST_DAY <= day <= LATEST_DAY:
        raise forms.ValidationError(
            _("Enter a date between %(first)s and %(last)s.")
            % {"first": EARLIEST_DAY.year, "last": LATEST_DAY.year},
            code="out_of_range",
        )
    return day


class InteractionForm(forms.ModelForm):
    """Log an interaction. The defaults make a quick "called, reached them" two clicks away:
    everything but the kind is optional."""

    themes = forms.CharField(
        label=_("Themes"),
        required=False,
        max_length=300,
        help_text=_("Separate themes with commas, e.g. payment, store v2."),
    )

    class Meta:
        model = Interaction
        fields = [
            "kind",
            "contact",
            "direction",
            "outcome",
            "summary",
            "follow_up_on",
            "area",
            "release",
            "notes",
            "decisions",
            "action_items",
        ]
        field_classes = {"follow_up_on": FlexibleDateField}
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "decisions": forms.Textarea(attrs={"rows": 2}),
            "action_items": forms.Textarea(attrs={"rows": 2}),
        }

    MEETING_FIELDS = ("decisions", "action_items")
    # Outcomes that are complete without a summary: nobody was reached.
    ATTEMPTS = (Outcome.NO_ANSWER, Outcome.LEFT_MESSAGE)

    def __init__(self, *args, customer, kind=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.customer = customer
        self.fields["contact"].queryset = customer.contacts.all()
        self.fields["contact"].empty_label = _("Nobody in particular")
        self.fields["kind"].choices = InteractionKind.choices
        if kind in InteractionKind.values:
            self.initial.setdefault("kind", kind)
        chosen = self.initial.get("kind") or InteractionKind.CALL
        self.initial.setdefault("kind", chosen)
        if chosen != InteractionKind.NOTE:
            # Most calls and chats are with the primary contact.
            primary = customer.contacts.filter(is_primary=True).values_list("pk", flat=True)
            self.initial.setdefault("contact", primary.first())
        if chosen in (InteractionKind.CALL, InteractionKind.WHATSAPP, InteractionKind.EMAIL):
            self.initial.setdefault("direction", Direction.OUTBOUND)
            self.initial.setdefault("outcome", Outcome.REACHED)
        self.fields["summary"].widget.attrs["placeholder"] = _("What was it about?")
        self.fields["release"].to_field_name = "name"
        self.fields["release"].empty_label = _("The release in effect that day")
        if not self.is_bound and self.instance.pk is None:
            # Most interactions are about what the customers run now: the latest release.
            current = Release.objects.in_effect_on(today()).values_list("name", flat=True)
            self.initial.setdefault("release", current.first())

    def clean_themes(self) -> list[str]:
        return [name for name in self.cleaned_data["themes"].split(",") if name.strip()]

    def clean(self):
        cleaned = super().clean()
        written = ("summary", "notes", *self.MEETING_FIELDS)
        attempt = cleaned.get("outcome") in self.ATTEMPTS
        if not attempt and not any((cleaned.get(name) or "").strip() for name in written):
            # A log with nothing written says only that something happened; the timeline
            # needs what it was about. A call nobody answered says all there is.
            if cleaned.get("kind") == InteractionKind.NOTE:
                self.add_error("summary", _("Write the note."))
            else:
                self.add_error("summary", _("Write what it was about."))
        return cleaned

    def model_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class MessageTemplateForm(forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = [
            "name",
            "name_id",
            "channel",
            "language",
            "subject",
            "body",
            "whatsapp_template_name",
            "is_active",
        ]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}

    def _clean_text(self, name):
        text = self.cleaned_data.get(name, "")
        try:
            variables_in(text)
        except TemplateError as error:
            raise forms.ValidationError(error.message, code="template") from None
        return text

    def clean_subject(self):
        return self._clean_text("subject")

    def clean_body(self):
        return self._clean_text("body")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("channel") == Channel.EMAIL and not cleaned.get("subject"):
            self.add_error("subject", _("An email needs a subject."))
        return cleaned

    def model_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ComposeForm(forms.Form):
    """Choose a template, a contact and the values typed when sending, for one customer."""

    template = forms.ModelChoiceField(
        label=_("Template"),
        queryset=MessageTemplate.objects.none(),
        to_field_name="code",
        required=False,
    )
    contact: "forms.ModelChoiceField[Contact]" = forms.ModelChoiceField(
        label=_("Contact"), queryset=None
    )
    promo = forms.CharField(
        label=_("Promo"),
        required=False,
        max_length=300,
        help_text=_("Fills {promo}, e.g. Free shipping until 31 December."),
    )
    text = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=4000,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Your own words for WhatsApp, sent when no template is chosen."),
    )

    def __init__(self, *args, customer, channel=None, **kwargs):
        super().__init__(*args, **kwargs)
        templates = MessageTemplate.objects.filter(is_active=True)
        if channel:
            templates = templates.filter(channel=channel)
        self.fields["template"].queryset = templates
        self.fields["contact"].queryset = customer.contacts.all()
        self.fields["contact"].empty_label = None
        self.fields["template"].empty_label = _("No template: an empty chat")


class OfferForm(forms.ModelForm):
    class Meta:
        model = RetentionOffer
        fields = ["asked", "offered", "discount_percent", "months"]
        widgets = {
            "asked": forms.Textarea(attrs={"rows": 2}),
            "offered": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["discount_percent"].min_value = 1
        self.fields["discount_percent"].max_value = 100
        self.fields["discount_percent"].validators += [MinValueValidator(1), MaxValueValidator(100)]
        self.fields["months"].validators += [MinValueValidator(1), MaxValueValidator(36)]
        self.fields["discount_percent"].help_text = _(
            "Above %(threshold)s%% a manager approves the offer first."
        ) % {"threshold": settings.RETENTION_APPROVAL_THRESHOLD}

    def model_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class DecisionForm(VersionedForm):
    """A manager's approval or refusal of an offer, made from the version they saw."""

    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=at_most(SHORT_TEXT),
    )

    class Meta:
        model = RetentionOffer
        fields = ["reason"]


class OutcomeForm(VersionedForm):
    """The customer's answer to an approved offer, recorded from the version the user saw."""

    outcome = forms.ChoiceField(
        label=_("The customer"),
        choices=[
            (OfferStatus.ACCEPTED, _("accepted")),
            (OfferStatus.DECLINED, _("declined")),
            (OfferStatus.EXPIRED, _("did not answer in time (expired)")),
        ],
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=at_most(SHORT_TEXT),
    )

    class Meta:
        model = RetentionOffer
        fields = ["reason"]


class OfferFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All statuses")), *OfferStatus.choices]


class BulkSendForm(forms.Form):
    template = forms.ModelChoiceField(
        label=_("Template"),
        queryset=MessageTemplate.objects.filter(is_active=True),
        to_field_name="code",
    )
    promo = forms.CharField(label=_("Promo"), required=False, max_length=300)

    def __init__(self, *args, templates=None, **kwargs):
        super().__init__(*args, **kwargs)
        if templates is not None:
            # Only what can go out now (`bulk.bulk_templates`): not a channel that is not set up.
            self.fields["template"].queryset = templates


class BulkConfirmForm(BulkSendForm):
    query = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)
    expected = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    # Made on the preview: posting the same confirmation again finds the send it started.
    confirmation = forms.UUIDField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(label=_("I checked the preview and the number of customers."))


class ReleaseForm(forms.ModelForm):
    class Meta:
        model = Release
        fields = ["name", "area", "released_on", "notes"]
        field_classes = {"released_on": FlexibleDateField}
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("The whole store platform")), *ProductArea.choices]
        self.fields["name"].widget.attrs["placeholder"] = _("e.g. Toko v2")

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        others = Release.objects.exclude(pk=self.instance.pk)
        if others.filter(name__iexact=name).exists():
            raise forms.ValidationError(_("A release with this name exists already."))
        return name

    def clean_released_on(self):
        return check_day(self.cleaned_data["released_on"])

    def model_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class InteractionFilterForm(forms.Form):
    """The filters of the interactions list, read from its query string."""

    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *InteractionKind.choices]
    )
    area = forms.ChoiceField(
        label=_("Product area"),
        required=False,
        choices=[("", _("All areas")), *ProductArea.choices],
    )
    release = forms.ModelChoiceField(
        label=_("Release"),
        queryset=Release.objects.all(),
        to_field_name="name",
        required=False,
        empty_label=_("All releases"),
    )
    theme = forms.CharField(label=_("Theme"), required=False, max_length=60)
    complaints = forms.BooleanField(label=_("Only complaints"), required=False)
    start = FlexibleDateField(label=pgettext_lazy("date range", "From"), required=False)
    end = FlexibleDateField(label=pgettext_lazy("date range", "To"), required=False)
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=User.objects.filter(is_active=True),
        required=False,
        empty_label=_("All owners"),
    )

    def clean_start(self):
        return check_day(self.cleaned_data["start"])

    def clean_end(self):
        return check_day(self.cleaned_data["end"])

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end comes before the start."))
        return cleaned


class ComplaintReportForm(forms.Form):
    """The weeks and the area of the complaints report."""

    WEEKS = 26

    area = forms.ChoiceField(
        label=_("Product area"),
        required=False,
        choices=[("", _("All areas")), *ProductArea.choices],
    )
    start = FlexibleDateField(label=pgettext_lazy("date range", "From"), required=False)
    end = FlexibleDateField(label=pgettext_lazy("date range", "To"), required=False)

    def clean_start(self):
        return check_day(self.cleaned_data["start"])

    def clean_end(self):
        return check_day(self.cleaned_data["end"])

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end comes before the start."))
        elif start and end and (end - start).days > 7 * 156:
            self.add_error("end", _("Choose at most three years."))
        return cleaned
