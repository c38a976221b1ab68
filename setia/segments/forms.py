from django import forms
from django.utils.translation import gettext_lazy as _

from setia.segments.models import Segment, clean_query


class SegmentForm(forms.ModelForm):
    """Name and sharing of a segment; the filter itself comes from the customers list."""

    class Meta:
        model = Segment
        fields = ["name", "is_shared", "query"]
        widgets = {"query": forms.HiddenInput}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.owner = self.instance.owner if self.instance.pk else user
        self.fields["name"].widget.attrs["autofocus"] = True
        if not user.has_perm("segments.share_segment"):
            # Interns and viewers keep their segments to themselves; an already-shared segment
            # a manager lets them edit keeps its setting.
            self.fields["is_shared"].disabled = True

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Give the segment a name."))
        taken = Segment.objects.filter(owner=self.owner, name__iexact=name)
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("You already have a segment with this name."))
        return name

    def clean_query(self):
        query = clean_query(self.cleaned_data.get("query") or "")
        if not query:
            raise forms.ValidationError(
                _("Choose at least one filter on the customers list before saving a segment.")
            )
        return query

    def model_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
