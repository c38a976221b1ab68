"""Reading a customer's timeline one page at a time, for the 360 page and its htmx endpoint."""

import datetime
from dataclasses import dataclass

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from setia.core.pagination import MAX_ROWS
from setia.engagement.models import (
    Direction,
    Interaction,
    Message,
    OfferStatus,
    Outcome,
    ProductArea,
)
from setia.history.models import EventKind, TimelineEvent
from setia.lib.names import in_reader_language

PAGE_SIZE = 20


class TimelineFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    # No timeline is longer than the lists' limit: a larger offset would overflow SQLite's
    # integers (an odd page number reads as the first page).
    page = forms.IntegerField(min_value=1, max_value=MAX_ROWS // PAGE_SIZE, required=False)

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
    for event in rows:
        event.details = detail_rows(event)
    _attach_follow_up_tasks(rows)
    if not form.is_bound:
        form = TimelineFilterForm(initial={"kind": kind})
    return TimelinePage(
        events=rows[:PAGE_SIZE],
        kind=kind,
        number=number,
        has_next=len(rows) > PAGE_SIZE,
        form=form,
    )


def _attach_follow_up_tasks(events):
    """Give each interaction event with a follow-up date its follow-up tasks (and their state),
    in one query for the page, none when no event on it has a follow-up date.

    The tasks belong to a higher app (work), which links them to the interaction; they are
    read through the interaction's reverse relation, so this app does not import work."""
    ids = {
        int(event.source_id)
        for event in events
        if event.source_type == "engagement.interaction"
        and event.source_id.isdigit()
        and event.data.get("follow_up_on")
    }
    for event in events:
        event.follow_up_tasks = []
    if not ids:
        return
    tasks = Interaction._meta.get_field("follow_up_tasks").related_model._default_manager
    by_interaction = {}
    for task in tasks.filter(interaction__in=ids).select_related("owner").order_by("due_at", "id"):
        by_interaction.setdefault(task.interaction_id, []).append(task)
    for event in events:
        if event.source_type == "engagement.interaction" and event.source_id.isdigit():
            event.follow_up_tasks = by_interaction.get(int(event.source_id), [])


def detail_rows(event: TimelineEvent) -> list[tuple[str, str]]:
    """For interactions, messages and offers: (label, value) pairs of `event`'s data in the
    reader's language (the timeline stores choice values; their labels are this app's)."""
    data = event.data
    rows = []
    if data.get("contact"):
        rows.append((_("Contact"), data["contact"]))
    if data.get("direction") in Direction.values:
        rows.append((_("Direction"), Direction(data["direction"]).label))
    if data.get("outcome") in Outcome.values:
        rows.append((_("Outcome"), Outcome(data["outcome"]).label))
    if data.get("follow_up_on"):
        day = datetime.date.fromisoformat(data["follow_up_on"])
        rows.append((_("Follow up on"), formats.date_format(day, "DATE_FORMAT")))
    if data.get("themes"):
        rows.append((_("Themes"), ", ".join(data["themes"])))
    if data.get("area") in ProductArea.values:
        rows.append((_("Product area"), ProductArea(data["area"]).label))
    if data.get("release"):
        rows.append((_("Release"), data["release"]))
    if data.get("template"):
        rows.append(
            (_("Template"), in_reader_language(data["template"], data.get("template_name_id")))
        )
    if data.get("offer_status") in OfferStatus.values:
        rows.append((_("Offer"), OfferStatus(data["offer_status"]).label))
        rows.append(
            (
                _("Discount"),
                _("%(percent)s%% for %(months)s months")
                % {"percent": data.get("discount_percent"), "months": data.get("months")},
            )
        )
        if data.get("discount_until"):
            day = datetime.date.fromisoformat(data["discount_until"])
            rows.append((_("Discount until"), formats.date_format(day, "DATE_FORMAT")))
    if data.get("status") in Message.Status.values:
        rows.append((_("Status"), Message.Status(data["status"]).label))
    # A playbook's start says its reason in its text (rendered from its figures).
    if data.get("reason") and "trigger" not in data:
        rows.append((_("Reason"), data["reason"]))
    return [(str(label), str(value)) for label, value in rows]
