import calendar
import datetime
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from setia.accounts.models import Team
from setia.core.http import (
    AuthenticatedHttpRequest,
    code_url_parts,
    local_url,
    valid_parameters,
)
from setia.customers.actions import StaleEditError
from setia.lib.dates import month_end, month_start, now, today
from setia.lib.display import format_number
from setia.work.schedule import actions
from setia.work.schedule.access import get_task_for_user
from setia.work.schedule.forms import BoardForm, CalendarForm, TaskForm
from setia.work.schedule.ics import render_feed
from setia.work.schedule.models import CalendarFeed, Task

UPCOMING_DAYS = 7
# Tasks shown per section of My day and per person on the team board; the counts say how many
# there are in all.
MY_DAY_SHOWN = 20
BOARD_SHOWN = 10
CALENDAR_CELL_TASKS = 3  # tasks a calendar day shows; the rest are a "+N more" link to the day


def _task_urls() -> dict[str, tuple[str, str]]:
    """The task lists' links as the text around a code (`templates/work/_task_list.html`)."""
    return {
        "detail": code_url_parts("work:task-detail"),
        "complete": code_url_parts("work:task-complete"),
        "customer": code_url_parts("customers:customer-detail"),
    }


def _day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time()), zone)
    return start, start + datetime.timedelta(days=1)


@login_required
@permission_required("work.view_task", raise_exception=True)
@require_GET
def my_day(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The landing page of executives and interns: overdue, today, upcoming, reminders.

    Each section shows its count and its first MY_DAY_SHOWN tasks by due date (overdue ones a
    page at a time), so the page is as long for a backlog of thousands as for ten.
    """
    moment = now()
    _start, end = _day_bounds(today())
    horizon = end + datetime.timedelta(days=UPCOMING_DAYS)
    mine = Task.objects.open().filter(owner=request.user)
    shown = mine.select_related("customer").order_by("due_at", "id")
    counts = mine.due_counts(moment, end, horizon)
    pages = Paginator(shown.filter(due_at__lt=moment), MY_DAY_SHOWN)
    pages.count = counts["overdue"]  # counted with the others: no second COUNT
    overdue = pages.get_page(request.GET.get("page"))
    escalated = Task.objects.open().filter(escalated_to=request.user)
    feed = CalendarFeed.objects.filter(user=request.user).first()
    context = {
        "counts": counts,
        "overdue": overdue,
        "today": list(shown.filter(due_at__gte=moment, due_at__lt=end)[:MY_DAY_SHOWN]),
        "upcoming": list(shown.filter(due_at__gte=end, due_at__lt=horizon)[:MY_DAY_SHOWN]),
        "reminders": list(
            shown.filter(remind_at__lte=moment, due_at__gte=moment, due_at__lt=horizon)[
                :MY_DAY_SHOWN
            ]
        ),
        "escalated": list(escalated.select_related("customer", "owner")[:MY_DAY_SHOWN]),
        "escalated_count": escalated.count(),
        "shown": MY_DAY_SHOWN,
        "query": "",
        "feed_url": _feed_url(request, feed) if feed else "",
        "now": moment,
        "task_urls": _task_urls(),
    }
    return render(request, "work/my_day.html", context)


def _feed_url(request, feed) -> str:
    return request.build_absolute_uri(reverse("work:feed", args=[actions.feed_token(feed)]))


def _next_url(request, default: str) -> str:
    return local_url(request, request.POST.get("next")) or default


@login_required
@permission_required("work.add_task", raise_exception=True)
@require_http_methods(["GET", "POST"])
def create_task(request: AuthenticatedHttpRequest) -> HttpResponse:
    initial: dict[str, object] = {
        "due_at": timezone.localtime(now()).replace(minute=0, second=0, microsecond=0)
    }
    if request.GET.get("customer"):
        initial["customer"] = request.GET["customer"]
    form = TaskForm(request.POST or None, user=request.user, initial=initial)
    code = request.POST.get("customer") or request.GET.get("customer", "")
    customer = form.customers.filter(code=code).first() if _is_uuid(code) else None
    context = {"form": form, "customer": customer}
    if request.method == "GET":
        return render(request, "work/task_form.html", context)
    if not form.is_valid():
        return render(request, "work/task_form.html", context, status=400)
    task = actions.create_task(
        data=form.model_data(), checklist=form.checklist_items(), actor=request.user
    )
    messages.success(request, _("Task “%(title)s” created.") % {"title": task.title})
    return redirect("work:task-detail", code=task.code)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


@login_required
@require_GET
def task_detail(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    task = get_task_for_user(request, code)
    context = {
        "task": task,
        "checklist": list(task.checklist.all()),
        "can_change": request.user.has_perm("work.change_task"),
        "is_overdue": task.is_overdue(),
    }
    return render(request, "work/task_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def edit_task(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    task = get_task_for_user(request, code, change=True)
    form = TaskForm(request.POST or None, instance=task, user=request.user)
    if request.method == "GET":
        return render(request, "work/task_form.html", {"form": form, "task": task})
    if not form.is_valid():
        return render(request, "work/task_form.html", {"form": form, "task": task}, status=400)
    data = form.model_data()
    if data["owner"] is None:
        data.pop("owner")
    try:
        actions.update_task(
            task=task,
            data=data,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
        )
    except StaleEditError as error:
        messages.error(request, error.message)
        fresh = get_task_for_user(request, code, change=True)
        context = {
            "form": TaskForm(instance=fresh, user=request.user),
            "task": fresh,
            "conflict": error,
        }
        return render(request, "work/task_form.html", context, status=409)
    messages.success(request, _("Task saved."))
    return redirect("work:task-detail", code=task.code)


@login_required
@require_POST
def complete_task(request: AuthenticatedHttpRequest, code) -> HttpResponse:
    task = get_task_for_user(request, code, change=True)
    following = actions.complete_task(task=task, actor=request.user)
    text = _("Task “%(title)s” done.") % {"title": task.title}
    if following is not None:
        text += " " + _("The next one is due %(due)s.") % {
            "due": timezone.localtime(following.due_at).strftime("%d/%m/%Y %H:%M")
        }
    messages.success(request, text)
    return redirect(_next_url(request, reverse("work:my-day")))


@login_required
@require_POST
def toggle_checklist_item(request: AuthenticatedHttpRequest, code, item_id: int) -> HttpResponse:
    task = get_task_for_user(request, code, change=True)
    item = get_object_or_404(task.checklist, pk=item_id)
    actions.toggle_checklist_item(item=item, actor=request.user)
    if request.htmx:
        return render(
            request, "work/_checklist_item.html", {"task": task, "item": item, "can_change": True}
        )
    return redirect("work:task-detail", code=task.code)


# -- team board and fair assignment -----------------------------------------------------


def _board_team(request) -> Team:
    user = request.user
    if user.has_perm("work.view_all_tasks"):
        teams = Team.objects.all()
        wanted = valid_parameters(
            BoardForm(request.POST if request.method == "POST" else request.GET)
        )["team"]
        if wanted is not None:
            return get_object_or_404(teams, pk=wanted)
        team = user.team or teams.first()
        if team is None:
            raise Http404
        return team
    if user.team is None:
        raise PermissionDenied
    return user.team


@login_required
@permission_required("work.assign_task", raise_exception=True)
@require_GET
def team_board(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Open tasks per person of a team, each with their weighted workload: each column's count
    and its first BOARD_SHOWN tasks by due date."""
    team = _board_team(request)
    people = list(actions.assignable_people(team.pk).order_by("full_name"))
    known = [person.pk for person in people]
    # Each owner's count and workload in one query; then only the owners with tasks are read.
    figures = Task.objects.board_counts(team.pk, known)
    others_count = sum(
        count for owner, (count, _load) in figures.items() if owner and owner not in known
    )
    owners = [owner for owner, (count, _load) in figures.items() if count]
    tasks = list(
        Task.objects.open()
        .filter(team=team)
        .first_per_owner(BOARD_SHOWN, owners)
        .select_related("customer", "owner")
        .order_by("due_at", "id")
    )
    moment = now()
    columns = [
        {
            "person": person,
            "load": figures.get(person.pk, (0, 0))[1],
            "count": figures.get(person.pk, (0, 0))[0],
            "tasks": [task for task in tasks if task.owner_id == person.pk],
        }
        for person in people
    ]
    others = [task for task in tasks if task.owner_id and task.owner_id not in known]
    context = {
        "team": team,
        "teams": list(Team.objects.all()) if request.user.has_perm("work.view_all_tasks") else [],
        "columns": columns,
        "unassigned": [task for task in tasks if task.owner_id is None],
        "unassigned_count": figures.get(None, (0, 0))[0],
        "others": others[:BOARD_SHOWN],
        "others_count": others_count,
        "shown": BOARD_SHOWN,
        "now": moment,
        "task_urls": _task_urls(),
        "can_assign_fairly": request.user.has_perm("work.assign_fairly"),
    }
    return render(request, "work/team_board.html", context)


@login_required
@permission_required("work.assign_fairly", raise_exception=True)
@require_POST
def assign_unassigned(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Fair assignment of the team's unassigned open tasks among its executives and interns."""
    team = _board_team(request)
    people = list(actions.assignable_people(team.pk))
    tasks = list(Task.objects.open().filter(team=team, owner__isnull=True).order_by("due_at"))
    if not people:
        messages.error(request, _("Nobody in %(team)s can take tasks.") % {"team": team})
    else:
        actions.assign_fairly(tasks=tasks, people=people, actor=request.user)
        messages.success(
            request, _("%(count)s tasks assigned fairly.") % {"count": format_number(len(tasks))}
        )
    return redirect(reverse("work:team-board") + f"?team={team.pk}")


# -- calendar ---------------------------------------------------------------------------


@login_required
@permission_required("work.view_task", raise_exception=True)
@require_GET
def month_calendar(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A month grid (Monday first) of the user's tasks: a few per day, with how many more and
    a link to the day, whose every task is then listed under the grid."""
    current = today()
    parameters = valid_parameters(CalendarForm(request.GET))
    chosen = parameters["day"]
    first = parameters["month"] or month_start(chosen or current)
    last = month_end(first)
    start, _ignored = _day_bounds(first)
    _ignored, end = _day_bounds(last)
    month = Task.objects.filter(owner=request.user, due_at__gte=start, due_at__lt=end).exclude(
        status="cancelled"
    )
    counts = month.count_per_day()
    by_day: dict[datetime.date, list[Task]] = {}
    for task in month.first_per_day(CALENDAR_CELL_TASKS).select_related("customer"):
        by_day.setdefault(timezone.localdate(task.due_at), []).append(task)
    weeks = [
        [
            {
                "day": day,
                "in_month": day.month == first.month,
                "is_today": day == current,
                "tasks": by_day.get(day, []),
                "more": counts.get(day, 0) - len(by_day.get(day, [])),
            }
            for day in week
        ]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    ]
    day_tasks = None
    if chosen is not None:
        day_start, day_end = _day_bounds(chosen)
        day_tasks = list(
            Task.objects.filter(owner=request.user, due_at__gte=day_start, due_at__lt=day_end)
            .exclude(status="cancelled")
            .select_related("customer")
            .order_by("due_at", "id")
        )
    previous = month_start(first, -1)
    following = month_start(first, 1)
    context = {
        "first": first,
        "weeks": weeks,
        "previous": f"{previous:%Y-%m}",
        "following": f"{following:%Y-%m}",
        "weekdays": [datetime.date(2024, 1, n) for n in range(1, 8)],  # a Monday to Sunday
        "chosen": chosen,
        "day_tasks": day_tasks,
    }
    return render(request, "work/calendar.html", context)


# -- ICS feed ---------------------------------------------------------------------------


@login_required
@permission_required("work.view_task", raise_exception=True)
@require_POST
def enable_feed(request: AuthenticatedHttpRequest) -> HttpResponse:
    actions.enable_feed(user=request.user)
    messages.success(request, _("Your calendar feed is on. Keep its address private."))
    return redirect("work:my-day")


@login_required
@permission_required("work.view_task", raise_exception=True)
@require_POST
def revoke_feed(request: AuthenticatedHttpRequest) -> HttpResponse:
    actions.revoke_feed(user=request.user)
    messages.success(request, _("Your calendar feed is off; its old address no longer works."))
    return redirect("work:my-day")


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The user's open tasks as iCalendar; no login (calendar apps cannot log in), the signed
    token is the credential. A forged or revoked token is a 404."""
    feed = actions.feed_for_token(token)
    if feed is None or not feed.user.has_perm("work.view_task"):
        raise Http404
    tasks = list(Task.objects.open().filter(owner=feed.user).select_related("customer")[:1000])
    body = render_feed(feed.user, tasks, stamp=now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response
