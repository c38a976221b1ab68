from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from setia.accounts.models import Team, User
from setia.customers.models import Category, Customer, validate_search
from setia.segments.models import Segment

# The most a count posted back from a preview can be (PositiveIntegerField's range).
MAX_COUNT = 2**31 - 1


class ReassignForm(forms.Form):
    """Which customers (the customers list's filters, by the list's own names, so a link from
    the list fills them in: an owner or a team is required) and where they go (a new owner, a
    new team, or both). `expected` is the preview's count, posted back with the confirmation."""

    owner = forms.ModelChoiceField(User.objects.all(), label=_("from owner"), required=False)
    team = forms.ModelChoiceField(Team.objects.all(), label=_("from team"), required=False)
    segment = forms.ModelChoiceField(
        Segment.objects.none(), label=_("segment"), to_field_name="code", required=False
    )
    category = forms.ModelChoiceField(
        Category.objects.all(), label=_("category"), to_field_name="slug", required=False
    )
    city = forms.CharField(label=_("city"), max_length=100, required=False)
    status = forms.ChoiceField(
        label=_("status"), choices=[("", "—"), *Customer.Status.choices], required=False
    )
    tier = forms.SlugField(label=_("tier"), max_length=50, required=False)
    health = forms.ChoiceField(
        label=_("health"),
        choices=[
            ("", "—"),
            ("g", pgettext_lazy("health grade", "Good")),
            ("a", pgettext_lazy("health grade", "Average")),
            ("p", pgettext_lazy("health grade", "Poor")),
        ],
        required=False,
    )
    q = forms.CharField(label=_("search"), max_length=100, required=False)
    to_owner = forms.ModelChoiceField(
        User.objects.filter(is_active=True), label=_("new owner"), required=False
    )
    to_team = forms.ModelChoiceField(
        Team.objects.all(),
        label=_("new team"),
        required=False,
        help_text=_("Empty: each customer takes its new owner's team."),
    )
    expected = forms.IntegerField(
        min_value=0, max_value=MAX_COUNT, required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["segment"].queryset = Segment.objects.usable_by(user)

    def clean_q(self):
        text = " ".join(self.cleaned_data["q"].split())
        if text:
            validate_search(text)
        return text

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("owner") and not cleaned.get("team"):
            raise ValidationError(_("Choose the owner or the team the customers move from."))
        to_owner, to_team = cleaned.get("to_owner"), cleaned.get("to_team")
        if not to_owner and not to_team:
            raise ValidationError(_("Choose a new owner or a new team."))
        if to_owner and to_owner == cleaned.get("owner") and not to_team:
            self.add_error("to_owner", _("The new owner is the one they move from."))
        return cleaned

    def list_query(self) -> QueryDict:
        """The customers list's query string for the chosen customers."""
        query = QueryDict(mutable=True)
        cleaned = self.cleaned_data
        for name in ("owner", "team"):
            if cleaned.get(name):
                query[name] = str(cleaned[name].pk)
        if cleaned.get("segment"):
            query["segment"] = str(cleaned["segment"].code)
        if cleaned.get("category"):
            query["category"] = cleaned["category"].slug
        for name in ("city", "status", "tier", "health", "q"):
            if cleaned.get(name):
                query[name] = cleaned[name]
        return query


class PeopleField(forms.ModelMultipleChoiceField):
    """People by id; an id that is no number of the database's range is an invalid choice, not
    a query that fails."""

    def _check_values(self, value):
        for pk in value:
            text = str(pk)
            if not (text.isascii() and text.isdigit() and int(text) < 2**63):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class HandoverForm(forms.Form):
    """A person leaving: who receives their customers and tasks, in which team, and whether
    their account is disabled. `expected` as on `ReassignForm`."""

    person = forms.ModelChoiceField(User.objects.all(), label=_("person leaving"))
    receivers = PeopleField(
        User.objects.filter(is_active=True),
        label=_("receivers"),
        help_text=_("Several: the customers are shared fairly, each to the one owning the fewest."),
    )
    to_team = forms.ModelChoiceField(
        Team.objects.all(),
        label=_("new team"),
        required=False,
        help_text=_("Empty: each customer takes its new owner's team."),
    )
    deactivate = forms.BooleanField(label=_("disable their account"), required=False)
    expected = forms.IntegerField(
        min_value=0, max_value=MAX_COUNT, required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        cleaned = super().clean()
        person, receivers = cleaned.get("person"), cleaned.get("receivers") or []
        if person is not None and person in receivers:
            self.add_error("receivers", _("The person leaving cannot receive their own work."))
        if person is not None and person.pk == self.user.pk and cleaned.get("deactivate"):
            self.add_error("deactivate", _("You cannot disable your own account."))
        return cleaned
