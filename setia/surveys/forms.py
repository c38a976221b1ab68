from django import forms
from django.utils.translation import gettext_lazy as _

from setia.surveys.models import Survey


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
        self.fields["score"].choices = [(value, str(value)) for value in survey.scale]

    def clean_comment(self):
        comment = self.cleaned_data["comment"]
        if "\x00" in comment:
            raise forms.ValidationError(_("The comment contains a character that is not allowed."))
        return comment.strip()
