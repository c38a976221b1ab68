"""The weekly update's pages: the update of a team or a person, its PDF and XLSX, and the
admins' list of extra addresses for the Monday e-mail. Views read; `weekly` counts;
`report_pdf`, `weekly_xlsx` and `delivery` make the files and the e-mail."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from setia.accounts.models import Team, User
from setia.cadence.forms import WeeklyForm, WeeklyRecipientForm
from setia.cadence.models import WeeklyRecipient
from setia.cadence.report_pdf import filename, section, weekly_pdf
from setia.cadence.weekly import month_chart, week_chart, week_label
from setia.cadence.weekly_xlsx import workbook
from setia.core.http import AuthenticatedHttpRequest, invalid_form_status, valid_parameters
from setia.core.pagination import CountedUpToPaginator
from setia.lib import charts
from setia.lib.dates import today
from setia.lib.pdf import PdfUnavailable
from setia.lib.ratelimits import rate_limited
from setia.lib.spreadsheets import XLSX_TYPE

PEOPLE_SHOWN = 200
PER_PAGE = 50


@dataclass
class Chosen:
    """The week and the team or person a request asks for, and what its user may choose."""

    monday: datetime.date
    team: Team | None
    person: User | None
    teams: list[Team]
    manages: bool

    @property
    def holder_query(self) -> dict:
        if self.team is not None:
            return {"team": self.team.pk}
        assert self.person is not None  # one of the two, always (`_chosen`)
        return {"person": self.person.pk}

    @property
    def query(self) -> str:
        return urlencode({"week": week_label(self.monday), **self.holder_query})


def _chosen(request: AuthenticatedHttpRequest) -> Chosen:
    """The week (this one by default) and team or person of the query string: managers choose
    any, the others their own team or themselves (another one is a 403)."""
    user = request.user
    manages = user.has_perm("cadence.add_target")
    params = valid_parameters(
        WeeklyForm(
            request.GET, teams=Team.objects.all(), people=User.objects.filter(is_active=True)
        )
    )
    team, person = params["team"], params["person"]
    if team is not None and person is not None:
        person = None  # the team's update, when both are asked
    if not manages and (
        (team is not None and team.pk != user.team_id)
        or (person is not None and person.pk != user.pk)
    ):
        raise PermissionDenied
    teams = list(Team.objects.all() if manages else Team.objects.filter(pk=user.team_id or 0))
    if team is None and person is None:
        team = user.team if user.team_id else (teams[0] if manages and teams else None)
        if team is None:
            person = user
    day = today()
    monday = params["week"] or day - datetime.timedelta(days=day.weekday())
    return Chosen(monday, team, person, teams, manages)


@login_required
@permission_required("cadence.view_target", raise_exception=True)
@require_GET
def weekly(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The weekly update of a team or a person for an ISO week (this week by default)."""
    chosen = _chosen(request)
    part = section(monday=chosen.monday, team=chosen.team, person=chosen.person)
    monday = chosen.monday
    people = (
        list(User.objects.filter(is_active=True).order_by("full_name", "id")[:PEOPLE_SHOWN])
        if chosen.manages
        else []
    )
    rows = part.figures["rows"]
    week_uri, month_uri = charts.cached(
        "weekly",
        [
            (
                row.target.display_name,
                row.target.value,
                row.previous,
                row.week,
                row.month_to_date,
                row.forecast,
            )
            for row in rows
        ],
        lambda: tuple(
            charts.data_uri(graph) if graph else None
            for graph in (week_chart(rows), month_chart(rows))
        ),
    )
    context = {
        **part.figures,
        "monday": monday,
        "week": part.week,
        "team": chosen.team,
        "person": chosen.person,
        "teams": chosen.teams,
        "people": people,
        "query": chosen.query,
        "previous_week": _week_query(monday - datetime.timedelta(days=7), chosen.holder_query),
        "next_week": _week_query(monday + datetime.timedelta(days=7), chosen.holder_query),
        "week_chart": week_uri,
        "chart": month_uri,
    }
    return render(request, "cadence/weekly.html", context)


def _week_query(monday: datetime.date, holder: dict) -> str:
    return urlencode({"week": week_label(monday), **holder})


@login_required
@permission_required("cadence.view_target", raise_exception=True)
@require_GET
@rate_limited("weekly-export", rate_setting="RATE_LIMIT_EXPORT")
def weekly_pdf_download(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The weekly update as a PDF; a page saying why when PDFs cannot be made here."""
    chosen = _chosen(request)
    part = section(monday=chosen.monday, team=chosen.team, person=chosen.person)
    try:
        content = weekly_pdf([part])
    except PdfUnavailable as error:
        context = {"message": error.message, "back": chosen.query}
        return render(request, "cadence/weekly_unavailable.html", context, status=503)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename([part], "pdf")}"'
    return response


@login_required
@permission_required("cadence.view_target", raise_exception=True)
@require_GET
@rate_limited("weekly-export", rate_setting="RATE_LIMIT_EXPORT")
def weekly_xlsx_download(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The weekly update's KPI table and highlights as an XLSX workbook."""
    chosen = _chosen(request)
    part = section(monday=chosen.monday, team=chosen.team, person=chosen.person)
    response = HttpResponse(workbook([part]), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename([part], "xlsx")}"'
    return response


@login_required
@permission_required("cadence.view_weeklyrecipient", raise_exception=True)
@require_http_methods(["GET", "POST"])
def weekly_recipients(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The addresses the Monday e-mail goes to besides the teams' leads and managers; admins
    add and remove them."""
    if request.method == "POST" and not request.user.has_perm("cadence.add_weeklyrecipient"):
        raise PermissionDenied
    form = WeeklyRecipientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        recipient = form.save(commit=False)
        recipient.added_by = request.user
        recipient.save()
        messages.success(request, _("Address added."))
        return redirect("cadence:weekly-recipients")
    recipients = WeeklyRecipient.objects.select_related("team").order_by("email", "id")
    page = CountedUpToPaginator(recipients, PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "query": request.GET.urlencode()}
    status = invalid_form_status(request) if request.method == "POST" else 200
    return render(request, "cadence/weekly_recipients.html", context, status=status)


@login_required
@permission_required("cadence.delete_weeklyrecipient", raise_exception=True)
@require_POST
def weekly_recipient_delete(request: AuthenticatedHttpRequest, recipient_id: int) -> HttpResponse:
    recipient = get_object_or_404(WeeklyRecipient, pk=recipient_id)
    recipient.delete()
    messages.success(request, _("Address removed."))
    return redirect("cadence:weekly-recipients")
