"""Pages of the onboarding pipeline: board, list, move (htmx or plain form), intake report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from setia.core.http import AuthenticatedHttpRequest, local_url, valid_parameters
from setia.customers.access import get_customer_for_user
from setia.customers.models import Customer
from setia.lib.dates import now, today
from setia.lib.spreadsheets import csv_download, neutralise
from setia.work.onboarding import actions
from setia.work.onboarding.forms import MoveForm, PipelineListForm
from setia.work.onboarding.models import Onboarding, Source, Stage

CARDS_PER_STAGE = 30


def _visible_onboardings(user):
    customers = Customer.objects.visible_to(user).alive()
    return Onboarding.objects.filter(customer__in=customers.values("pk"))


def _board_context(request, moved: Onboarding | None = None) -> dict:
    """The board's columns; `moved`, the card just moved, is shown first in its new column,
    marked, even when that column's oldest cards fill it, so the move is seen to happen."""
    moment = now()
    stages = list(Stage.objects.all())
    visible = _visible_onboardings(request.user)
    counts = dict(visible.values_list("stage").annotate(n=Count("pk")).values_list("stage", "n"))
    stalled_ids = set(visible.stalled(stages, moment).values_list("pk", flat=True)[:5000])
    columns = []
    for stage in stages:
        # one query per stage (a handful): the oldest in the stage first, as they need help first
        cards = list(
            visible.filter(stage=stage)
            .select_related("customer", "customer__owner")
            .order_by("entered_stage_at", "pk")[:CARDS_PER_STAGE]
        )
        if moved is not None and moved.stage_id == stage.pk:
            cards = [moved] + [card for card in cards if card.pk != moved.pk]
        for card in cards:
            card.just_moved = moved is not None and card.pk == moved.pk
            card.days = card.days_in_stage(moment)
            card.stalled = card.pk in stalled_ids
        columns.append({"stage": stage, "cards": cards, "count": counts.get(stage.pk, 0)})
    return {
        "columns": columns,
        "stages": stages,
        "can_move": request.user.has_perm("work.change_onboarding"),
    }


@login_required
@permission_required("work.view_onboarding", raise_exception=True)
@require_GET
def pipeline_board(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Stages as columns; drag a card, or pick a stage and press Move (keyboard, no JS)."""
    return render(request, "work/onboarding_board.html", _board_context(request))


@login_required
@permission_required("work.view_onboarding", raise_exception=True)
@require_GET
def pipeline_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    filters = valid_parameters(PipelineListForm(request.GET))
    moment = now()
    stages = list(Stage.objects.all())
    rows = _visible_onboardings(request.user).select_related(
        "customer", "customer__owner", "customer__category", "stage"
    )
    stage = "" if filters["stage"] is None else str(filters["stage"])
    if stage:
        rows = rows.filter(stage_id=filters["stage"])
    only_stalled = filters["stalled"] == "1"
    if only_stalled:
        rows = rows.stalled(stages, moment)
    page = Paginator(rows.order_by("stage__position", "entered_stage_at", "pk"), 50).get_page(
        request.GET.get("page")
    )
    for row in page:
        row.days = row.days_in_stage(moment)
        row.stalled = row.is_stalled(moment)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "stages": stages,
        "stage": stage,
        "only_stalled": only_stalled,
        "query": query.urlencode(),
    }
    return render(request, "work/onboarding_list.html", context)


@login_required
@require_POST
def move_customer(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    """Move one customer to the posted stage; htmx gets the board back, a form a redirect."""
    if not request.user.has_perm("work.change_onboarding"):
        raise PermissionDenied
    customer = get_customer_for_user(request, code)
    onboarding = get_object_or_404(Onboarding, customer=customer)
    stage = valid_parameters(MoveForm(request.POST))["stage"]
    change = actions.move_to_stage(onboarding=onboarding, stage=stage, actor=request.user)
    text = (
        _("%(name)s moved to %(stage)s.") % {"name": customer.name, "stage": stage.name}
        if change
        else _("%(name)s is already in %(stage)s.") % {"name": customer.name, "stage": stage.name}
    )
    if request.htmx:
        # Read again: the move changed the row through its own, locked, copy.
        moved = Onboarding.objects.select_related("customer", "customer__owner").get(
            pk=onboarding.pk
        )
        context = _board_context(request, moved=moved) | {"announcement": text}
        return render(request, "work/_onboarding_board.html", context)
    messages.success(request, text)
    return redirect(local_url(request, request.POST.get("next")) or "work:onboarding-board")


@login_required
@permission_required("work.view_intake_report", raise_exception=True)
@require_GET
def intake_report(request: AuthenticatedHttpRequest) -> HttpResponse | StreamingHttpResponse:
    """Who joined this week and this month, by category, owner and source; CSV with ?format=csv."""
    day = today()
    customers = Customer.objects.visible_to(request.user).alive()
    if request.GET.get("format") == "csv":
        return _intake_csv(actions.intake_rows(customers, day), day)
    context = {
        "report": actions.intake_report(customers, day),
        "rows": actions.intake_rows(customers, day)[:200],
        "sources": dict(Source.choices),
        "day": day,
    }
    return render(request, "work/intake_report.html", context)


def _intake_csv(rows, day) -> StreamingHttpResponse:
    header = [_("Customer"), _("Joined"), _("Category"), _("Owner"), _("Source"), _("Stage")]
    sources = dict(Source.choices)

    def lines():
        for customer in rows.iterator(chunk_size=500):
            onboarding = getattr(customer, "onboarding", None)
            yield [
                neutralise(str(value))
                for value in (
                    customer.name,
                    timezone.localtime(customer.created_at).strftime("%Y-%m-%d"),
                    customer.category.display_name,
                    customer.owner or "",
                    sources.get(onboarding.source, "") if onboarding else "",
                    onboarding.stage.name if onboarding else "",
                )
            ]

    return csv_download(header, lines(), f"intake-{day:%Y-%m}.csv")
