"""The reassignment pages: the list of reassignments, reassigning customers in bulk, handing
over a person's work, a reassignment's page and its undo. Managers only (the
`cadence.add_reassignment` and `view_reassignment` permissions); the customers are always
those the manager may change."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from setia.cadence.reassign import actions
from setia.cadence.reassign.forms import HandoverForm, ReassignForm
from setia.cadence.reassign.models import Reassignment
from setia.core.http import AuthenticatedHttpRequest
from setia.core.pagination import CountedUpToPaginator
from setia.lib.display import format_number

PER_PAGE = 50


@login_required
@permission_required("cadence.view_reassignment", raise_exception=True)
@require_GET
def reassignment_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every reassignment and hand-over, the latest first."""
    reassignments = Reassignment.objects.select_related("actor", "leaver", "to_team")
    page = CountedUpToPaginator(reassignments, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "cadence/reassign/list.html", {"page": page, "query": ""})


def _bound(request, names) -> bool:
    return request.method == "POST" or any(name in request.GET for name in names)


def _hidden(data, names, expected: int) -> list[tuple[str, str]]:
    """The choices of a valid form as (name, value) pairs for the confirmation's hidden
    fields, with the preview's count."""
    pairs = [(name, value) for name in names if name != "expected" for value in data.getlist(name)]
    return [*pairs, ("expected", str(expected))]


@login_required
@permission_required("cadence.add_reassignment", raise_exception=True)
@require_http_methods(["GET", "POST"])
def reassign(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Choose customers by the customers list's filters (from an owner or a team), see what
    would move, confirm."""
    data = request.POST if request.method == "POST" else request.GET
    bound = _bound(request, ReassignForm.base_fields)
    form = ReassignForm(data if bound else None, user=request.user)
    context: dict = {"form": form}
    if not form.is_bound:
        return render(request, "cadence/reassign/reassign.html", context)
    if not form.is_valid():
        return render(request, "cadence/reassign/reassign.html", context, status=400)
    query = form.list_query()
    customers = actions.chosen_customers(actor=request.user, query=query)
    if request.method == "POST":
        try:
            reassignment = actions.start_reassignment(
                actor=request.user,
                query=query,
                to_owner=form.cleaned_data["to_owner"],
                to_team=form.cleaned_data["to_team"],
                expected=form.cleaned_data["expected"],
            )
        except actions.ReassignError as error:
            context["error"] = error.message
        else:
            return _started(request, reassignment)
    context["preview"] = preview = actions.preview(customers)
    context["hidden"] = _hidden(data, ReassignForm.base_fields, preview.customers)
    context["list_query"] = query.urlencode()
    return render(
        request,
        "cadence/reassign/reassign.html",
        context,
        status=409 if "error" in context else 200,
    )


@login_required
@permission_required("cadence.add_reassignment", raise_exception=True)
@require_http_methods(["GET", "POST"])
def handover(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A person leaving: who receives their customers and open tasks, see what would move,
    confirm."""
    data = request.POST if request.method == "POST" else request.GET
    bound = _bound(request, HandoverForm.base_fields)
    form = HandoverForm(data if bound else None, user=request.user)
    context: dict = {"form": form}
    if not form.is_bound:
        return render(request, "cadence/reassign/handover.html", context)
    if not form.is_valid():
        return render(request, "cadence/reassign/handover.html", context, status=400)
    leaver = form.cleaned_data["person"]
    if request.method == "POST":
        try:
            reassignment = actions.start_handover(
                actor=request.user,
                leaver=leaver,
                receivers=list(form.cleaned_data["receivers"]),
                to_team=form.cleaned_data["to_team"],
                deactivate=form.cleaned_data["deactivate"],
                expected=form.cleaned_data["expected"],
            )
        except actions.ReassignError as error:
            context["error"] = error.message
        else:
            return _started(request, reassignment)
    customers = actions.customers_of(actor=request.user, leaver=leaver)
    context["preview"] = preview = actions.preview(customers, leaver=leaver)
    context["hidden"] = _hidden(data, HandoverForm.base_fields, preview.customers)
    return render(
        request,
        "cadence/reassign/handover.html",
        context,
        status=409 if "error" in context else 200,
    )


def _started(request, reassignment: Reassignment) -> HttpResponse:
    if reassignment.status == Reassignment.Status.DONE:
        messages.success(
            request,
            _("%(customers)s customers and %(tasks)s tasks moved.")
            % {
                "customers": format_number(reassignment.customers_moved),
                "tasks": format_number(reassignment.tasks_moved),
            },
        )
    else:
        messages.info(request, _("The reassignment is queued; this page shows when it is done."))
    return redirect("cadence:reassignment-detail", code=reassignment.code)


@login_required
@permission_required("cadence.view_reassignment", raise_exception=True)
@require_GET
def reassignment_detail(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    reassignment = get_object_or_404(
        Reassignment.objects.select_related("actor", "leaver", "to_team", "undone_by", "job"),
        code=code,
    )
    context = {
        "reassignment": reassignment,
        "receivers": list(reassignment.receivers.order_by("full_name", "pk")),
        "can_undo": reassignment.can_be_undone
        and request.user.has_perm("cadence.add_reassignment"),
    }
    return render(request, "cadence/reassign/detail.html", context)


@login_required
@permission_required("cadence.add_reassignment", raise_exception=True)
@require_POST
def reassignment_undo(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    reassignment = get_object_or_404(Reassignment, code=code)
    undone = actions.start_undo(reassignment=reassignment, actor=request.user)
    if undone is None:
        messages.error(request, _("This reassignment cannot be undone (any more)."))
    elif undone.status == Reassignment.Status.UNDONE:
        messages.success(
            request,
            _(
                "Undone: %(restored)s customers put back, %(kept)s kept as changed since; "
                "%(tasks)s tasks put back, %(tasks_kept)s kept."
            )
            % {
                "restored": format_number(undone.customers_restored),
                "kept": format_number(undone.customers_kept),
                "tasks": format_number(undone.tasks_restored),
                "tasks_kept": format_number(undone.tasks_kept),
            },
        )
    else:
        messages.info(request, _("The undo is queued; this page shows when it is done."))
    return redirect("cadence:reassignment-detail", code=reassignment.code)
