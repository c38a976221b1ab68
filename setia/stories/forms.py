from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from setia.accounts.models import User
from setia.customers.forms import FlexibleDateField, merchant_named
from setia.customers.models import Customer
from setia.lib.text import MEDIUM_TEXT, at_most
from setia.stories.models import Coverage, Publication, Question, Questionnaire, Story
from setia.stories.states import PLAIN_MOVES, ConsentChannel, State
from setia.work.schedule.forms import owner_choices

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class StoryForm(forms.ModelForm):
    """A new story: the merchant (named, or given by its code as the candidates page does),
    one the user may see, its questionnaire and what it is for."""

    merchant = forms.CharField(
        label=_("Merchant"),
        max_length=200,
        help_text=_("The store's name as in the CRM, or its code."),
    )

    class Meta:
        model = Story
        fields = ["questionnaire", "series"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.customers = Customer.objects.visible_to(user).alive()
        self.fields["questionnaire"].empty_label = None
        self.order_fields(["merchant", *self.Meta.fields])

    def clean_merchant(self):
        customers = self.customers.select_related("category")
        self.instance.customer = merchant_named(customers, self.cleaned_data["merchant"])
        return " ".join(self.cleaned_data["merchant"].split())


class MoveForm(forms.Form):
    """A move that needs no details; the action checks it against the story's state."""

    state = forms.ChoiceField(
        label=_("Move to"),
        choices=[(to, State(to).label) for to in sorted({t for _f, t in PLAIN_MOVES})],
    )
    note = forms.CharField(
        label=_("Note for the writer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=at_most(MEDIUM_TEXT),
    )


class ConsentForm(forms.Form):
    answer = forms.TypedChoiceField(
        label=_("Answer"),
        choices=[("yes", _("Consent given")), ("no", _("Declined"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    channel = forms.ChoiceField(label=_("By"), choices=ConsentChannel.choices)
    person = forms.CharField(
        label=_("Answered by"),
        max_length=120,
        help_text=_("The merchant's person who agreed or declined."),
    )
    answered_at = forms.DateTimeField(label=_("Answered at"), widget=DATETIME_WIDGET)


class ScheduleForm(forms.Form):
    interviewer = forms.ModelChoiceField(label=_("Interviewer"), queryset=User.objects.none())
    interview_at = forms.DateTimeField(label=_("Interview at"), widget=DATETIME_WIDGET)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        interviewer = self.fields["interviewer"]
        interviewer.queryset = owner_choices(user)
        interviewer.label_from_instance = lambda person: person.full_name or person.email
        interviewer.initial = user.pk


class AnswersForm(forms.Form):
    """One text box per question of the story's questionnaire, named by the question's id."""

    def __init__(self, *args, questions, answers: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        for question in questions:
            self.fields[f"q{question.pk}"] = forms.CharField(
                label=question.text(),
                required=False,
                initial=answers.get(question.pk, ""),
                widget=forms.Textarea(attrs={"rows": 3}),
                validators=at_most(MEDIUM_TEXT),
            )

    def texts(self) -> dict[int, str]:
        return {int(name[1:]): text for name, text in self.cleaned_data.items()}


class ArticleForm(forms.ModelForm):
    class Meta:
        model = Story
        fields = ["title", "article_id", "article_en"]
        widgets = {
            "article_id": forms.Textarea(attrs={"rows": 14}),
            "article_en": forms.Textarea(attrs={"rows": 14}),
        }


class PublicationForm(forms.ModelForm):
    published_on = FlexibleDateField(label=capfirst(_("published on")))
    link = forms.URLField(
        label=capfirst(_("link")), max_length=500, required=False, assume_scheme="https"
    )

    class Meta:
        model = Publication
        fields = ["channel", "published_on", "link"]


class CoverageForm(forms.ModelForm):
    published_on = FlexibleDateField(label=capfirst(_("published on")))
    link = forms.URLField(label=capfirst(_("link")), max_length=500, assume_scheme="https")

    class Meta:
        model = Coverage
        fields = ["outlet", "link", "published_on", "reach"]


class QuestionnaireForm(forms.ModelForm):
    class Meta:
        model = Questionnaire
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class _QuestionFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        for form in self.deleted_forms:
            question = form.instance
            if question.pk is not None and question.answers.exists():
                raise forms.ValidationError(
                    _("“%(question)s” has answers in a story and cannot be removed.")
                    % {"question": question.text()}
                )
        for form in self.forms:
            if form in self.deleted_forms or not form.has_changed():
                continue
            data = form.cleaned_data
            if bool(data.get("text_id")) != bool(data.get("text_en")):
                form.add_error(None, _("Write each question in both languages."))


QuestionFormSet = forms.inlineformset_factory(
    Questionnaire,
    Question,
    formset=_QuestionFormSet,
    fields=["text_id", "text_en"],
    extra=3,
    max_num=40,
    validate_max=True,
    can_delete=True,
)
