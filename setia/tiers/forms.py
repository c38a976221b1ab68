from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from setia.core.forms import MonthField
from setia.core.http import valid_parameters
from setia.customers.forms import RupiahField
from setia.customers.models import Category
from setia.lib.dates import month_start
from setia.tiers.models import Tier, TierRule


class TierForm(forms.ModelForm):
    """A tier's names, colour and general threshold (the rule for every category)."""

    min_gmv_90d = RupiahField(
        label=_("minimum 90-day GMV (Rp), every category"),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    class Meta:
        model = Tier
        fields = ["name", "name_id", "aliases", "colour"]
        widgets = {"colour": forms.TextInput(attrs={"type": "color"})}

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Give the tier a name."))
        return name

    def clean_name_id(self):
        return " ".join(self.cleaned_data["name_id"].split())

    def clean_colour(self):
        return self.cleaned_data["colour"].lower()


class TierRuleForm(forms.ModelForm):
    """A category's own threshold for a tier."""

    min_gmv_90d = RupiahField(
        label=_("minimum 90-day GMV (Rp)"),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    class Meta:
        model = TierRule
        fields = ["tier", "category", "min_gmv_90d"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].required = True
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        self.fields["category"].help_text = ""
        for name in ("tier", "category"):
            self.fields[name].label_from_instance = lambda row: row.display_name

    def clean(self):
        cleaned = super().clean()
        tier, category = cleaned.get("tier"), cleaned.get("category")
        if tier and category and TierRule.objects.filter(tier=tier, category=category).exists():
            raise forms.ValidationError(
                _("%(category)s already has its own %(tier)s rule; delete it first.")
                % {"category": category.display_name, "tier": tier.display_name}
            )
        return cleaned


class MonthForm(forms.Form):
    """The report's month, `2026-11`: the current month when absent, a 400 with a message when
    malformed (see `MonthField`)."""

    month = MonthField(label=_("Month"), required=False)

    def month_start(self, default: date) -> date:
        """The first day of the month asked for, or of `default`'s month when none was;
        InvalidParameter (a 400) for a malformed one."""
        return valid_parameters(self)["month"] or month_start(default)
