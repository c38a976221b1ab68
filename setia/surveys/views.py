"""The surveys report (managers and executives, over the customers they may see): NPS and
CSAT per month by tier, category or owner with response rates, the NPS chart, the answers
with their comments, and the answers as CSV or XLSX."""

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from setia.accounts.models import User
from setia.core.http import AuthenticatedHttpRequest
from setia.core.pagination import CountedUpToPaginator
from setia.lib import charts
from setia.lib.dates import now
from setia.lib.ratelimits import rate_limited
from setia.lib.spreadsheets import csv_download, neutralise, xlsx_download
from setia.surveys import reports
from setia.surveys.forms import ReportForm
from setia.tiers.models import Tier


def _form(request: AuthenticatedHttpRequest) -> ReportForm:
    return ReportForm(request.GET or None, owners=User.objects.filter(is_active=True))


def _filters(form: ReportForm) -> dict:
    if form.is_bound and form.is_valid():
        return form.cleaned_data
    return {"group": "tier"}


@login_required
@permission_required("surveys.view_surveyresponse", raise_exception=True)
@require_GET
def report(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = _form(request)
    if form.is_bound and not form.is_valid():
        return render(request, "surveys/report.html", {"form": form, "invalid": True}, status=400)
    filters = _filters(form)
    invitations = reports.invitations_for(request.user, filters)
    rows = reports.monthly(invitations, filters["group"])
    points = reports.nps_by_month(rows)
    chart = None
    if len(points) > 1:
        line = charts.line_chart(
            colours=[charts.BRAND], rupiah=False, title=_("NPS per month"), range=(-100, 100)
        )
        line.x_labels = [month.strftime("%m/%Y") for month, _score in points]
        line.add(_("NPS"), [score for _month, score in points])
        chart = charts.data_uri(line)
    answers = reports.answers(invitations)
    page = CountedUpToPaginator(answers, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "rows": rows,
        "chart": chart,
        "points": points,
        "page": page,
        "query": query,
        "export_query": query.urlencode(),
    }
    return render(request, "surveys/report.html", context)


def _headers() -> list[str]:
    return [
        _("Answered"),
        _("Customer"),
        _("Contact"),
        _("Tier"),
        _("Category"),
        _("Owner"),
        _("Survey"),
        _("Score"),
        _("Comment"),
    ]


def _rows(request: AuthenticatedHttpRequest):
    """The answers of the report's filters as spreadsheet rows (an invalid filter: none)."""
    form = _form(request)
    if form.is_bound and not form.is_valid():
        return
    answers = reports.answers(reports.invitations_for(request.user, _filters(form)))
    tiers = {tier.position: tier.display_name for tier in Tier.objects.all()}
    for answer in answers.iterator(chunk_size=2000):
        customer = answer.customer
        yield [
            neutralise(value)
            for value in (
                answer.responded_at.isoformat(timespec="minutes"),
                customer.name,
                answer.invitation.contact.name,
                tiers.get(customer.tier_rank, "") if customer.tier_rank is not None else "",
                customer.category.display_name if customer.category else "",
                customer.owner.full_name if customer.owner else "",
                answer.kind.upper(),
                answer.score,
                answer.comment,
            )
        ]


def _filename(extension: str) -> str:
    return f"survey-answers-{now().strftime('%Y%m%d-%H%M')}.{extension}"


@login_required
@permission_required("surveys.view_surveyresponse", raise_exception=True)
@require_GET
@rate_limited("export", rate_setting="RATE_LIMIT_EXPORT")
def export_csv(request: AuthenticatedHttpRequest) -> StreamingHttpResponse:
    return csv_download(_headers(), _rows(request), _filename("csv"))


@login_required
@permission_required("surveys.view_surveyresponse", raise_exception=True)
@require_GET
@rate_limited("export", rate_setting="RATE_LIMIT_EXPORT")
def export_xlsx(request: AuthenticatedHttpRequest) -> FileResponse:
    return xlsx_download(_headers(), _rows(request), _filename("xlsx"))
