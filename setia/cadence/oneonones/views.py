"""The 1:1 pages: my 1:1s (and starting one), a series with its meetings, a meeting. A 1:1
is read through `OneOnOne.objects.involving(user)`: to anyone but its two people it is a 404,
managers and admins included."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from setia.cadence.oneonones import actions
from setia.cadence.oneonones.forms import (
    ActionItemForm,
    AgendaForm,
    NotesForm,
    PrivateNoteForm,
    SeriesForm,
)
from setia.cadence.oneonones.models import Meeting, OneOnOne, PrivateNote
from setia.core.http import AuthenticatedHttpRequest
from setia.core.pagination import CountedUpToPaginator
from setia.lib.dates import today

PER_PAGE = 50


@login_required
@permission_required("cadence.view_oneonone", raise_exception=True)
@require_http_methods(["GET", "POST"])
def one_on_ones(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The 1:1s I lead or attend, the next first; a form to start one for those who lead."""
    user = request.user
    may_start = user.has_perm("cadence.add_oneonone")
    form = None
    if may_start:
        form = SeriesForm(
            request.POST if request.method == "POST" else None,
            partners=actions.partners_for(user),
            initial={"next_date": today()},
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                series = actions.start_series(actor=user, **form.cleaned_data)
            except actions.OneOnOneError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("1:1s started."))
                return redirect(series)
    series_list = OneOnOne.objects.involving(user).select_related("lead", "member")
    page = CountedUpToPaginator(series_list, PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "form": form, "query": ""}
    status = 400 if request.method == "POST" else 200
    return render(request, "cadence/oneonones/list.html", context, status=status)


@login_required
@permission_required("cadence.view_oneonone", raise_exception=True)
@require_http_methods(["GET", "POST"])
def one_on_one(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    """A series: its next date and its meetings, the latest first; "hold the next meeting"."""
    series = get_object_or_404(
        OneOnOne.objects.involving(request.user).select_related("lead", "member"), code=code
    )
    if request.method == "POST":
        meeting = actions.hold_next(series=series, actor=request.user)
        return redirect(meeting)
    page = CountedUpToPaginator(series.meetings.all(), PER_PAGE).get_page(request.GET.get("page"))
    context = {"series": series, "page": page, "query": "", "other": series.other(request.user)}
    return render(request, "cadence/oneonones/series.html", context)


PARTS = ("agenda", "notes", "private", "action")


@login_required
@permission_required("cadence.view_oneonone", raise_exception=True)
@require_http_methods(["GET", "POST"])
def meeting_detail(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    """A meeting: the agenda both add to, the shared notes, my private note (nobody else's),
    the action items and their tasks. Each form posts with its `part`."""
    user = request.user
    meeting = get_object_or_404(
        Meeting.objects.filter(series__in=OneOnOne.objects.involving(user)).select_related(
            "series__lead", "series__member"
        ),
        code=code,
    )
    series = meeting.series
    mine = PrivateNote.objects.filter(meeting=meeting, author=user).first()
    part = request.POST.get("part") if request.method == "POST" else None
    if request.method == "POST" and part not in PARTS:
        part = "agenda"  # a form without its part: the agenda's, refused as empty below

    def bound(name):
        return request.POST if part == name else None

    forms = {
        "agenda": AgendaForm(bound("agenda")),
        "notes": NotesForm(bound("notes"), instance=meeting),
        "private": PrivateNoteForm(bound("private"), initial={"text": mine.text if mine else ""}),
        "action": ActionItemForm(bound("action"), series=series),
    }
    if part is not None:
        form = forms[part]
        if form.is_valid():
            data = form.cleaned_data
            if part == "agenda":
                actions.add_agenda_item(meeting=meeting, actor=user, text=data["text"])
            elif part == "notes":
                actions.save_notes(meeting=meeting, actor=user, data=data)
            elif part == "private":
                actions.save_private_note(meeting=meeting, actor=user, text=data["text"])
            else:
                actions.add_action_item(meeting=meeting, actor=user, **data)
                messages.success(request, _("Action item added; it is a task now."))
            return redirect(meeting)
    context = {
        "meeting": meeting,
        "series": series,
        "other": series.other(user),
        "agenda": list(meeting.agenda.select_related("author")),
        "action_items": list(meeting.action_items.select_related("owner", "task")),
        "forms": forms,
    }
    return render(request, "cadence/oneonones/meeting.html", context, status=400 if part else 200)
