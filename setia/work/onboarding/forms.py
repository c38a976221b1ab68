"""The onboarding pages' query strings and the move form: a malformed value is an error."""

from django import forms
from django.utils.translation import gettext_lazy as _

from setia.core.forms import IdField
from setia.work.onboarding.models import Stage


class PipelineListForm(forms.Form):
    """The pipeline list's filters: a stage by id, and only the stalled ones (`stalled=1`)."""

    stage = IdField(label=_("Stage"), required=False)
    stalled = forms.ChoiceField(
        label=_("Only stalled"), required=False, choices=[("", ""), ("1", "1")]
    )


class MoveForm(forms.Form):
    """The stage a customer moves to."""

    stage = forms.ModelChoiceField(
        label=_("Stage"),
        queryset=Stage.objects.all(),
        error_messages={"required": _("Choose a stage."), "invalid_choice": _("Choose a stage.")},
    )
