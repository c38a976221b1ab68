"""The org chart, its history of changes, the people directory and each person's page: every
signed-in person reads them. Moving people between teams, setting leads and (for admins)
changing roles take `cadence.add_orgchange`; a person edits their own topics, managers anyone's
(`cadence.change_expertise`). Views read; `org.actions` writes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from setia.accounts.models import User
from setia.cadence.actions import CadenceError
from setia.cadence.org import actions
from setia.cadence.org.chart import org_chart, people, render_svg, role_of
from setia.cadence.org.forms import (
    ChangeForm,
    ChangeQueryForm,
    DirectoryForm,
    ExpertiseForm,
    HistoryQueryForm,
    LeadForm,
)
from setia.cadence.org.models import OrgChange
from setia.cadence.org.people import ask_me_about, search
from setia.core.http import AuthenticatedHttpRequest, invalid_form_status, valid_parameters
from setia.core.pagination import CountedUpToPaginator

PER_PAGE = 50
RECENT_CHANGES = 10
CHANGE_RELATED = ("person", "previous_person", "team", "previous_team", "actor")


@login_required
@require_GET
def chart(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The org chart: drawn, and as a list (for screen readers, small screens and print)."""
    columns = org_chart()
    context = {
        "columns": columns,
        "svg": render_svg(columns, _("Organisation")),
        "may_change": request.user.has_perm("cadence.add_orgchange"),
    }
    return render(request, "cadence/org/chart.html", context)


@login_required
@require_GET
def history(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Moves between teams, lead and role changes, the latest first; `?person=` for one."""
    person = valid_parameters(HistoryQueryForm(request.GET))["person"]
    changes = OrgChange.objects.select_related(*CHANGE_RELATED)
    if person is not None:
        changes = changes.filter(person=person)
    page = CountedUpToPaginator(changes, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"page": page, "person": person, "query": query.urlencode()}
    return render(request, "cadence/org/history.html", context)


@login_required
@require_GET
def directory(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The people directory: everyone active, or those matching `?q=` (who knows about…)."""
    form = DirectoryForm(request.GET)
    term = valid_parameters(form)["q"]
    page = CountedUpToPaginator(search(term), PER_PAGE).get_page(request.GET.get("page"))
    found = ask_me_about(list(page.object_list))
    rows = [
        (person, OrgChange.role_label(role_of(person)), found[person.pk])
        for person in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "term": term, "page": page, "rows": rows, "query": query.urlencode()}
    return render(request, "cadence/org/directory.html", context)


def _may_edit_topics(user: User, person: User) -> bool:
    return user.pk == person.pk or user.has_perm("cadence.change_expertise")


@login_required
@require_http_methods(["GET", "POST"])
def person(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    """A person's page: team, lead, role, customers owned, what to ask them about (their
    topics, editable by them and managers), the teams they lead and their recent changes."""
    subject = get_object_or_404(
        User.objects.filter(pk=person_id).select_related("team__lead"), pk=person_id
    )
    figures = people().filter(pk=subject.pk).values("role_name", "owned").first()
    may_edit = _may_edit_topics(request.user, subject)
    form = None
    if may_edit:
        topics = "\n".join(item.topic for item in subject.expertise.all())
        form = ExpertiseForm(
            request.POST if request.method == "POST" else None, initial={"topics": topics}
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                actions.set_expertise(
                    person=subject, topics=form.cleaned_data["topics"], actor=request.user
                )
            except CadenceError as error:
                form.add_error("topics", error.message)
            else:
                messages.success(request, _("Saved."))
                return redirect("cadence:person", person_id=subject.pk)
    role = "admin" if subject.is_superuser else (figures or {}).get("role_name") or ""
    context = {
        "subject": subject,
        "role": OrgChange.role_label(role),
        "owned": (figures or {}).get("owned", 0),
        "customers_url": f"{reverse('customers:customer-list')}?owner={subject.pk}",
        "ask": ask_me_about([subject])[subject.pk],
        "leads": list(subject.led_teams.order_by("name")),
        "changes": list(
            OrgChange.objects.filter(person=subject).select_related(*CHANGE_RELATED)[
                :RECENT_CHANGES
            ]
        ),
        "form": form,
        "may_change": request.user.has_perm("cadence.add_orgchange"),
    }
    status = invalid_form_status(request) if request.method == "POST" else 200
    return render(request, "cadence/org/person.html", context, status=status)


@login_required
@permission_required("cadence.add_orgchange", raise_exception=True)
@require_http_methods(["GET", "POST"])
def change(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Move a person to another team (and, for admins, change their role), with history."""
    may_change_role = request.user.has_perm("cadence.change_role")
    if request.method == "POST":
        form = ChangeForm(request.POST, may_change_role=may_change_role)
        if form.is_valid():
            data = form.cleaned_data
            try:
                done = actions.reorganise(
                    person=data["person"],
                    team=data["team"],
                    role=data.get("role") or None,
                    actor=request.user,
                )
            except CadenceError as error:
                form.add_error(None, error.message)
            else:
                if done:
                    messages.success(request, _("Saved; the change is in the history."))
                else:
                    messages.info(request, _("Nothing changed."))
                return redirect("cadence:person", person_id=data["person"].pk)
    else:
        start = valid_parameters(ChangeQueryForm(request.GET))
        initial = {}
        if start["person"] is not None:
            initial = {"person": start["person"], "team": start["person"].team_id}
        form = ChangeForm(initial=initial, may_change_role=may_change_role)
    context = {
        "form": form,
        "title": _("Move a person"),
        "back": reverse("cadence:org-chart"),
        "back_label": _("Org chart"),
    }
    status = invalid_form_status(request) if request.method == "POST" else 200
    return render(request, "form_page.html", context, status=status)


@login_required
@permission_required("cadence.add_orgchange", raise_exception=True)
@require_http_methods(["GET", "POST"])
def lead(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Set a team's lead, with history."""
    if request.method == "POST":
        form = LeadForm(request.POST)
        if form.is_valid():
            try:
                done = actions.set_lead(
                    team=form.cleaned_data["team"],
                    lead=form.cleaned_data["lead"],
                    actor=request.user,
                )
            except CadenceError as error:
                form.add_error("lead", error.message)
            else:
                if done:
                    messages.success(request, _("Saved; the change is in the history."))
                else:
                    messages.info(request, _("Nothing changed."))
                return redirect("cadence:org-chart")
    else:
        team = valid_parameters(ChangeQueryForm(request.GET))["team"]
        initial = {"team": team, "lead": team.lead_id} if team is not None else {}
        form = LeadForm(initial=initial)
    context = {
        "form": form,
        "title": _("Set a team's lead"),
        "back": reverse("cadence:org-chart"),
        "back_label": _("Org chart"),
    }
    status = invalid_form_status(request) if request.method == "POST" else 200
    return render(request, "form_page.html", context, status=status)
