from django import forms
from django.utils.translation import gettext_lazy as _

from setia.accounts.models import Role, Team, User
from setia.cadence.org.actions import MAX_TOPICS, parse_topics


class ChangeForm(forms.Form):
    """Move a person to another team and, for those who may, change their role."""

    person = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True).order_by("full_name", "pk"),
        label=_("person"),
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.order_by("name", "pk"),
        label=_("team"),
        required=False,
        empty_label=_("No team"),
        help_text=_("From now on; what they did before still counts for their earlier team."),
    )
    role = forms.ChoiceField(label=_("role"), required=False, choices=[])

    def __init__(self, *args, may_change_role: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if may_change_role:
            role = self.fields["role"]
            assert isinstance(role, forms.ChoiceField)
            role.choices = [("", _("Unchanged")), *Role.choices]
        else:
            del self.fields["role"]


class LeadForm(forms.Form):
    """Set a team's lead (one of its members) or leave it without one."""

    team = forms.ModelChoiceField(queryset=Team.objects.order_by("name", "pk"), label=_("team"))
    lead = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True).order_by("full_name", "pk"),
        label=_("lead"),
        required=False,
        empty_label=_("No lead"),
    )


class ExpertiseForm(forms.Form):
    topics = forms.CharField(
        label=_("Ask me about"),
        required=False,
        max_length=1500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Topics people can ask you about, one per line or separated by commas."),
    )

    def clean_topics(self):
        topics = parse_topics(self.cleaned_data["topics"])
        if len(topics) > MAX_TOPICS:
            raise forms.ValidationError(
                _("At most %(count)s topics."), params={"count": MAX_TOPICS}
            )
        if any(len(topic) > 60 for topic in topics):
            raise forms.ValidationError(_("A topic has at most 60 characters."))
        return topics


class DirectoryForm(forms.Form):
    q = forms.CharField(label=_("Who knows about…"), required=False, max_length=100)


class HistoryQueryForm(forms.Form):
    person = forms.ModelChoiceField(
        queryset=User.objects.order_by("full_name", "pk"), label=_("person"), required=False
    )


class ChangeQueryForm(forms.Form):
    """What the change and lead forms start from: `?person=` and `?team=`."""

    person = forms.ModelChoiceField(queryset=User.objects.filter(is_active=True), required=False)
    team = forms.ModelChoiceField(queryset=Team.objects.all(), required=False)
