import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from setia.core.http import AuthenticatedHttpRequest
from setia.customers.models import Customer
from setia.desk.forms import CustomerFilterForm
from setia.segments import actions
from setia.segments.access import get_segment_for_user
from setia.segments.forms import SegmentForm
from setia.segments.models import Segment, clean_query


@login_required
@permission_required("segments.view_segment", raise_exception=True)
@require_GET
def list_segments(request: AuthenticatedHttpRequest) -> HttpResponse:
    segments = list(Segment.objects.usable_by(request.user).select_related("owner"))
    counts = actions.count_members(segments, user=request.user)
    rows = [
        {
            "segment": segment,
            "members": counts[segment.pk],
            "can_change": segment.can_change(request.user),
        }
        for segment in segments
    ]
    return render(request, "segments/list.html", {"rows": rows})


def _preview(request, query: str) -> dict:
    """The filter being saved, as the customers list reads it, and how many it matches now."""
    filters = CustomerFilterForm(QueryDict(query), user=request.user)
    visible = Customer.objects.visible_to(request.user).alive()
    return {"description": _describe(filters), "members": filters.filter(visible).count()}


def _describe(filters: CustomerFilterForm) -> list[tuple[str, str]]:
    """(label, value) pairs of the filter's valid, non-empty fields, as people read them."""
    filters.is_valid()
    rows = []
    for name, value in filters.cleaned_data.items():
        if name in ("sort", "segment") or value in (None, "") or name in filters.errors:
            continue
        field = filters.fields[name]
        if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            # A form's ChoiceField reads back as (value, label) pairs; the stubs type the
            # getter like the setter, which also takes a mapping or a callable.
            value = dict(field.choices).get(value, value)  # type: ignore[arg-type]
        rows.append((str(field.label), str(value)))
    return rows


def _query_to_save(request) -> str:
    """The list's current filter; when it was narrowing a segment, that segment's filter with
    the current non-empty values on top, so that nothing the user saw is lost."""
    current = request.GET
    try:
        code = uuid.UUID(current.get("segment", ""))
    except ValueError:
        return clean_query(current.urlencode())
    segment = Segment.objects.usable_by(request.user).filter(code=code).first()
    if segment is None:
        return clean_query(current.urlencode())
    merged = QueryDict(segment.query, mutable=True)
    for name in current:
        values = [value for value in current.getlist(name) if value.strip()]
        if values:
            merged.setlist(name, values)
    return clean_query(merged.urlencode())


@login_required
@permission_required("segments.add_segment", raise_exception=True)
@require_http_methods(["GET", "POST"])
def create_segment(request: AuthenticatedHttpRequest) -> HttpResponse:
    initial = {"query": _query_to_save(request)}
    form = SegmentForm(request.POST or None, initial=initial, user=request.user)
    query = request.POST.get("query", "") if request.method == "POST" else initial["query"]
    context = {"form": form, "title": _("Save as a segment"), **_preview(request, query)}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "segments/form.html", context, status=400)
        segment = actions.create_segment(actor=request.user, data=form.model_data())
        messages.success(request, _("Segment %(name)s saved.") % {"name": segment.name})
        return redirect(segment)
    return render(request, "segments/form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def edit_segment(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    segment = get_segment_for_user(request, code, change=True)
    form = SegmentForm(request.POST or None, instance=segment, user=request.user)
    context = {
        "form": form,
        "segment": segment,
        "title": _("Edit segment %(name)s") % {"name": segment.name},
        "delete_url": reverse("segments:segment-delete", args=[segment.code]),
        **_preview(request, segment.query),
    }
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "segments/form.html", context, status=400)
        actions.update_segment(segment=segment, actor=request.user, data=form.model_data())
        messages.success(request, _("Segment %(name)s saved.") % {"name": segment.name})
        return redirect("segments:segment-list")
    return render(request, "segments/form.html", context)


@login_required
@require_POST
def delete_segment(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    segment = get_segment_for_user(request, code, change=True)
    actions.delete_segment(segment=segment, actor=request.user)
    messages.success(request, _("Segment %(name)s deleted.") % {"name": segment.name})
    return redirect("segments:segment-list")
