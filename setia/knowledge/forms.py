from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from setia.accounts.models import User
from setia.engagement.models import ProductArea
from setia.knowledge.models import Article, Audience, State, Synonym

MESSAGE_LIMIT = 5000  # characters of a pasted message that are searched


class ArticleForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = [
            "key",
            "area",
            "question_id",
            "question_en",
            "variants",
            "answer_id",
            "answer_en",
            "tags",
            "audience",
            "owner",
            "review_on",
        ]
        widgets = {
            "variants": forms.Textarea(attrs={"rows": 4}),
            "answer_id": forms.Textarea(attrs={"rows": 5}),
            "answer_en": forms.Textarea(attrs={"rows": 5}),
            "review_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_active=True).order_by("full_name")

    def clean_term(self):
        """An existing term is changed, not refused as taken: its row becomes the instance.
        Looked up after the field's own checks (a NUL character is refused there, before it
        could reach PostgreSQL)."""
        term = self.cleaned_data["term"]
        self.instance = Synonym.objects.filter(term=term).first() or self.instance
        return term

    def model_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ArticleFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    area = forms.ChoiceField(
        label=_("Product area"),
        required=False,
        choices=[("", pgettext_lazy("filter", "All areas")), *ProductArea.choices],
    )
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", pgettext_lazy("filter", "All states")), *State.choices],
    )
    audience = forms.ChoiceField(
        label=_("Audience"),
        required=False,
        choices=[("", pgettext_lazy("filter", "Everyone")), *Audience.choices],
    )
    review_due = forms.BooleanField(label=_("Review due"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[("", _("By area")), ("used", _("Most used")), ("updated", _("Recently changed"))],
    )


class SuggestForm(forms.Form):
    q = forms.CharField(
        label=_("Customer's message"),
        max_length=MESSAGE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Paste it as written, greetings and all."),
    )


class SynonymForm(forms.ModelForm):
    class Meta:
        model = Synonym
        fields = ["term", "variants"]
        widgets = {"variants": forms.Textarea(attrs={"rows": 2})}

    def clean_term(self):
        """An existing term is changed, not refused as taken: its row becomes the instance.
        Looked up after the field's own checks (a NUL character is refused there, before it
        could reach PostgreSQL)."""
        term = self.cleaned_data["term"]
        self.instance = Synonym.objects.filter(term=term).first() or self.instance
        return term

    def model_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class SendBackForm(forms.Form):
    """Why a manager sends a draft answer back to its owner."""

    reason = forms.CharField(label=_("Why (the owner is told)"), max_length=500, strip=True)
