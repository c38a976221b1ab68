from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

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
    RetentionOffer,
)
from setia.engagement.templating import TemplateError, variables_in
from setia.lib.text import SHORT_TEXT, at_most


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
