"""The cadence pages: targets with their progress, the day's checkpoint, the team's
checkpoints and the manager's home. Views read; `actions` writes; `kpis` counts."""

import datetime
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from setia.accounts.models import Team, User
from setia.cadence import actions, kpis
from setia.cadence.forms import (
    CheckpointForm,
    MonthQueryForm,
    TargetEditForm,
    TargetForm,
    TeamDayForm,
)
from setia.cadence.models import Checkpoint, Target
from setia.core.http import AuthenticatedHttpRequest, invalid_form_status, valid_parameters
from setia.core.pagination import CountedUpToPaginator
from setia.customers.models import Customer
from setia.health.models import Grade
from setia.lib.dates import add_months, month_start, today
from setia.tiers.models import TierChange
from setia.work.onboarding.models import Stage
from setia.work.schedule.models import Status, Task

PER_PAGE = 50
# Tasks listed as the day's plan and as done on the checkpoint page.
TASKS_SHOWN = 20


def _month(request) -> datetime.date:
    return valid_parameters(MonthQueryForm(request.GET))["month"] or month_start(today())


@login_required
@permission_required("cadence.view_target", raise_exception=True)
@require_GET
def target_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The month's targets with their progress: every one for a manager, one's own and one's
    team's for the others."""
    month = _month(request)
    targets = Target.objects.of_month(month).select_related("team", "user")
    if not request.user.has_perm("cadence.add_target"):
        targets = targets.for_person(request.user)
    page = CountedUpToPaginator(targets, PER_PAGE).get_page(request.GET.get("page"))
    found = kpis.actuals(*kpis.month_bounds(month), codes=kpis.codes_of(page.object_list))
    context = {
        "month": month,
        "previous_month": f"{add_months(month, -1):%Y-%m}",
        "next_month": f"{add_months(month, 1):%Y-%m}",
        "page": page,
        "rows": kpis.progress(page.object_list, found),
        "query": request.GET.urlencode(),
    }
    return render(request, "cadence/targets.html", context)


@login_required
@permission_required("cadence.add_target", raise_exception=True)
@require_http_methods(["GET", "POST"])
def target_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TargetForm(
        request.POST or None, initial={"month": f"{month_start(today()):%Y-%m}", "kpi": "calls"}
    )
    context = {"form": form, "title": _("Set a target")}
    if request.method == "POST":
        if form.is_valid():
            try:
                target = actions.set_target(actor=request.user, data=form.cleaned_data)
            except actions.CadenceError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Target saved."))
                return redirect(f"{_targets_url()}?month={target.month:%Y-%m}")
        return render(request, "cadence/target_form.html", context, status=400)
    return render(request, "cadence/target_form.html", context)


def _targets_url() -> str:
    return reverse("cadence:target-list")


@login_required
@permission_required("cadence.change_target", raise_exception=True)
@require_http_methods(["GET", "POST"])
def target_edit(request: AuthenticatedHttpRequest, target_id: int) -> HttpResponse:
    target = get_object_or_404(Target.objects.select_related("team", "user"), pk=target_id)
    form = TargetEditForm(
        request.POST or None,
        initial={"value": target.value, "manual_actual": target.manual_actual},
        kpi=target.kpi,
    )
    if not target.is_manual:
        del form.fields["manual_actual"]
    context = {
        "form": form,
        "target": target,
        "title": _("Target: %(kpi)s, %(holder)s")
        % {"kpi": target.display_name, "holder": target.holder},
    }
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "cadence/target_form.html", context, status=400)
        actions.update_target(
            target=target,
            actor=request.user,
            value=form.cleaned_data["value"],
            manual_actual=form.cleaned_data.get("manual_actual"),
        )
        messages.success(request, _("Target saved."))
        return redirect(f"{_targets_url()}?month={target.month:%Y-%m}")
    return render(request, "cadence/target_form.html", context)


@login_required
@permission_required("cadence.delete_target", raise_exception=True)
@require_POST
def target_delete(request: AuthenticatedHttpRequest, target_id: int) -> HttpResponse:
    target = get_object_or_404(Target, pk=target_id)
    month = target.month
    actions.delete_target(target=target, actor=request.user)
    messages.success(request, _("Target deleted."))
    return redirect(f"{_targets_url()}?month={month:%Y-%m}")


def _day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(day, datetime.time(), tzinfo=zone)
    return start, start + datetime.timedelta(days=1)


@login_required
@permission_required("cadence.add_checkpoint", raise_exception=True)
@require_http_methods(["GET", "POST"])
def my_checkpoint(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Today's checkpoint: the tasks due (planned) and done today beside the form. The first
    visit of the day starts the form from those tasks; saving again changes the day's one."""
    day = today()
    start, end = _day_bounds(day)
    checkpoint = Checkpoint.objects.filter(user=request.user, day=day).first()
    mine = Task.objects.filter(owner=request.user).order_by("due_at", "id")
    planned = list(mine.filter(status=Status.OPEN, due_at__lt=end)[:TASKS_SHOWN])
    done = list(
        mine.filter(status=Status.DONE, completed_at__gte=start, completed_at__lt=end)[:TASKS_SHOWN]
    )
    initial = {}
    if checkpoint is None:
        initial = {
            "planned": "\n".join(f"- {task.title}" for task in planned),
            "done": "\n".join(f"- {task.title}" for task in done),
        }
    form = CheckpointForm(request.POST or None, instance=checkpoint, initial=initial)
    context = {
        "form": form,
        "day": day,
        "checkpoint": checkpoint,
        "planned": planned,
        "done": done,
        "shown": TASKS_SHOWN,
        "leads": request.user.has_perm("cadence.view_checkpoint")
        or Team.objects.filter(lead=request.user).exists(),
    }
    if request.method == "POST":
        if not form.is_valid():
            return render(
                request, "cadence/checkpoint.html", context, status=invalid_form_status(request)
            )
        actions.save_checkpoint(
            user=request.user,
            data={name: form.cleaned_data[name] for name in CheckpointForm.Meta.fields},
        )
        messages.success(request, _("Checkpoint saved."))
        return redirect("cadence:checkpoint")
    return render(request, "cadence/checkpoint.html", context)


def _teams_led(user: User):
    """The teams whose checkpoints `user` reads: every team for a manager, else those they
    lead."""
    if user.has_perm("cadence.view_checkpoint"):
        return Team.objects.all()
    return Team.objects.filter(lead=user)


@login_required
@require_GET
def team_checkpoints(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A team's checkpoints of a day, who has not filled theirs in first."""
    teams = _teams_led(request.user)
    choices = list(teams)
    if not choices:
        raise PermissionDenied
    params = valid_parameters(TeamDayForm(request.GET, teams=teams))
    team = params["team"] or choices[0]
    day = params["day"] or today()
    members = User.objects.filter(team=team, is_active=True).order_by("full_name", "id")
    page = CountedUpToPaginator(members, PER_PAGE).get_page(request.GET.get("page"))
    people = list(page.object_list)
    written = {
        checkpoint.user_id: checkpoint
        for checkpoint in Checkpoint.objects.filter(day=day, user__in=[p.pk for p in people])
    }
    context = {
        "teams": choices,
        "team": team,
        "day": day,
        "page": page,
        "rows": [(person, written.get(person.pk)) for person in people],
        "missing": [person for person in people if person.pk not in written],
        "query": request.GET.urlencode(),
    }
    return render(request, "cadence/team_checkpoints.html", context)


# Rows of each list on the manager's home; each links to its full list.
HOME_SHOWN = 8
# The home's counts are aggregates over every customer and open task (20-35 ms each at 100k
# customers): kept a minute per manager, as a dashboard refreshes, and shown with their time.
HOME_COUNTS_SECONDS = 60


@login_required
@permission_required("cadence.add_target", raise_exception=True)
@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The manager's first page: this month's targets against their actuals, the customers at
    risk with the most revenue, the health distribution, the month's tier moves, the onboarding
    funnel and the open work per person, each linking to its list. The targets read the KPI
    rollup and the top-N lists an index; the counts over every customer and open task are kept
    a minute (`HOME_COUNTS_SECONDS`)."""
    day = today()
    month = month_start(day)
    moment = timezone.now()
    targets = list(Target.objects.of_month(month).select_related("team", "user")[:HOME_SHOWN])
    found = kpis.actuals(*kpis.month_bounds(month), codes=kpis.codes_of(targets))
    visible = Customer.objects.visible_to(request.user).alive()
    at_risk = visible.filter(status=Customer.Status.AT_RISK)
    counts: dict = cast(
        dict,
        cache.get_or_set(
            f"cadence:home:{request.user.pk}:{month:%Y-%m}",
            lambda: _home_counts(visible, month, moment),
            HOME_COUNTS_SECONDS,
        ),
    )
    context = {
        "month": month,
        "targets": kpis.progress(targets, found),
        "at_risk": list(
            at_risk.select_related("owner").order_by(
                F("gmv_90d").desc(nulls_last=True), "name", "id"
            )[:HOME_SHOWN]
        ),
        "at_risk_count": counts["customers"]["at_risk"],
        "health": [
            {"grade": grade, "label": grade.label, "count": counts["customers"][grade]}
            for grade in Grade
        ],
        "moves": counts["moves"],
        "stages": counts["stages"],
        "work": counts["work"],
        "counted_at": counts["counted_at"],
        "shown": HOME_SHOWN,
    }
    return render(request, "cadence/home.html", context)


def _home_counts(visible, month: datetime.date, moment: datetime.datetime) -> dict:
    """The manager's home's counts over every customer `visible` and every open task: the
    at-risk count and the health grades (one pass), the month's tier moves, the onboarding
    funnel and the open work per person."""
    # The at-risk count and the health grades in one pass over the customers one may see.
    customers = visible.order_by().aggregate(
        at_risk=Count("id", filter=Q(status=Customer.Status.AT_RISK)),
        **{grade: Count("id", filter=Q(health_grade=grade)) for grade in Grade.values},
    )
    moves = (
        TierChange.objects.filter(changed_on__gte=month, changed_on__lt=add_months(month, 1))
        .order_by()
        .aggregate(
            up=Count("id", filter=Q(direction=TierChange.Direction.UP)),
            down=Count("id", filter=Q(direction=TierChange.Direction.DOWN)),
        )
    )
    stages = list(Stage.objects.annotate(customers=Count("onboardings")).order_by("position", "id"))
    work = list(
        Task.objects.open()
        .filter(owner__isnull=False)
        .order_by()
        .values("owner_id", "owner__full_name")
        .annotate(open=Count("id"), overdue=Count("id", filter=Q(due_at__lt=moment)))
        .order_by("-overdue", "-open", "owner__full_name")[:HOME_SHOWN]
    )
    return {
        "customers": customers,
        "moves": moves,
        "stages": stages,
        "work": work,
        "counted_at": moment,
    }
