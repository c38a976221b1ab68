from django import forms
from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from setia.campaigns import captions
from setia.campaigns.models import Campaign, Milestone, Promotion
from setia.campaigns.statuses import Channel
from setia.customers.forms import FlexibleDateField, merchant_named
from setia.customers.models import Category, Customer
from setia.lib.text import MEDIUM_TEXT, at_most
from setia.segments.models import Segment
from setia.tiers.models import Tier


class CampaignForm(forms.ModelForm):
    channels = forms.MultipleChoiceField(
        label=_("Channels"),
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    starts_on = FlexibleDateField(label=_("starts on"))
    ends_on = FlexibleDateField(label=_("ends on"))

    class Meta:
        model = Campaign
        fields = [
            "name",
            "objective",
            "partners",
            "channels",
            "segment",
            "audience_tiers",
            "audience_categories",
            "starts_on",
            "ends_on",
            "content",
        ]
        widgets = {
            "objective": forms.Textarea(attrs={"rows": 3}),
            "partners": forms.CheckboxSelectMultiple,
            "audience_tiers": forms.CheckboxSelectMultiple,
            "audience_categories": forms.CheckboxSelectMultiple,
            "content": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The segments the user may use: their own and the shared ones.
        self.fields["segment"].queryset = Segment.objects.usable_by(user).order_by("name")
        self.fields["audience_tiers"].queryset = Tier.objects.order_by("position")
        self.fields["audience_categories"].queryset = Category.objects.order_by("name")
        for name in ("audience_tiers", "audience_categories"):
            self.fields[name].label_from_instance = lambda row: row.display_name

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end cannot be before the start."))
        return cleaned


class MilestoneForm(forms.ModelForm):
    """A milestone of a campaign or initiative: a title and its due date."""

    due_on = FlexibleDateField(label=capfirst(_("due on")))

    class Meta:
        model = Milestone
        fields = ["title", "due_on"]


class PromotionForm(forms.ModelForm):
    """A merchant's promotion. The merchant is named (or given by its code, as a link from its
    page does) and must be one the user may see."""

    merchant = forms.CharField(
        label=_("Merchant"),
        max_length=200,
        help_text=_("The store's name as in the CRM, or its code."),
    )
    # The model's lowercase names, capitalised as Django does for the fields it makes itself.
    starts_on = FlexibleDateField(label=capfirst(_("starts on")))
    ends_on = FlexibleDateField(label=capfirst(_("ends on")))
    link = forms.URLField(label=capfirst(_("link")), max_length=500, assume_scheme="https")

    class Meta:
        model = Promotion
        fields = ["name", "starts_on", "ends_on", "discount", "link", "campaign"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.customers = Customer.objects.visible_to(user).alive()
        self.fields["campaign"].queryset = Campaign.objects.order_by("-starts_on", "-id")
        self.order_fields(["merchant", *self.Meta.fields])

    def clean_merchant(self):
        # Editing keeps the promotion's merchant even when another one has the same name.
        self.instance.customer = merchant_named(
            self.customers, self.cleaned_data["merchant"], keep=self.instance.customer_id
        )
        return " ".join(self.cleaned_data["merchant"].split())

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end cannot be before the start."))
        return cleaned


class CampaignPromotionForm(forms.Form):
    """One promotion for every joined participant of a campaign."""

    name = forms.CharField(label=_("Promotion"), max_length=200)
    starts_on = FlexibleDateField(label=capfirst(_("starts on")))
    ends_on = FlexibleDateField(label=capfirst(_("ends on")))
    discount = forms.CharField(
        label=_("Discount"), max_length=100, help_text=_("For example 20%, or Free shipping.")
    )
    link = forms.URLField(
        label=capfirst(_("link")),
        max_length=500,
        assume_scheme="https",
        help_text=_("The same link for every merchant, such as the campaign's page."),
    )

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end cannot be before the start."))
        return cleaned


class PromotionImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_(
            "Columns: merchant (name or code), promotion, starts on, ends on, discount, link, "
            "and optionally campaign; English or Indonesian headers."
        ),
    )


class CaptionTemplateForm(forms.Form):
    """The weekly caption's template in each language."""

    def __init__(self, *args, initial_texts: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for language, label in settings.LANGUAGES:
            self.fields[language] = forms.CharField(
                label=label,
                initial=initial_texts[language],
                widget=forms.Textarea(attrs={"rows": 6}),
                validators=[captions.validate_template, *at_most(MEDIUM_TEXT)],
                strip=False,
                help_text=_("Placeholders: {week} and {promotions}."),
            )
