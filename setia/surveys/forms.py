from django import forms
from django.utils.translation import gettext_lazy as _

from setia.accounts.models import User
from setia.customers.models import Category
from setia.surveys.models import Survey
from setia.tiers.models import Tier


class AnswerForm(forms.Form):
    """A contact's answer on the public page: a score of the survey's scale and a comment."""

    score = forms.TypedChoiceField(
        label=_("Your answer"), coerce=int, widget=forms.RadioSelect, choices=()
    )
    comment = forms.CharField(
        label=_("Why? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, survey: Survey, **kwargs):
        super().__init__(*args, **kwargs)
        score = self.fields["score"]
        assert isinstance(score, forms.TypedChoiceField)
        score.choices = [(value, str(value)) for value in survey.scale]

    def clean_comment(self):
        comment = self.cleaned_data["comment"]
        if "\x00" in comment:
            raise forms.ValidationError(_("The comment contains a character that is not allowed."))
        return comment.strip()


class ReportForm(forms.Form):
    """The report's filters, from the query string."""

    group = forms.ChoiceField(
        label=_("Group by"),
        required=False,
        choices=[("tier", _("Tier")), ("category", _("Category")), ("owner", _("Owner"))],
    )
    since = forms.DateField(
        label=_("Sent from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Sent until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    tier: "forms.ModelChoiceField[Tier]" = forms.ModelChoiceField(
        label=_("Tier"), required=False, queryset=None
    )
    category: "forms.ModelChoiceField[Category]" = forms.ModelChoiceField(
        label=_("Category"), required=False, queryset=None
    )
    owner: "forms.ModelChoiceField[User]" = forms.ModelChoiceField(
        label=_("Owner"), required=False, queryset=None
    )

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tier"].queryset = Tier.objects.all()
        self.fields["category"].queryset = Category.objects.all()
        self.fields["owner"].queryset = owners

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError(_("The first day is after the last."))
        data["group"] = data.get("group") or "tier"
        return data
