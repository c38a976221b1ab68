"""Reading a customer's timeline one page at a time, for the 360 page and its htmx endpoint."""

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from setia.engagement.models import EventKind, TimelineEvent

PAGE_SIZE = 20


class TimelineFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    page = forms.IntegerField(min_value=1, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Everything")), *EventKind.choices]
        self.fields["kind"].widget.attrs["id"] = "timeline-kind"


@dataclass
class TimelinePage:
    events: list[TimelineEvent]
    kind: str
    number: int
    has_next: bool
    form: TimelineFilterForm

    @property
    def next_number(self) -> int:
        return self.number + 1


def timeline_page(customer, params) -> TimelinePage:
    """The page of `customer`'s events that `params` (a QueryDict) asks for, newest first.

    One query: it reads one row more than a page to know whether an older page exists, instead
    of counting every event (a customer can have thousands).
    """
    form = TimelineFilterForm(params or None)
    data = form.cleaned_data if form.is_valid() else {}
    kind = data.get("kind") or ""
    number = data.get("page") or 1
    start = (number - 1) * PAGE_SIZE
    rows = list(
        TimelineEvent.objects.for_customer(customer)
        .of_kind(kind)
        .select_related("actor")[start : start + PAGE_SIZE + 1]
    )
    if not form.is_bound:
        form = TimelineFilterForm(initial={"kind": kind})
    return TimelinePage(
        events=rows[:PAGE_SIZE],
        kind=kind,
        number=number,
        has_next=len(rows) > PAGE_SIZE,
        form=form,
    )
