"""Actions of the onboarding pipeline: enrol new customers, move them between stages (with the
stage history and the stage's checklist tasks), and the weekly intake report."""

import datetime

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count

from setia.accounts.models import User
from setia.customers.models import Category, Customer
from setia.history.actions import new_event, record_events, record_events_unread
from setia.lib.copy import insert_rows, reserve_ids
from setia.lib.dates import month_start, now
from setia.work.onboarding.models import Onboarding, Stage, StageChange, StageTaskTemplate
from setia.work.schedule.models import Task, reminder_time

# Onboardings whose checklist tasks are built and written at a time; below SQLite's limit of
# variables per statement for the look-up of the batch.
TASK_BATCH = 1_000


def _tasks_for(onboardings: list[Onboarding], stage: Stage, moment) -> list[Task]:
    """The stage's checklist tasks for each onboarding's customer owner, titled in the owner's
    language (the site's language for a customer nobody owns)."""
    templates = list(StageTaskTemplate.objects.filter(stage=stage))
    owners = {onboarding.customer.owner_id for onboarding in onboardings}
    languages: dict[int | None, str] = dict(
        User.objects.filter(pk__in=[pk for pk in owners if pk is not None]).values_list(
            "pk", "language"
        )
    )
    return [
        Task(
            title=_title(template, languages.get(onboarding.customer.owner_id)),
            owner_id=onboarding.customer.owner_id,
            team_id=onboarding.customer.team_id,
            # The customer itself, not its id: the tasks' timeline events read it, and a bare id
            # would cost a query per task.
            customer=onboarding.customer,
            due_at=moment + datetime.timedelta(days=template.due_in_days),
            remind_at=reminder_time(moment + datetime.timedelta(days=template.due_in_days)),
        )
        for onboarding in onboardings
        for template in templates
    ]


def _title(template: StageTaskTemplate, language: str | None) -> str:
    if (language or settings.LANGUAGE_CODE) == "id" and template.title_id:
        return template.title_id
    return template.title


def _record_created(tasks: list[Task], actor, *, unread: bool = False) -> None:
    """The tasks' `created` events on their customers' timelines (`unread`: by COPY, for many
    tasks whose events nobody reads back)."""
    (record_events_unread if unread else record_events)(
        [
            new_event(
                task.customer,
                "task",
                actor=actor,
                summary=task.title,
                data={
                    "task_action": "created",
                    "title": task.title,
                    "due_at": task.due_at.isoformat(),
                },
                source_object=task,
            )
            for task in tasks
        ]
    )


_ENROLL = """
INSERT INTO {onboarding} (customer_id, stage_id, entered_stage_at, source, created_at, updated_at)
SELECT c.id, %s, c.created_at, '', %s, %s
FROM {customer} AS c
WHERE c.deleted_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM {onboarding} AS o WHERE o.customer_id = c.id)
  {among}
ON CONFLICT (customer_id) DO NOTHING
"""


@transaction.atomic
def enroll_new_customers(*, customers=None, actor=None, today: datetime.date | None = None) -> int:
    """Put every live customer that is not on the pipeline (among `customers`, a Customer
    queryset, when given) on its first stage, as of the day it joined. Customers who joined
    within the first stage's stall window also get that stage's checklist tasks, on the
    timeline by `actor`; older ones (from before the pipeline) do not. Idempotent; returns the
    count.

    Called by whatever creates customers, right after (the new-customer page, the demo data),
    and nightly as a RECOMPUTE_STEPS step for any other way a customer came in. Never on a
    page read. One INSERT ... SELECT whatever the number of customers (ON CONFLICT: a
    concurrent run enrolled some first).
    """
    first = Stage.objects.first_stage()
    if first is None:
        return 0
    moment = now()
    stamp = connection.ops.adapt_datetimefield_value(moment)
    among, among_params = "", []
    if customers is not None:
        subquery, among_params = customers.values("pk").query.sql_with_params()
        among = f"AND c.id IN ({subquery})"
    tables = {"onboarding": Onboarding._meta.db_table, "customer": Customer._meta.db_table}
    with connection.cursor() as cursor:
        cursor.execute(
            _ENROLL.format(**tables, among=among), [first.pk, stamp, stamp, *among_params]
        )
        enrolled = cursor.rowcount
    if not enrolled:
        return 0
    fresh = Onboarding.objects.filter(
        created_at=moment,
        customer__created_at__gte=moment - datetime.timedelta(days=first.stalled_after_days),
    )
    if customers is not None:
        fresh = fresh.filter(customer__in=customers.values("pk"))
    # In batches: an import enrols tens of thousands of customers at once, and their tasks and
    # events are model instances until written.
    ids = list(fresh.values_list("pk", flat=True))
    for start in range(0, len(ids), TASK_BATCH):
        batch = Onboarding.objects.filter(pk__in=ids[start : start + TASK_BATCH])
        tasks = _tasks_for(list(batch.select_related("customer")), first, moment)
        # By COPY (one compiled INSERT on SQLite) with ids reserved for the tasks' events:
        # `bulk_create` builds the SQL of every value in Python. The enrolment above has
        # written, so on SQLite this transaction holds the write lock `reserve_ids` needs.
        for task, pk in zip(tasks, reserve_ids(Task, len(tasks)), strict=True):
            task.pk = pk
        insert_rows(Task, tasks, with_ids=True)
        _record_created(tasks, actor, unread=True)
    return enrolled


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
        "month": (month_start(day), day),
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
                joined.values(category_name=Category.display_name_sql("category__"))
                .annotate(count=Count("pk"))
                .order_by("-count", "category_name")
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
