"""Reassigning customers in bulk, handing over everything of a person who leaves, and undoing
either.

Everything is set-based: the rows that move are chosen and recorded by one INSERT … SELECT
each (`ReassignedCustomer`, `ReassignedTask`, keeping each row's owner and team before and
after), then moved by one UPDATE each from those records; the undo reads the same records
back. The number of queries does not grow with the number of customers (the history entries
go in a few bulk INSERTs of 500).

What moves with a customer: its open tasks held by its previous owner or by nobody, which
go to its new owner (and that person's team, else the customer's new team). Tasks another
person holds (a lead's playbook step, an intern's) stay theirs. The customer's open playbook
runs have no owner of their own: their tasks move by that rule, and the runs are counted.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop

from setia.accounts.actions import deactivate_user, reactivate_user
from setia.accounts.models import Team, User
from setia.cadence.reassign.models import ReassignedCustomer, ReassignedTask, Reassignment
from setia.customers.models import Customer, CustomerQuerySet
from setia.history.actions import new_change, record_changes
from setia.history.models import AuditEntry
from setia.jobs.actions import enqueue
from setia.lib.dates import now
from setia.notifications.actions import notify_each
from setia.notifications.models import Kind
from setia.segments.models import Segment
from setia.work.automation.models import PlaybookRun
from setia.work.schedule.actions import open_loads
from setia.work.schedule.fairness import SLOTS, person_rows
from setia.work.schedule.models import Status, Task

# A reassignment of more rows than this runs as a background job, not inside the request.
INLINE_LIMIT = 500
# Customers shown on the preview.
SAMPLE_SIZE = 10
# History entries built in memory at a time.
HISTORY_CHUNK = 2000

PERMISSION = "cadence.add_reassignment"


@dataclass
class Preview:
    """What a reassignment would move: how many customers, open tasks and open playbook runs,
    and the first customers."""

    customers: int
    tasks: int
    runs: int
    sample: list[Customer]


def _check(actor) -> None:
    if not actor.has_perm(PERMISSION):
        raise PermissionDenied


# -- choosing -----------------------------------------------------------------------------


def chosen_customers(*, actor, query: QueryDict) -> CustomerQuerySet:
    """The live customers `actor` may change that the customers list shows for `query` (its
    filters and segment, as `CustomerQuerySet.listed` reads them)."""
    segment_query = Segment.objects.usable_by(actor).saved_query(query.get("segment", ""))
    return Customer.objects.editable_by(actor).alive().listed(query, segment_query=segment_query)


def customers_of(*, actor, leaver: User) -> CustomerQuerySet:
    """The live customers `leaver` owns, among those `actor` may change."""
    return Customer.objects.editable_by(actor).alive().filter(owner=leaver)


def _moving_tasks(customers: CustomerQuerySet, leaver: User | None):
    """The open tasks that move with `customers` (held by the customer's owner or nobody) and,
    for a hand-over, every other open task `leaver` holds."""
    ids = customers.order_by().values("pk")
    rule = Q(customer_id__in=ids) & (Q(owner__isnull=True) | Q(owner_id=F("customer__owner_id")))
    if leaver is not None:
        rule |= Q(owner=leaver)
    return Task.objects.open().filter(rule)


def preview(customers: CustomerQuerySet, *, leaver: User | None = None) -> Preview:
    """Count what a reassignment of `customers` would move, in four queries. A task or a
    customer whose owner and team would not change is counted all the same."""
    ids = customers.order_by().values("pk")
    return Preview(
        customers=customers.count(),
        tasks=_moving_tasks(customers, leaver).count(),
        runs=PlaybookRun.objects.open().filter(customer_id__in=ids).count(),
        sample=list(customers.select_related("owner", "team")[:SAMPLE_SIZE]),
    )


# -- starting -----------------------------------------------------------------------------


@transaction.atomic
def start_reassignment(
    *,
    actor,
    query: QueryDict,
    to_owner: User | None,
    to_team: Team | None,
    expected: int | None = None,
) -> Reassignment:
    """Reassign the customers the customers list shows for `query` (see `chosen_customers`) to
    `to_owner` and/or `to_team`: inline when there are at most `INLINE_LIMIT`, else as a job.

    Without a team, a customer takes its new owner's team (its own when the owner has none);
    without an owner, the owners stay. `expected` (the preview's count) refuses a list that
    changed since the preview with `ReassignError`."""
    _check(actor)
    if to_owner is None and to_team is None:
        raise ReassignError(gettext("Choose a new owner or a new team."))
    customers = chosen_customers(actor=actor, query=query)
    reassignment = Reassignment.objects.create(
        kind=Reassignment.Kind.BULK, actor=actor, query=query.urlencode(), to_team=to_team
    )
    if to_owner is not None:
        reassignment.receivers.add(to_owner)
    return _start(reassignment, customers, expected)


@transaction.atomic
def start_handover(
    *,
    actor,
    leaver: User,
    receivers: list[User],
    to_team: Team | None,
    deactivate: bool,
    expected: int | None = None,
) -> Reassignment:
    """Hand over everything `leaver` holds: the customers they own and the open tasks that
    move with them go to `receivers` (each customer, the biggest by 90-day GMV first, to the
    receiver owning the fewest, ties round-robin: the work app's fair assignment), their
    other open tasks to the receiver with the least open work; then, with `deactivate`, their
    account is disabled. Inline or as a job, as `start_reassignment`."""
    _check(actor)
    if not receivers:
        raise ReassignError(gettext("Choose who receives the work."))
    if leaver in receivers:
        raise ReassignError(gettext("The person leaving cannot receive their own work."))
    if deactivate and leaver.pk == actor.pk:
        raise ReassignError(gettext("You cannot disable your own account."))
    reassignment = Reassignment.objects.create(
        kind=Reassignment.Kind.HANDOVER,
        actor=actor,
        leaver=leaver,
        deactivate=deactivate,
        to_team=to_team,
    )
    reassignment.receivers.add(*receivers)
    return _start(reassignment, customers_of(actor=actor, leaver=leaver), expected)


class ReassignError(Exception):
    """A reassignment that cannot be made; `message` is user-facing and translated."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _start(
    reassignment: Reassignment, customers: CustomerQuerySet, expected: int | None
) -> Reassignment:
    size = customers.count()
    if expected is not None and expected != size:
        raise ReassignError(
            gettext("The list changed since the preview: check the numbers again and confirm.")
        )
    if size <= INLINE_LIMIT:
        apply_reassignment(reassignment=reassignment)
        reassignment.refresh_from_db()
        return reassignment
    job = enqueue(
        "setia.cadence.reassign.tasks.apply_reassignment_task",
        reassignment.pk,
        label=gettext("Reassignment of %(count)s customers") % {"count": size},
        created_by=reassignment.actor,
        on_failure="setia.cadence.reassign.tasks.apply_failed",
        link=reverse("cadence:reassignment-detail", args=[reassignment.code]),
    )
    Reassignment.objects.filter(pk=reassignment.pk).update(job=job)
    reassignment.job = job
    return reassignment


# -- applying -----------------------------------------------------------------------------


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _receivers(reassignment: Reassignment) -> list[User]:
    # In id order: the round-robin turn, as the trigger evaluation's interns.
    return list(reassignment.receivers.order_by("pk"))


@transaction.atomic
def apply_reassignment(*, reassignment: Reassignment) -> None:
    """Move what `reassignment` chose (its query, or its leaver's customers and tasks), once:
    a reassignment no longer queued is left alone. The choice is made again now, by the
    manager's rights of now."""
    reassignment = (
        Reassignment.objects.select_for_update(of=("self",))
        .select_related("actor", "leaver")
        .get(pk=reassignment.pk)
    )
    if reassignment.status != Reassignment.Status.QUEUED:
        return
    actor, leaver = reassignment.actor, reassignment.leaver
    if leaver is not None:
        customers = customers_of(actor=actor, leaver=leaver)
    else:
        customers = chosen_customers(actor=actor, query=QueryDict(reassignment.query))
    receivers = _receivers(reassignment)
    moment = now()
    _record_customers(reassignment, customers, receivers)
    moved = ReassignedCustomer.objects.filter(reassignment=reassignment)
    Customer.objects.filter(pk__in=moved.values("customer_id")).update(
        owner_id=Subquery(moved.filter(customer_id=OuterRef("pk")).values("new_owner_id")[:1]),
        team_id=Subquery(moved.filter(customer_id=OuterRef("pk")).values("new_team_id")[:1]),
        # An edit form opened before the reassignment must not silently put the owner back.
        version=F("version") + 1,
        updated_at=moment,
    )
    _record_tasks(reassignment, leaver)
    if leaver is not None and receivers:
        _record_leavers_tasks(reassignment, leaver, receivers)
    tasks = ReassignedTask.objects.filter(reassignment=reassignment)
    Task.objects.filter(pk__in=tasks.values("task_id")).update(
        owner_id=Subquery(tasks.filter(task_id=OuterRef("pk")).values("new_owner_id")[:1]),
        team_id=Subquery(tasks.filter(task_id=OuterRef("pk")).values("new_team_id")[:1]),
        version=F("version") + 1,
        updated_at=moment,
    )
    _write_history(moved, actor=actor, source=reassignment.source, back=False)
    _notify_receivers(tasks, actor=actor)
    reassignment.customers_moved = moved.count()
    reassignment.tasks_moved = tasks.count()
    reassignment.runs_moved = (
        PlaybookRun.objects.open().filter(customer_id__in=moved.values("customer_id")).count()
    )
    reassignment.status = Reassignment.Status.DONE
    reassignment.applied_at = moment
    reassignment.save(
        update_fields=[
            "customers_moved",
            "tasks_moved",
            "runs_moved",
            "status",
            "applied_at",
            "updated_at",
        ]
    )
    if leaver is not None and reassignment.deactivate and leaver.is_active:
        deactivate_user(user=leaver, actor=actor)


MOVED_TASKS = gettext_noop("%(actor)s moved open tasks to you: %(count)s.")


def _notify_receivers(tasks, *, actor) -> int:
    """Tell each new owner of moved tasks how many came to them: one grouped SELECT, one
    INSERT, one UPDATE (none for tasks the manager moved to themselves)."""
    counts = (
        tasks.filter(new_owner_id__isnull=False)
        .exclude(new_owner_id=F("previous_owner_id"))
        .order_by()
        .values("new_owner_id")
        .annotate(count=Count("pk"))
        .values_list("new_owner_id", "count")
    )
    return notify_each(
        [(owner, {"actor": str(actor), "count": count}) for owner, count in counts],
        Kind.ASSIGNMENT,
        MOVED_TASKS,
        link=reverse("work:my-day"),
        actor=actor,
    )


def _record_customers(
    reassignment: Reassignment, customers: CustomerQuerySet, receivers: list[User]
) -> None:
    """One INSERT … SELECT of a `ReassignedCustomer` per chosen customer whose owner or team
    changes. Several receivers share the customers by the work app's fair assignment
    (`fairness.SLOTS`): each customer, the biggest first, to the receiver owning the fewest."""
    chosen_sql, chosen_params = customers.order_by().values("pk").query.sql_with_params()
    loads = (
        dict(
            Customer.objects.alive()
            .filter(owner__in=receivers)
            .order_by()
            .values("owner")
            .annotate(count=Count("pk"))
            .values_list("owner", "count")
        )
        if len(receivers) > 1
        else {}
    )
    person, person_params = person_rows(
        [(user.pk, 0, loads.get(user.pk, 0), turn) for turn, user in enumerate(receivers)]
    )
    customer, user = _table(Customer), _table(User)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE {person},
            chosen AS (
                SELECT c.id, c.owner_id, c.team_id, row_number() OVER (
                    ORDER BY COALESCE(c.gmv_90d, -1) DESC, c.id) AS n
                FROM {customer} c WHERE c.id IN ({chosen_sql})),
            need (team_id, n, weight) AS (SELECT 0, count(*) * %s, 1 FROM chosen),
            {SLOTS},
            target AS (
                SELECT chosen.id, chosen.owner_id, chosen.team_id,
                    COALESCE(slot.id, chosen.owner_id) AS new_owner_id,
                    COALESCE(%s, u.team_id, chosen.team_id) AS new_team_id
                FROM chosen
                LEFT JOIN slot ON slot.n = chosen.n
                LEFT JOIN {user} u ON u.id = slot.id)
            INSERT INTO {_table(ReassignedCustomer)} (reassignment_id, customer_id,
                previous_owner_id, previous_team_id, new_owner_id, new_team_id, restored)
            SELECT %s, id, owner_id, team_id, new_owner_id, new_team_id, %s FROM target
            WHERE COALESCE(owner_id, 0) <> COALESCE(new_owner_id, 0)
                OR COALESCE(team_id, 0) <> COALESCE(new_team_id, 0)
            """,
            [
                *person_params,
                *chosen_params,
                1 if receivers else 0,
                reassignment.to_team_id,
                reassignment.pk,
                False,
            ],
        )


def _record_tasks(reassignment: Reassignment, leaver: User | None) -> None:
    """One INSERT … SELECT of a `ReassignedTask` per open task of a moved customer held by its
    previous owner, by nobody, or by the person leaving: when the customer's owner changes, it
    goes to the new owner; its team is its owner's, else the customer's new team (as the work
    app gives a task its team)."""
    user = _table(User)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH moving AS (
                SELECT t.id, rc.id AS moved_with_id, t.owner_id, t.team_id, rc.new_team_id,
                    CASE WHEN COALESCE(rc.previous_owner_id, 0) <> COALESCE(rc.new_owner_id, 0)
                        THEN rc.new_owner_id ELSE t.owner_id END AS new_owner_id
                FROM {_table(Task)} t
                JOIN {_table(ReassignedCustomer)} rc
                    ON rc.customer_id = t.customer_id AND rc.reassignment_id = %s
                WHERE t.status = %s AND (t.owner_id IS NULL
                    OR t.owner_id = rc.previous_owner_id OR t.owner_id = %s)),
            target AS (
                SELECT moving.*, COALESCE(u.team_id, moving.new_team_id) AS new_task_team_id
                FROM moving LEFT JOIN {user} u ON u.id = moving.new_owner_id)
            INSERT INTO {_table(ReassignedTask)} (reassignment_id, task_id, moved_with_id,
                previous_owner_id, previous_team_id, new_owner_id, new_team_id, restored)
            SELECT %s, id, moved_with_id, owner_id, team_id, new_owner_id, new_task_team_id, %s
            FROM target
            WHERE COALESCE(owner_id, 0) <> COALESCE(new_owner_id, 0)
                OR COALESCE(team_id, 0) <> COALESCE(new_task_team_id, 0)
            """,
            [
                reassignment.pk,
                Status.OPEN,
                leaver.pk if leaver is not None else 0,
                reassignment.pk,
                False,
            ],
        )


def _record_leavers_tasks(reassignment: Reassignment, leaver: User, receivers: list[User]) -> None:
    """The person leaving's other open tasks (personal ones, on customers others own), in due
    order, each to the receiver with the least weighted open work, ties round-robin: one
    INSERT … SELECT over the work app's fair assignment (`fairness.SLOTS`, each task weighing
    one)."""
    loads = open_loads(receivers)
    person, person_params = person_rows(
        [(user.pk, 0, loads.get(user.pk, 0), turn) for turn, user in enumerate(receivers)]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE {person},
            chosen AS (
                SELECT t.id, t.owner_id, t.team_id, row_number() OVER (
                    ORDER BY t.due_at, t.id) AS n
                FROM {_table(Task)} t
                WHERE t.status = %s AND t.owner_id = %s AND t.id NOT IN (
                    SELECT task_id FROM {_table(ReassignedTask)} WHERE reassignment_id = %s)),
            need (team_id, n, weight) AS (SELECT 0, count(*), 1 FROM chosen),
            {SLOTS}
            INSERT INTO {_table(ReassignedTask)} (reassignment_id, task_id, moved_with_id,
                previous_owner_id, previous_team_id, new_owner_id, new_team_id, restored)
            SELECT %s, chosen.id, NULL, chosen.owner_id, chosen.team_id, slot.id,
                COALESCE(u.team_id, chosen.team_id), %s
            FROM chosen
            JOIN slot ON slot.n = chosen.n
            LEFT JOIN {_table(User)} u ON u.id = slot.id
            """,
            [
                *person_params,
                Status.OPEN,
                leaver.pk,
                reassignment.pk,
                reassignment.pk,
                False,
            ],
        )


def _write_history(rows, *, actor, source: str, back: bool) -> None:
    """One audit entry (and its `change` event) per customer of `rows`: its owner and team,
    from before to after (`back`: from after to before, for the undo). A few bulk INSERTs."""
    fields = (
        "customer_id",
        "customer__name",
        "previous_owner_id",
        "previous_owner__full_name",
        "previous_owner__email",
        "previous_team_id",
        "previous_team__name",
        "new_owner_id",
        "new_owner__full_name",
        "new_owner__email",
        "new_team_id",
        "new_team__name",
    )
    entries: list[AuditEntry] = []
    for row in rows.order_by("pk").values_list(*fields).iterator(chunk_size=HISTORY_CHUNK):
        (pk, name, old_owner, old_name, old_email, old_team, old_team_name) = row[:7]
        (new_owner, new_name, new_email, new_team, new_team_name) = row[7:]
        changes = {}
        if old_owner != new_owner:
            changes["owner"] = [old_name or old_email, new_name or new_email]
        if old_team != new_team:
            changes["team"] = [old_team_name, new_team_name]
        if back:
            changes = {field: [after, before] for field, (before, after) in changes.items()}
        customer = Customer(pk=pk, name=name)
        entry = new_change(
            customer=customer,
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            instance=customer,
            changes=changes,
            source=source,
        )
        if entry is not None:
            entries.append(entry)
        if len(entries) >= HISTORY_CHUNK:
            record_changes(entries)
            entries = []
    if entries:
        record_changes(entries)


# -- undoing ------------------------------------------------------------------------------


def start_undo(*, reassignment: Reassignment, actor) -> Reassignment | None:
    """Undo `reassignment`: inline when it moved at most `INLINE_LIMIT` rows, else as a job.
    None when it cannot be undone (not done, or an undo is under way already)."""
    _check(actor)
    with transaction.atomic():
        # The conditional UPDATE decides between two requests at once (SQLite locks no row).
        if not Reassignment.objects.filter(
            pk=reassignment.pk, status=Reassignment.Status.DONE
        ).update(status=Reassignment.Status.UNDOING, undone_by=actor, updated_at=now()):
            return None
        if reassignment.customers_moved + reassignment.tasks_moved <= INLINE_LIMIT:
            undo_reassignment(reassignment=reassignment, actor=actor)
        else:
            job = enqueue(
                "setia.cadence.reassign.tasks.undo_reassignment_task",
                reassignment.pk,
                actor.pk,
                label=gettext("Undo of a reassignment of %(count)s customers")
                % {"count": reassignment.customers_moved},
                created_by=actor,
                on_failure="setia.cadence.reassign.tasks.undo_failed",
                link=reverse("cadence:reassignment-detail", args=[reassignment.code]),
            )
            Reassignment.objects.filter(pk=reassignment.pk).update(job=job)
    reassignment.refresh_from_db()
    return reassignment


def _same(left: str, right: str) -> Q:
    """`left` and `right` hold the same value, NULL equal to NULL (ids are never 0)."""
    return Q(**{f"{left}_n": F(f"{right}_n")})


@transaction.atomic
def undo_reassignment(*, reassignment: Reassignment, actor) -> None:
    """Put back each customer's owner and team, and each moved task's owner and team, as they
    were before `reassignment`, set-based from its records, once (an undo under way only).

    A customer whose owner or team somebody changed since keeps them (and so do the tasks that
    moved with it); so does a task that was given to someone else, or done, since. How many
    were put back and kept is stored on the reassignment. Each customer put back gets one
    audit entry (source `reassign-undo:<code>`). A person the hand-over disabled is enabled
    again."""
    _check(actor)
    reassignment = Reassignment.objects.select_for_update().get(pk=reassignment.pk)
    if reassignment.status != Reassignment.Status.UNDOING:
        return
    moment = now()
    zero = Value(0)
    rows = ReassignedCustomer.objects.filter(reassignment=reassignment)
    unchanged = rows.alias(
        new_owner_n=Coalesce("new_owner_id", zero),
        new_team_n=Coalesce("new_team_id", zero),
        owner_n=Coalesce("customer__owner_id", zero),
        team_n=Coalesce("customer__team_id", zero),
    ).filter(_same("owner", "new_owner"), _same("team", "new_team"))
    rows.filter(pk__in=unchanged.values("pk")).update(restored=True)
    restored = rows.filter(restored=True)
    Customer.objects.filter(pk__in=restored.values("customer_id")).update(
        owner_id=Subquery(
            restored.filter(customer_id=OuterRef("pk")).values("previous_owner_id")[:1]
        ),
        team_id=Subquery(
            restored.filter(customer_id=OuterRef("pk")).values("previous_team_id")[:1]
        ),
        version=F("version") + 1,
        updated_at=moment,
    )
    tasks = ReassignedTask.objects.filter(reassignment=reassignment)
    untouched = tasks.alias(
        new_owner_n=Coalesce("new_owner_id", zero),
        new_team_n=Coalesce("new_team_id", zero),
        owner_n=Coalesce("task__owner_id", zero),
        team_n=Coalesce("task__team_id", zero),
    ).filter(
        _same("owner", "new_owner"),
        _same("team", "new_team"),
        Q(moved_with__isnull=True) | Q(moved_with__restored=True),
        task__status=Status.OPEN,
    )
    tasks.filter(pk__in=untouched.values("pk")).update(restored=True)
    tasks_back = tasks.filter(restored=True)
    Task.objects.filter(pk__in=tasks_back.values("task_id")).update(
        owner_id=Subquery(
            tasks_back.filter(task_id=OuterRef("pk")).values("previous_owner_id")[:1]
        ),
        team_id=Subquery(tasks_back.filter(task_id=OuterRef("pk")).values("previous_team_id")[:1]),
        version=F("version") + 1,
        updated_at=moment,
    )
    _write_history(restored, actor=actor, source=reassignment.undo_source, back=True)
    counts = rows.aggregate(
        back=Count("pk", filter=Q(restored=True)), kept=Count("pk", filter=Q(restored=False))
    )
    task_counts = tasks.aggregate(
        back=Count("pk", filter=Q(restored=True)), kept=Count("pk", filter=Q(restored=False))
    )
    reassignment.customers_restored, reassignment.customers_kept = (
        counts["back"],
        counts["kept"],
    )
    reassignment.tasks_restored, reassignment.tasks_kept = (
        task_counts["back"],
        task_counts["kept"],
    )
    reassignment.status = Reassignment.Status.UNDONE
    reassignment.undone_at = moment
    reassignment.undone_by = actor
    reassignment.save(
        update_fields=[
            "customers_restored",
            "customers_kept",
            "tasks_restored",
            "tasks_kept",
            "status",
            "undone_at",
            "undone_by",
            "updated_at",
        ]
    )
    leaver = reassignment.leaver
    if leaver is not None and reassignment.deactivate and not leaver.is_active:
        reactivate_user(user=leaver, actor=actor)
