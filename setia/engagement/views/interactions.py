from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from setia.core.http import AuthenticatedHttpRequest, valid_parameters
from setia.customers.access import get_customer_for_user
from setia.customers.models import Customer
from setia.engagement import complaints
from setia.engagement.forms import ComplaintReportForm, InteractionFilterForm
from setia.engagement.models import Interaction
from setia.engagement.timeline import timeline_page
from setia.lib import charts
from setia.lib.dates import today
from setia.lib.spreadsheets import csv_download, neutralise


@login_required
@require_GET
def customer_timeline(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    """A customer's timeline: the whole card, only the next page of events (htmx), or a page."""
    customer = get_customer_for_user(request, code)
    context = {"customer": customer, "timeline": timeline_page(customer, request.GET)}
    if request.htmx and request.GET.get("part") == "events":
        return render(request, "engagement/_timeline_events.html", context)
    if request.htmx:
        return render(request, "engagement/_timeline.html", context)
    return render(request, "engagement/timeline.html", context)


@login_required
@permission_required("engagement.view_interaction", raise_exception=True)
@require_GET
def interaction_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Interactions across every customer the user may see, newest first, filtered."""
    form = InteractionFilterForm(request.GET)
    filters = valid_parameters(form)
    rows = (
        Interaction.objects.visible_to(request.user)
        .filtered(filters)
        .select_related("customer", "customer__owner", "contact", "release", "recorded_by")
        .prefetch_related("themes")
    )
    page = Paginator(rows, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "engagement/interactions.html", context)


@login_required
@permission_required("engagement.view_interaction", raise_exception=True)
@require_GET
def complaints_report(request: AuthenticatedHttpRequest) -> HttpResponse | StreamingHttpResponse:
    """Complaints per release and product area per week, per 100 customers on the release:
    a chart and a table of the user's customers; CSV with ?format=csv."""
    form = ComplaintReportForm(request.GET)
    filters = valid_parameters(form)
    end = filters["end"] or today()
    start = filters["start"] or end - timedelta(weeks=ComplaintReportForm.WEEKS)
    customers = Customer.objects.visible_to(request.user).alive()
    rows = complaints.weekly_report(
        Interaction.objects.visible_to(request.user),
        customers,
        start=start,
        end=end,
        area=filters["area"],
    )
    if request.GET.get("format") == "csv":
        return _complaints_csv(rows, start, end)
    weeks = complaints.weeks_between(start, end)
    context = {
        "form": form,
        "rows": rows,
        "start": start,
        "end": end,
        "per": complaints.PER,
        "chart": _complaints_chart(rows, weeks) if rows else "",
        "csv_query": _with_format(request, "csv"),
    }
    return render(request, "engagement/complaints_report.html", context)


def _with_format(request, value: str) -> str:
    query = request.GET.copy()
    query["format"] = value
    return query.urlencode()


def _release_name(release) -> str:
    return release.name if release else _("Before the first release")


def _complaints_chart(rows, weeks) -> str:
    lines = complaints.series(rows, weeks)
    chart = charts.line_chart(
        colours=[charts.MUTED, charts.BRAND, "#f59e0b", "#dc2626", "#7c3aed"],
        rupiah=False,
        title=_("Complaints per %(per)s customers, per week") % {"per": complaints.PER},
        value_formatter=lambda value: "" if value is None else f"{value:.1f}".replace(".", ","),
        x_labels_major_count=8,
        show_minor_x_labels=False,
    )
    chart.x_labels = [formats.date_format(week, "SHORT_DATE_FORMAT") for week in weeks]
    for release, values in lines.items():
        chart.add(_release_name(release), values)
    return charts.data_uri(chart)


def _complaints_csv(rows, start, end) -> StreamingHttpResponse:
    header = [
        _("Week"),
        _("Release"),
        _("Product area"),
        _("Complaints"),
        _("Customers on the release"),
        _("Per %(per)s customers") % {"per": complaints.PER},
    ]
    lines = (
        [
            neutralise(str(value))
            for value in (
                row.week.isoformat(),
                _release_name(row.release),
                row.area_label,
                row.complaints,
                row.customers,
                "" if row.rate is None else row.rate,
            )
        ]
        for row in rows
    )
    return csv_download(header, lines, f"complaints-{start:%Y%m%d}-{end:%Y%m%d}.csv")
