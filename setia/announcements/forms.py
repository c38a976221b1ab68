from django import forms
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from setia.accounts.models import Role, Team
from setia.announcements.models import Announcement, Audience, Kind
from setia.engagement.models import Release


class RoleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return Role(obj.name).label


class AnnouncementForm(forms.ModelForm):
    roles = RoleChoiceField(
        label=_("Roles"),
        queryset=Group.objects.filter(name__in=Role.values).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams"),
        queryset=Team.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Announcement
        fields = [
            "kind",
            "title_id",
            "title_en",
            "body_id",
            "body_en",
            "release",
            "audience",
            "roles",
            "teams",
            "requires_acknowledgement",
            "remind_after_days",
        ]
        widgets = {
            "body_id": forms.Textarea(attrs={"rows": 6}),
            "body_en": forms.Textarea(attrs={"rows": 6}),
            "audience": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["release"].queryset = Release.objects.all()
        self.fields["remind_after_days"].widget.attrs.update(min=1, max=90)

    def clean(self):
        cleaned = super().clean()
        audience = cleaned.get("audience")
        if audience == Audience.ROLES and not cleaned.get("roles"):
            self.add_error("roles", _("Choose at least one role."))
        if audience == Audience.TEAMS and not cleaned.get("teams"):
            self.add_error("teams", _("Choose at least one team."))
        if cleaned.get("kind") == Kind.RELEASE and not cleaned.get("release"):
            self.add_error("release", _("Choose the release this announcement is about."))
        if cleaned.get("remind_after_days") and not cleaned.get("requires_acknowledgement"):
            self.add_error(
                "remind_after_days",
                _("Reminders are for announcements that require an acknowledgement."),
            )
        return cleaned

    def model_data(self) -> dict:
        """The announcement's own values; the audience's roles and teams apart (only those
        its audience uses are kept)."""
        data = {
            name: self.cleaned_data[name]
            for name in self.Meta.fields
            if name not in ("roles", "teams")
        }
        audience = self.cleaned_data["audience"]
        roles = self.cleaned_data["roles"] if audience == Audience.ROLES else []
        teams = self.cleaned_data["teams"] if audience == Audience.TEAMS else []
        return {"data": data, "roles": list(roles), "teams": list(teams)}
