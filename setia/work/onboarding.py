"""Actions of the onboarding pipeline: enrol new customers, move them between stages (with the
stage history and the stage's checklist tasks), and the weekly intake report."""

import datetime

from django.db import transaction
from django.db.models import Count

from setia.customers.models import Customer
from setia.engagement.actions import record_event
from setia.lib.dates import now
from setia.work.models import Onboarding, Stage, StageChange, StageTaskTemplate, Task

BATCH = 190  # rows per INSERT; SQLite caps a statement near 199 rows of this width


def _tasks_for(onboardings: list[Onboarding], stage: Stage, moment) -> list[Task]:
    templates = list(StageTaskTemplate.objects.filter(stage=stage))
    return [
        Task(
            title=template.title,
            owner_id=onboarding.customer.owner_id,
            team_id=onboarding.customer.team_id,
            customer_id=onboarding.customer_id,
            due_at=moment + datetime.timedelta(days=template.due_in_days),
            remind_at=moment + datetime.timedelta(days=template.due_in_days, hours=-1),
        )
        for onboarding in onboardings
        for template in templates
    ]


def _record_created(tasks: list[Task], actor) -> None:
    for task in tasks:
        record_event(
            task.customer,
            "task",
            actor=actor,
            summary=task.title,
            data={"task_action": "created", "title": task.title, "due_at": task.due_at.isoformat()},
            source_object=task,
        )


@transaction.atomic
def enroll_new_customers(*, today: datetime.date | None = None) -> int:
    """Put every live customer that is not on the pipeline on its first stage, as of the day it
    joined. Customers who joined within the first stage's stall window also get that stage's
    checklist tasks; older ones (from before the pipeline) do not. Idempotent; returns the count.

    Also a RECOMPUTE_STEPS step (nightly), and run before the pipeline pages are read.
    """
    first = Stage.objects.first_stage()
    if first is None:
        return 0
    moment = now()
    rows = list(
        Customer.objects.alive()
        .filter(onboarding__isnull=True)
        .values_list("pk", "owner_id", "team_id", "created_at")
    )
    if not rows:
        return 0
    Onboarding.objects.bulk_create(
        [
            Onboarding(customer_id=pk, stage=first, entered_stage_at=created_at)
            for pk, _owner, _team, created_at in rows
        ],
        batch_size=BATCH,
        ignore_conflicts=True,  # a concurrent run enrolled some first
    )
    fresh_since = moment - datetime.timedelta(days=first.stalled_after_days)
    fresh = list(
        Onboarding.objects.filter(
            customer_id__in=[pk for pk, _o, _t, created_at in rows if created_at >= fresh_since]
        ).select_related("customer")
    )
    tasks = Task.objects.bulk_create(_tasks_for(fresh, first, moment), batch_size=BATCH)
    _record_created(tasks, None)
    return len(rows)


@transaction.atomic
def move_to_stage(*, onboarding: Onboarding, stage: Stage, actor) -> StageChange | None:
    """Move a customer to `stage`: one history row, the stage's checklist tasks for the
    customer's owner. Moving to the stage it is in changes nothing (None)."""
    # Lock the row: two people dragging the same card at once make one move each, in turn.
    onboarding = (
        Onboarding.objects.select_for_update()
        .select_related("customer", "stage")
        .get(pk=onboarding.pk)
    )
    if onboarding.stage_id == stage.pk:
        return None
    moment = now()
    change = StageChange.objects.create(
        onboarding=onboarding,
        from_stage=onboarding.stage,
        to_stage=stage,
        changed_by=actor,
        changed_at=moment,
        days_in_previous=max(0, onboarding.days_in_stage(moment)),
    )
    onboarding.stage, onboarding.entered_stage_at = stage, moment
    onboarding.save(update_fields=["stage", "entered_stage_at", "updated_at"])
    tasks = Task.objects.bulk_create(_tasks_for([onboarding], stage, moment))
    _record_created(tasks, actor)
    return change


def enroll_step(*, today: datetime.date) -> int:
    """RECOMPUTE_STEPS entry."""
    return enroll_new_customers(today=today)


# -- weekly intake report ----------------------------------------------------------------


def intake_periods(day: datetime.date) -> dict[str, tuple[datetime.date, datetime.date]]:
    """This week (Monday to `day`) and this month (the 1st to `day`), inclusive."""
    return {
        "week": (day - datetime.timedelta(days=day.weekday()), day),
        "month": (day.replace(day=1), day),
    }


def _joined_between(customers, first: datetime.date, last: datetime.date):
    return customers.filter(created_at__date__gte=first, created_at__date__lte=last)


def intake_report(customers, day: datetime.date) -> dict:
    """Who joined this week and this month, counted by category, owner and source.

    `customers` is the reader's visible, live customers. Each breakdown is one GROUP BY query.
    """
    report = {}
    for period, (first, last) in intake_periods(day).items():
        joined = _joined_between(customers, first, last)
        report[period] = {
            "first": first,
            "last": last,
            "total": joined.count(),
            "by_category": list(
                joined.values("category__name")
                .annotate(count=Count("pk"))
                .order_by("-count", "category__name")
            ),
            "by_owner": list(
                joined.values("owner__full_name")
                .annotate(count=Count("pk"))
                .order_by("-count", "owner__full_name")
            ),
            "by_source": list(
                joined.values("onboarding__source")
                .annotate(count=Count("pk"))
                .order_by("-count", "onboarding__source")
            ),
        }
    return report


def intake_rows(customers, day: datetime.date):
    """The customers who joined this month, for the page's list and the CSV export."""
    first, last = intake_periods(day)["month"]
    return (
        _joined_between(customers, first, last)
        .select_related("category", "owner", "onboarding__stage")
        .order_by("-created_at", "pk")
    )
