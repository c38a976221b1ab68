import datetime
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from setia.accounts.models import Team, User
from setia.cadence.kpis import MANUAL, NPS
from setia.cadence.models import Checkpoint, Target, WeeklyRecipient
from setia.core.forms import MonthField
from setia.lib.dates import MONTH_YEARS


class MonthQueryForm(forms.Form):
    """The page's month, `2026-11`; this month when absent."""

    month = MonthField(label=_("Month"), required=False)


# The NPS runs from -100 to 100: a target above is a typing mistake.
NPS_MAX = 100
NPS_TOO_HIGH = _("An NPS target is a score of at most 100.")


class TargetForm(forms.ModelForm):
    """A new target: month, KPI (a hand-entered one needs a name), a team or a person, figure."""

    month = MonthField(label=_("Month"), help_text=_("As YYYY-MM, e.g. 2026-11."))

    class Meta:
        model = Target
        fields = ["month", "kpi", "name", "team", "user", "value", "manual_actual"]
        help_texts = {
            "name": _("Only for a KPI entered by hand."),
            "manual_actual": _("Only for a KPI entered by hand: the figure reached so far."),
            "user": _("Choose a team or a person, not both."),
            "value": _("A count; rupiah for GMV and revenue kept; a score up to 100 for the NPS."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.all()
        self.fields["user"].queryset = User.objects.filter(is_active=True)
        self.fields["value"].widget.attrs["inputmode"] = "numeric"

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("team")) == bool(cleaned.get("user")):
            raise forms.ValidationError(_("Choose a team or a person, not both."))
        if cleaned.get("kpi") == MANUAL:
            cleaned["name"] = " ".join((cleaned.get("name") or "").split())
            if not cleaned["name"]:
                self.add_error("name", _("Name the KPI you will enter by hand."))
        else:
            cleaned["name"], cleaned["manual_actual"] = "", None
        if cleaned.get("kpi") == NPS and (cleaned.get("value") or 0) > NPS_MAX:
            self.add_error("value", NPS_TOO_HIGH)
        return cleaned


class TargetEditForm(forms.Form):
    value = forms.IntegerField(label=_("target"), min_value=0, max_value=2**63 - 1)
    manual_actual = forms.IntegerField(
        label=_("actual"), min_value=0, max_value=2**63 - 1, required=False
    )

    def __init__(self, *args, kpi: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.kpi = kpi

    def clean_value(self):
        value = self.cleaned_data["value"]
        if self.kpi == NPS and value > NPS_MAX:
            raise forms.ValidationError(NPS_TOO_HIGH)
        return value


class CheckpointForm(forms.ModelForm):
    class Meta:
        model = Checkpoint
        fields = ["planned", "done", "blockers", "note"]
        widgets = {
            "planned": forms.Textarea(attrs={"rows": 4}),
            "done": forms.Textarea(attrs={"rows": 4}),
            "blockers": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"blockers": _("What stops you; your lead reads it.")}


class TeamDayForm(forms.Form):
    """The team and day of the team's checkpoints page."""

    team = forms.ModelChoiceField(label=_("team"), queryset=Team.objects.none(), required=False)
    day = forms.DateField(
        label=_("day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams


class WeekField(forms.CharField):
    """An ISO week written `2026-W47`, cleaned to its Monday (None when empty)."""

    default_error_messages = {"invalid": _("Enter a week as YYYY-Www, e.g. 2026-W47.")}

    def to_python(self, value) -> datetime.date | None:  # type: ignore[override]
        text = (super().to_python(value) or "").strip().upper()
        if not text:
            return None
        match = re.fullmatch(r"(\d{4})-?W(\d{2})", text, re.ASCII)
        try:
            if match is None:
                raise ValueError(text)
            year, week = int(match.group(1)), int(match.group(2))
            if not MONTH_YEARS[0] <= year <= MONTH_YEARS[1]:
                raise ValueError(text)
            return datetime.date.fromisocalendar(year, week, 1)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class WeeklyForm(forms.Form):
    """The weekly update's week, and its team or person (one of the two)."""

    week = WeekField(label=_("Week"), required=False)
    team = forms.ModelChoiceField(label=_("team"), queryset=Team.objects.none(), required=False)
    person = forms.ModelChoiceField(label=_("person"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, teams, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["person"].queryset = people


class WeeklyRecipientForm(forms.ModelForm):
    """An address for the Monday e-mail of one team's weekly update, or of every team's."""

    class Meta:
        model = WeeklyRecipient
        fields = ["email", "team"]

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()
