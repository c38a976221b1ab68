"""The thresholds page's form: every trigger rule's threshold, days and on/off."""

from django import forms
from django.utils.translation import gettext_lazy as _

from setia.work.automation.models import TriggerRule


class TriggerRuleForm(forms.ModelForm):
    class Meta:
        model = TriggerRule
        fields = ["threshold", "window_days", "is_active"]
        widgets = {
            "threshold": forms.NumberInput(attrs={"min": 0, "class": "narrow"}),
            "window_days": forms.NumberInput(attrs={"min": 1, "class": "narrow"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A kind that takes no threshold (or no days) gets no box for it: a "0" there would
        # look like a setting that does something.
        if self.instance.threshold_unit is None:
            del self.fields["threshold"]
        if not self.instance.takes_days:
            del self.fields["window_days"]

    def clean_window_days(self):
        days = self.cleaned_data["window_days"]
        if days < 1:
            raise forms.ValidationError(_("At least one day."))
        return days


# Edit only: the rules come with the playbooks; a tampered form count adds none.
TriggerRuleFormSet = forms.modelformset_factory(
    TriggerRule, form=TriggerRuleForm, extra=0, edit_only=True
)
