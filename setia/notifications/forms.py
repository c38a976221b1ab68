from django import forms

from setia.notifications.models import Delivery, Kind


class PreferencesForm(forms.Form):
    """One choice of e-mail delivery per kind of notification."""

    def __init__(self, *args, initial_choices: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in Kind.choices:
            self.fields[kind] = forms.ChoiceField(
                label=label,
                choices=Delivery.choices,
                initial=initial_choices[kind],
            )
