from django import forms
from django.utils.translation import gettext_lazy as _

from setia.webhooks import events
from setia.webhooks.actions import check_address
from setia.webhooks.models import Webhook


class WebhookForm(forms.ModelForm):
    """A webhook's name, address, events and (when editing) whether it is on."""

    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("The receiver's address (http or https); Setia POSTs each event to it."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=events.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event.")},
    )

    class Meta:
        model = Webhook
        fields = ["name", "url", "events", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["is_active"]

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Give the webhook a name."))
        return name

    def clean_url(self):
        url = self.cleaned_data["url"]
        problem = check_address(url)
        if problem:
            raise forms.ValidationError(problem)
        return url
