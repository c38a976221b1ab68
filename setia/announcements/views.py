"""Announcements' pages: the list everyone reads, one announcement with "I have read this",
the form managers publish with, and the read report (page and CSV)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from setia.announcements import actions
from setia.announcements.forms import AnnouncementForm
from setia.announcements.models import Acknowledgement, Announcement
from setia.core.http import AuthenticatedHttpRequest, InvalidParameter, invalid_form_status
from setia.core.pagination import CountedUpToPaginator
from setia.lib.spreadsheets import csv_download, neutralise

STATUSES = ("", "pending", "acknowledged")


@login_required
@permission_required("announcements.view_announcement", raise_exception=True)
@require_GET
def announcement_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every announcement made to the reader (managers: every one), those they have not read
    first, then the newest."""
    rows = (
        Announcement.objects.visible_to(request.user)
        .read_by(request.user.pk)
        .select_related("release")
        .order_by(F("acknowledged_at").desc(nulls_first=True), "-published_at", "-id")
    )
    page = Paginator(rows, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "announcements/list.html", {"page": page, "query": ""})


def _visible(request: AuthenticatedHttpRequest, code) -> Announcement:
    """The announcement `code` if the reader may open it; a 404 otherwise, as for none."""
    announcements = Announcement.objects.visible_to(request.user).read_by(request.user.pk)
    return get_object_or_404(announcements.select_related("release", "author"), code=code)


@login_required
@permission_required("announcements.view_announcement", raise_exception=True)
@require_GET
def announcement_detail(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    announcement = _visible(request, code)
    in_audience = announcement.audience_members().filter(pk=request.user.pk).exists()
    context = {"announcement": announcement, "in_audience": in_audience}
    return render(request, "announcements/detail.html", context)


@login_required
@permission_required("announcements.view_announcement", raise_exception=True)
@require_POST
def acknowledge(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    """ "I have read this": from the banner (back to the page it was on) or the announcement."""
    announcement = _visible(request, code)
    actions.acknowledge(announcement=announcement, user=request.user)
    messages.success(
        request, _("Thank you: you have read “%(title)s”.") % {"title": announcement.title}
    )
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) and back.startswith("/"):
        return redirect(back)
    return redirect("announcements:detail", code=announcement.code)


@login_required
@permission_required("announcements.add_announcement", raise_exception=True)
@require_http_methods(["GET", "POST"])
def announcement_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = AnnouncementForm(request.POST or None)
    context = {"form": form, "title": _("New announcement")}
    if request.method == "POST":
        if not form.is_valid():
            status = invalid_form_status(request)
            return render(request, "announcements/form.html", context, status=status)
        announcement = actions.publish_announcement(author=request.user, **form.model_data())
        messages.success(
            request, _("Announcement “%(title)s” published.") % {"title": announcement.title}
        )
        return redirect("announcements:detail", code=announcement.code)
    return render(request, "announcements/form.html", context)


def _report_rows(announcement: Announcement, status: str):
    """The audience with when each acknowledged (None: not yet), those who have not first."""
    people = announcement.audience_members().annotate(
        acknowledged_at=Subquery(
            Acknowledgement.objects.filter(announcement=announcement, user=OuterRef("pk")).values(
                "acknowledged_at"
            )[:1]
        )
    )
    if status == "pending":
        people = people.filter(acknowledged_at__isnull=True)
    elif status == "acknowledged":
        people = people.filter(acknowledged_at__isnull=False)
    return people.select_related("team").order_by(
        F("acknowledged_at").desc(nulls_first=True), "full_name", "pk"
    )


def _status(request: AuthenticatedHttpRequest) -> str:
    status = request.GET.get("status", "")
    if status not in STATUSES:
        raise InvalidParameter(_("Choose who to show: everyone, not yet or acknowledged."))
    return status


@login_required
@permission_required("announcements.view_acknowledgement", raise_exception=True)
@require_GET
def read_report(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    """Who of the audience has read the announcement, and when; who has not yet."""
    announcement = _visible(request, code)
    status = _status(request)
    figures = _report_rows(announcement, "").aggregate(
        audience=Count("pk"), acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False))
    )
    figures["pending"] = figures["audience"] - figures["acknowledged"]
    figures["percent"] = (
        round(100 * figures["acknowledged"] / figures["audience"]) if figures["audience"] else 0
    )
    rows = _report_rows(announcement, status)
    # The figures have counted the rows already: no second count for the pages.
    shown = {"": "audience", "pending": "pending", "acknowledged": "acknowledged"}[status]
    paginator = CountedUpToPaginator(rows, settings.PAGE_SIZE, known_count=figures[shown])
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "announcement": announcement,
        "figures": figures,
        "page": page,
        "status": status,
        "query": f"status={status}" if status else "",
    }
    return render(request, "announcements/report.html", context)


@login_required
@permission_required("announcements.view_acknowledgement", raise_exception=True)
@require_GET
def read_report_csv(request: AuthenticatedHttpRequest, code):
    """The read report as CSV: one row per person of the audience."""
    announcement = _visible(request, code)
    status = _status(request)
    header = [_("Name"), _("E-mail"), _("Team"), _("Acknowledged at")]
    rows = (
        [
            neutralise(person.full_name),
            neutralise(person.email),
            neutralise(person.team.name if person.team else ""),
            localtime(person.acknowledged_at).strftime("%Y-%m-%d %H:%M")
            if person.acknowledged_at
            else "",
        ]
        for person in _report_rows(announcement, status).iterator(chunk_size=500)
    )
    return csv_download(header, rows, f"announcement-{announcement.code}.csv")
