"""Demo tasks: open (overdue, today, upcoming) and done ones for every demo user who works tasks."""

import random
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from rich.progress import Progress

from setia.accounts.models import Role
from setia.customers.demo_load import demo_customers
from setia.notifications.models import Kind, Notification
from setia.work.automation.evaluation import evaluate
from setia.work.onboarding.actions import enroll_new_customers
from setia.work.onboarding.models import Onboarding, Stage
from setia.work.schedule.actions import notify_assigned, notify_tasks_due_today
from setia.work.schedule.models import (
    ChecklistItem,
    Priority,
    Recurrence,
    Status,
    Task,
    reminder_time,
)

TITLES = [
    "Telepon untuk kickoff",
    "Cek progres unggah produk",
    "Follow up perpanjangan langganan",
    "Kirim template promo 12.12",
    "Review performa toko bulan ini",
    "Bantu setting ongkir",
    "Jadwalkan sesi pelatihan admin toko",
    "Cek website yang sempat down",
    "Kirim survei kepuasan",
    "Diskusi paket upgrade",
]
CHECKLIST = ["Siapkan data GMV", "Hubungi pemilik toko", "Catat hasil di timeline"]
# (days from the reference day, status) for each demo user's tasks
PLAN = [(-3, Status.OPEN), (-1, Status.OPEN), (0, Status.OPEN), (0, Status.OPEN)]
PLAN += [(days, Status.OPEN) for days in (1, 2, 4, 6, 12)]
PLAN += [(days, Status.DONE) for days in (-10, -7, -5, -2, -1)]


def load(*, seed: int, people, reference: date, progress: Progress) -> str:
    """Demo tasks, customers in every onboarding stage (some stalled) and a few running
    playbooks, all on the demo's own customers. Idempotent: what exists already is left
    alone."""
    tasks = _load_tasks(seed=seed, people=people, reference=reference, progress=progress)
    spread = _spread_onboarding(seed=seed, reference=reference)
    outcome = evaluate(day=reference, customers=demo_customers())
    notified = _notify(people=people, reference=reference)
    return (
        f"{tasks} onboarding moved={spread} playbooks started={outcome.started} notified={notified}"
    )


def _notify(*, people, reference: date) -> int:
    """The bell's demo: each executive and intern told of a task the manager gave them, and
    everyone of what is due on the reference day (the morning job). Once: skipped when
    assignment notifications exist."""
    if Notification.objects.filter(kind=Kind.ASSIGNMENT).exists():
        return 0
    manager = next((user for user in people.users if user.role == Role.MANAGER), None)
    workers = [user for user in people.users if user.role in (Role.EXECUTIVE, Role.INTERN)]
    tasks = [
        task
        for task in (
            Task.objects.open().filter(owner=user).order_by("due_at", "pk").first()
            for user in workers
        )
        if task is not None
    ]
    return notify_assigned(tasks, actor=manager) + notify_tasks_due_today(day=reference)


# The demo pipeline: this share of the demo customers is still onboarding (at least
# MIN_PER_STAGE in each stage before the last), the rest are live; of those onboarding, one in
# STALLED_ONE_IN is past its stage's days, the others spread over the days they may still take.
ONBOARDING_SHARE = 0.3
MIN_PER_STAGE = 8
STALLED_ONE_IN = 5


def _spread_onboarding(*, seed: int, reference: date) -> int:
    """Spread the enrolled demo customers over the stages as a real pipeline looks: most live,
    the others across the stages before, each a number of days into its stage, one in five
    stalled. One UPDATE per stage and number of days. Skipped once any of them has left the
    first stage."""
    enroll_new_customers(customers=demo_customers())
    stages = list(Stage.objects.all())
    onboardings = Onboarding.objects.filter(customer__in=demo_customers())
    if len(stages) < 2 or onboardings.exclude(stage=stages[0]).exists():
        return 0
    ids = list(onboardings.order_by("customer_id").values_list("pk", flat=True))
    random.Random(seed).shuffle(ids)
    *pipeline, final = stages
    per_stage = max(
        int(len(ids) * ONBOARDING_SHARE) // len(pipeline),
        min(MIN_PER_STAGE, len(ids) // len(stages)),
    )
    by_days: dict[tuple[Stage, int], list[int]] = defaultdict(list)
    for index, stage in enumerate(pipeline):
        chunk = ids[index * per_stage : (index + 1) * per_stage]
        patience = max(stage.stalled_after_days, 2)
        for position, pk in enumerate(chunk):
            if position % STALLED_ONE_IN == 0:
                days = stage.stalled_after_days + 1 + position % 10
            else:
                days = 1 + position % (patience - 1)  # a day at least: never entered in future
            by_days[(stage, days)].append(pk)
    for position, pk in enumerate(ids[len(pipeline) * per_stage :]):
        by_days[(final, 30 * (1 + position % 6))].append(pk)  # live for one to six months
    zone = timezone.get_current_timezone()
    moved = 0
    for (stage, days), rows in by_days.items():
        entered = timezone.make_aware(
            datetime.combine(reference - timedelta(days=days), time(10)), zone
        )
        moved += Onboarding.objects.filter(pk__in=rows).update(
            stage=stage, entered_stage_at=entered
        )
    return moved


def _load_tasks(*, seed: int, people, reference: date, progress: Progress) -> str:
    """Idempotent: demo users who already have tasks are left alone."""
    workers = [user for user in people.users if user.has_perm("work.view_task")]
    busy = set(Task.objects.filter(owner__in=workers).values_list("owner_id", flat=True))
    workers = [user for user in workers if user.pk not in busy]
    if not workers:
        return "tasks created=0"
    rng = random.Random(seed)
    customers_by_team: dict[int | None, list[int]] = {}
    for team_id in {user.team_id for user in workers}:
        rows = demo_customers().alive().order_by("pk")
        rows = rows.filter(team_id=team_id) if team_id else rows
        customers_by_team[team_id] = list(rows.values_list("pk", flat=True)[:200])
    zone = timezone.get_current_timezone()
    tasks = []
    for user in workers:
        pool: Sequence[int | None] = customers_by_team.get(user.team_id) or [None]
        for n, (days, status) in enumerate(PLAN):
            due_at = timezone.make_aware(
                datetime.combine(
                    reference + timedelta(days=days), time(rng.choice([9, 10, 13, 15, 16]))
                ),
                zone,
            )
            tasks.append(
                Task(
                    title=rng.choice(TITLES),
                    owner=user,
                    team_id=user.team_id,
                    customer_id=rng.choice(pool),
                    due_at=due_at,
                    remind_at=reminder_time(due_at),
                    # the past is not e-mailed again when the beat job first runs
                    reminder_sent_at=reminder_time(due_at) if days < 0 else None,
                    priority=rng.choice([Priority.NORMAL] * 3 + [Priority.HIGH, Priority.URGENT]),
                    status=status,
                    completed_at=due_at if status == Status.DONE else None,
                    completed_by=user if status == Status.DONE else None,
                    recurrence=Recurrence.WEEKLY if n == 2 else "",
                    created_by=user,
                )
            )
    task_id = progress.add_task("tasks", total=len(tasks))
    Task.objects.bulk_create(tasks)  # Django sizes batches for SQLite's variable limit
    progress.update(task_id, completed=len(tasks))
    created = list(
        Task.objects.filter(owner__in=workers).order_by("pk").values_list("pk", flat=True)
    )
    items = [
        ChecklistItem(task_id=pk, text=text, position=position, is_done=False)
        for pk in created[::3]
        for position, text in enumerate(CHECKLIST)
    ]
    ChecklistItem.objects.bulk_create(items, batch_size=190)
    return f"tasks created={len(tasks)}"
