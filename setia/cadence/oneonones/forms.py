import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from setia.accounts.models import User
from setia.cadence.oneonones.models import Cadence, Meeting
from setia.customers.forms import FlexibleDateField

# Dates a 1:1 or an action item may take: far enough for any plan, never near the calendar's end
# (the next date is computed from the last one).
EARLIEST, LATEST = datetime.date(2000, 1, 1), datetime.date(2100, 12, 31)


def _in_range(day):
    if day is not None and not EARLIEST <= day <= LATEST:
        raise forms.ValidationError(_("Choose a date between 2000 and 2100."))
    return day


class SeriesForm(forms.Form):
    """A new series of 1:1s: with whom, how often, from when."""

    member = forms.ModelChoiceField(queryset=User.objects.none(), label=_("with"))
    cadence = forms.ChoiceField(label=_("cadence"), choices=Cadence.choices)
    next_date = FlexibleDateField(label=_("first meeting"))

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = partners

    def clean_next_date(self):
        return _in_range(self.cleaned_data["next_date"])


class AgendaForm(forms.Form):
    text = forms.CharField(label=_("agenda item"), max_length=300)


class NotesForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["impressions", "obstacles", "ideas"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields}


class PrivateNoteForm(forms.Form):
    text = forms.CharField(
        label=_("private note"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only you can read it."),
    )


class ActionItemForm(forms.Form):
    """An action item of a meeting: what, for which of the two, by when."""

    text = forms.CharField(label=_("action item"), max_length=200)
    owner = forms.ChoiceField(label=_("owner"))
    due_on = FlexibleDateField(label=_("due"))

    def __init__(self, *args, series, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {str(person.pk): person for person in (series.lead, series.member)}
        self.fields["owner"].choices = [(pk, str(person)) for pk, person in self.people.items()]

    def clean_owner(self):
        return self.people[self.cleaned_data["owner"]]

    def clean_due_on(self):
        return _in_range(self.cleaned_data["due_on"])
