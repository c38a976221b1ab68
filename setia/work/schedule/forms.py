from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from setia.accounts.models import Role, User
from setia.core.forms import IdField, MonthField
from setia.customers.forms import VersionedForm
from setia.customers.models import Customer
from setia.work.schedule.models import Task


def owner_choices(user):
    """Whom `user` may give a task to: any active manager, executive or intern (managers), their team (executives),
    or only themselves (interns)."""
    people = User.objects.filter(is_active=True)
    if user.has_perm("work.view_all_tasks"):
        return people.filter(
            groups__name__in=[Role.MANAGER, Role.EXECUTIVE, Role.INTERN]
        ).distinct()
    if user.has_perm("work.assign_task") and user.team_id:
        return people.filter(Q(team_id=user.team_id) | Q(pk=user.pk))
    return people.filter(pk=user.pk)


class TaskForm(VersionedForm):
    checklist = forms.CharField(
        label=_("Checklist"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One item per line."),
    )

    class Meta:
        model = Task
        fields = ["title", "customer", "owner", "due_at", "priority", "recurrence", "notes"]
        widgets = {
            "due_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "customer": forms.HiddenInput,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # The customers the user may give a task to; the page looks the chosen one up here.
        self.customers = Customer.objects.visible_to(user).alive()
        self.fields["customer"].queryset = self.customers
        self.fields["customer"].to_field_name = "code"
        owner = self.fields["owner"]
        owner.queryset = owner_choices(user)
        owner.label_from_instance = lambda person: person.full_name or person.email
        # An empty owner means "assign fairly", for those allowed to.
        self.can_assign_fairly = user.has_perm("work.assign_fairly")
        owner.required = not self.can_assign_fairly
        owner.empty_label = _("Assign fairly in the team") if self.can_assign_fairly else None
        if not self.instance.pk:
            self.fields["owner"].initial = user.pk
        else:
            self.fields.pop("checklist")

    def clean(self):
        data = super().clean()
        if self.can_assign_fairly and not data.get("owner"):
            customer = data.get("customer")
            if not (customer and customer.team_id) and not self.user.team_id:
                raise forms.ValidationError(
                    _("Choose an owner: fair assignment needs a customer with a team.")
                )
        return data

    def checklist_items(self) -> list[str]:
        lines = self.cleaned_data.get("checklist", "").splitlines()
        return [line.strip(" -\t")[:200] for line in lines if line.strip(" -\t")]

    def model_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class CalendarForm(forms.Form):
    """The calendar's query string: the month shown (this month when absent, the day's month
    when a day is chosen) and the day whose every task is listed under the grid."""

    month = MonthField(label=_("Month"), required=False)
    day = forms.DateField(label=_("Day"), required=False, input_formats=["%Y-%m-%d"])


class BoardForm(forms.Form):
    """The team board's team, by id, chosen by those who see every team's tasks."""

    team = IdField(label=_("Team"), required=False)
