from django import forms
from django.utils.translation import gettext_lazy as _

from setia.campaigns.models import Campaign
from setia.campaigns.statuses import Channel
from setia.customers.forms import FlexibleDateField
from setia.segments.models import Segment


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
            "starts_on",
            "ends_on",
            "content",
        ]
        widgets = {
            "objective": forms.Textarea(attrs={"rows": 3}),
            "partners": forms.CheckboxSelectMultiple,
            "content": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The segments the user may use: their own and the shared ones.
        self.fields["segment"].queryset = Segment.objects.usable_by(user).order_by("name")

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end cannot be before the start."))
        return cleaned
