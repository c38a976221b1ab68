"""Reassigning customers in bulk and handing over a leaving person's work: what moves, the
history, the undo (which never clobbers a later change), the query counts, who may."""

import datetime
import uuid

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from setia.accounts.models import Role
from setia.cadence.reassign import actions
from setia.cadence.reassign.models import ReassignedCustomer, ReassignedTask, Reassignment
from setia.customers.models import Customer
from setia.history.models import AuditEntry, TimelineEvent
from setia.segments.models import Segment
from setia.test import make_customer, make_customers, make_team, make_user
from setia.work.automation.models import Playbook, PlaybookRun
from setia.work.schedule.models import Status, Task

NEW = reverse("cadence:reassign")
HANDOVER = reverse("cadence:handover")
LIST = reverse("cadence:reassignment-list")


def _task(owner, customer=None, **fields):
    return Task.objects.create(
        title=fields.pop("title", "Telepon"),
        owner=owner,
        team=owner.team if owner else None,
        customer=customer,
        due_at=fields.pop("due_at", timezone.now() + datetime.timedelta(days=1)),
        **fields,
    )


def _run(customer):
    return PlaybookRun.objects.create(
        customer=customer,
        playbook=Playbook.objects.order_by("id").first(),
        kind="gmv_drop",
        reason="GMV -40%",
        batch=uuid.uuid4(),
        started_at=timezone.now(),
    )


@pytest.fixture
def receiver(team_b):
    return make_user(Role.EXECUTIVE, team=team_b, full_name="Rina Penerima")


def _reassign(client, **fields):
    """Preview then confirm, as the pages do; returns the confirmation's response."""
    preview = client.get(NEW, fields)
    assert preview.status_code == 200, preview.content
    hidden = dict(preview.context["hidden"])
    return client.post(NEW, hidden)


def test_customers_move_with_their_open_tasks_and_runs_and_undo_puts_them_back(
    client, manager, executive, intern, team_a, team_b, receiver
):
    mine = [make_customer(team=team_a, owner=executive) for _index in range(3)]
    other = make_customer(team=team_a, owner=intern)
    theirs_task = _task(executive, mine[0])
    unowned_task = Task.objects.create(
        title="Siapa saja", customer=mine[1], team=team_a, due_at=timezone.now()
    )
    interns_step = _task(intern, mine[0])  # another person's task stays theirs
    done_task = _task(executive, mine[2], status=Status.DONE)
    personal = _task(executive)  # not a customer's: not moved by a bulk reassignment
    _run(mine[0])
    _run(mine[1])
    client.force_login(manager)

    preview = client.get(NEW, {"owner": executive.pk, "to_owner": receiver.pk})
    assert preview.status_code == 200
    plan = preview.context["preview"]
    assert (plan.customers, plan.tasks, plan.runs) == (3, 2, 2)

    response = client.post(NEW, dict(preview.context["hidden"]))

    reassignment = Reassignment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cadence:reassignment-detail", args=[reassignment.code])
    assert (reassignment.status, reassignment.customers_moved) == ("done", 3)
    assert (reassignment.tasks_moved, reassignment.runs_moved) == (2, 2)
    for customer in mine:
        customer.refresh_from_db()
        assert (customer.owner, customer.team) == (receiver, team_b)
        assert customer.version == 2
    other.refresh_from_db()
    assert other.owner == intern
    moved = {task.pk: (task.owner_id, task.team_id) for task in Task.objects.all()}
    assert moved[theirs_task.pk] == (receiver.pk, team_b.pk)
    assert moved[unowned_task.pk] == (receiver.pk, team_b.pk)
    assert moved[interns_step.pk] == (intern.pk, team_a.pk)
    assert moved[done_task.pk] == (executive.pk, team_a.pk)
    assert moved[personal.pk] == (executive.pk, team_a.pk)

    undo = client.post(reverse("cadence:reassignment-undo", args=[reassignment.code]))

    assert undo.status_code == 302
    reassignment.refresh_from_db()
    assert reassignment.status == "undone"
    assert (reassignment.customers_restored, reassignment.customers_kept) == (3, 0)
    assert (reassignment.tasks_restored, reassignment.tasks_kept) == (2, 0)
    for customer in mine:
        customer.refresh_from_db()
        assert (customer.owner, customer.team) == (executive, team_a)
    theirs_task.refresh_from_db()
    unowned_task.refresh_from_db()
    assert (theirs_task.owner, theirs_task.team) == (executive, team_a)
    assert (unowned_task.owner, unowned_task.team) == (None, team_a)


def test_one_history_entry_per_customer_each_way(client, manager, executive, team_a, receiver):
    customers = [make_customer(team=team_a, owner=executive) for _index in range(2)]
    for customer in customers:
        _task(executive, customer)
    client.force_login(manager)
    _reassign(client, owner=executive.pk, to_owner=receiver.pk)
    reassignment = Reassignment.objects.get()

    entries = AuditEntry.objects.filter(source=reassignment.source)
    assert entries.count() == 2
    assert sorted(entries.values_list("customer_id", flat=True)) == sorted(
        customer.pk for customer in customers
    )
    entry = entries.get(customer=customers[0])
    assert entry.changes == {
        "owner": [executive.full_name, receiver.full_name],
        "team": ["Team A", "Team B"],
    }
    assert entry.actor == manager
    assert TimelineEvent.objects.filter(customer=customers[0], kind="change").count() == 1

    client.post(reverse("cadence:reassignment-undo", args=[reassignment.code]))

    back = AuditEntry.objects.filter(source=reassignment.undo_source)
    assert back.count() == 2
    assert back.get(customer=customers[0]).changes == {
        "owner": [receiver.full_name, executive.full_name],
        "team": ["Team B", "Team A"],
    }


def test_undo_keeps_what_was_changed_since(client, manager, executive, intern, team_a, receiver):
    kept, moved_back = (
        make_customer(team=team_a, owner=executive),
        make_customer(team=team_a, owner=executive),
    )
    kept_task = _task(executive, kept)  # its customer is moved again: it stays
    given_away = _task(executive, moved_back)
    completed = _task(executive, moved_back)
    back_task = _task(executive, moved_back)
    client.force_login(manager)
    _reassign(client, owner=executive.pk, to_owner=receiver.pk)
    reassignment = Reassignment.objects.get()
    # Since then: a colleague moved one customer on, gave one task away, completed another.
    Customer.objects.filter(pk=kept.pk).update(owner=intern)
    Task.objects.filter(pk=given_away.pk).update(owner=intern)
    Task.objects.filter(pk=completed.pk).update(status=Status.DONE)

    client.post(reverse("cadence:reassignment-undo", args=[reassignment.code]))

    reassignment.refresh_from_db()
    assert (reassignment.customers_restored, reassignment.customers_kept) == (1, 1)
    assert (reassignment.tasks_restored, reassignment.tasks_kept) == (1, 3)
    kept.refresh_from_db()
    moved_back.refresh_from_db()
    assert kept.owner == intern
    assert moved_back.owner == executive
    owners = dict(Task.objects.values_list("pk", "owner_id"))
    assert owners[kept_task.pk] == receiver.pk
    assert owners[given_away.pk] == intern.pk
    assert owners[completed.pk] == receiver.pk
    assert owners[back_task.pk] == executive.pk
    page = client.get(reverse("cadence:reassignment-detail", args=[reassignment.code]))
    assert "1 pelanggan dikembalikan, 1 dibiarkan" in page.content.decode()
    # Only the customer put back has an undo entry.
    assert AuditEntry.objects.filter(source=reassignment.undo_source).count() == 1


def test_undo_twice_changes_nothing_more(client, manager, executive, team_a, receiver):
    make_customer(team=team_a, owner=executive)
    client.force_login(manager)
    _reassign(client, owner=executive.pk, to_owner=receiver.pk)
    reassignment = Reassignment.objects.get()
    url = reverse("cadence:reassignment-undo", args=[reassignment.code])
    client.post(url)

    again = client.post(url, follow=True)

    assert "tidak dapat dibatalkan" in again.content.decode()
    assert AuditEntry.objects.filter(source=reassignment.undo_source).count() == 1


def _apply_queries(manager, executive, receiver, count) -> int:
    make_customers(count, team=executive.team, owner=executive)
    for customer in Customer.objects.filter(owner=executive):
        _task(executive, customer)
        _run(customer)
    query = QueryDict(mutable=True)
    query["owner"] = str(executive.pk)
    with CaptureQueriesContext(connection) as queries:
        reassignment = actions.start_reassignment(
            actor=manager, query=query, to_owner=receiver, to_team=None
        )
    assert reassignment.customers_moved == count
    assert reassignment.tasks_moved == count
    return len(queries)


@pytest.mark.parametrize("count", [3, 40])
def test_a_reassignment_costs_the_same_queries_however_many_customers(
    manager, executive, receiver, count
):
    # 23, and 3 to notify the receiver (the counts per person, the INSERT, the unread counts)
    assert _apply_queries(manager, executive, receiver, count) == 26


def _undo_queries(manager, executive, receiver, count) -> int:
    _apply_queries(manager, executive, receiver, count)
    reassignment = Reassignment.objects.get()
    with CaptureQueriesContext(connection) as queries:
        actions.start_undo(reassignment=reassignment, actor=manager)
    reassignment.refresh_from_db()
    assert reassignment.customers_restored == count
    return len(queries)


@pytest.mark.parametrize("count", [3, 40])
def test_an_undo_costs_the_same_queries_however_many_customers(manager, executive, receiver, count):
    assert _undo_queries(manager, executive, receiver, count) == 17


def test_a_team_alone_keeps_the_owners_and_moves_unowned_tasks(
    client, manager, executive, team_a, team_b
):
    customer = make_customer(team=team_a, owner=executive)
    unowned = Task.objects.create(title="x", customer=customer, team=team_a, due_at=timezone.now())
    owned = _task(executive, customer)
    client.force_login(manager)

    _reassign(client, team=team_a.pk, to_team=team_b.pk)

    customer.refresh_from_db()
    unowned.refresh_from_db()
    owned.refresh_from_db()
    assert (customer.owner, customer.team) == (executive, team_b)
    assert unowned.team == team_b
    assert (owned.owner, owned.team) == (executive, team_a)  # the owner's team, as tasks have


def test_the_list_filters_and_a_segment_choose_the_customers(
    client, manager, executive, team_a, receiver
):
    active = make_customer(team=team_a, owner=executive, status="active")
    at_risk = make_customer(team=team_a, owner=executive, status="at_risk")
    client.force_login(manager)
    saved = Segment.objects.create(name="Berisiko A", query="status=at_risk", owner=manager)

    _reassign(client, owner=executive.pk, segment=saved.code, to_owner=receiver.pk)

    active.refresh_from_db()
    at_risk.refresh_from_db()
    assert (active.owner, at_risk.owner) == (executive, receiver)


def test_handover_shares_customers_fairly_moves_every_open_task_and_disables(
    client, manager, executive, intern, team_a, team_b, receiver
):
    second = make_user(Role.EXECUTIVE, team=team_b, full_name="Sari Kedua")
    make_customer(team=team_b, owner=second)  # Sari already owns one
    customers = [make_customer(team=team_a, owner=executive) for _index in range(5)]
    for customer in customers:
        _task(executive, customer)
    elsewhere = make_customer(team=team_a, owner=intern)
    step = _task(executive, elsewhere)  # a task on someone else's customer
    personal = _task(executive)
    client.force_login(manager)

    preview = client.get(
        HANDOVER,
        {"person": executive.pk, "receivers": [receiver.pk, second.pk], "deactivate": "on"},
    )
    assert preview.status_code == 200
    plan = preview.context["preview"]
    assert (plan.customers, plan.tasks) == (5, 7)
    response = client.post(
        HANDOVER, dict(preview.context["hidden"]) | {"receivers": [receiver.pk, second.pk]}
    )

    assert response.status_code == 302
    reassignment = Reassignment.objects.get()
    assert reassignment.kind == "handover"
    owners = [c.owner_id for c in Customer.objects.filter(pk__in=[c.pk for c in customers])]
    # Rina had none, Sari one: Rina takes three, Sari two (each ends with three).
    assert sorted(owners) == sorted([receiver.pk] * 3 + [second.pk] * 2)
    assert not Task.objects.open().filter(owner=executive).exists()
    step.refresh_from_db()
    personal.refresh_from_db()
    assert {step.owner_id, personal.owner_id} <= {receiver.pk, second.pk}
    assert reassignment.tasks_moved == 7
    executive.refresh_from_db()
    assert not executive.is_active

    client.post(reverse("cadence:reassignment-undo", args=[reassignment.code]))

    executive.refresh_from_db()
    assert executive.is_active
    assert Customer.objects.filter(owner=executive).count() == 5
    assert Task.objects.open().filter(owner=executive).count() == 7


def test_the_detail_page_and_list(client, manager, executive, team_a, receiver):
    make_customer(team=team_a, owner=executive)
    client.force_login(manager)
    _reassign(client, owner=executive.pk, to_owner=receiver.pk)
    reassignment = Reassignment.objects.get()

    listed = client.get(LIST)
    detail = client.get(reverse("cadence:reassignment-detail", args=[reassignment.code]))

    assert listed.status_code == detail.status_code == 200
    assert "Rina Penerima" in detail.content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("admin_user", 200), ("manager", 200), ("executive", 403), ("intern", 403), ("viewer", 403)],
)
def test_only_managers_and_admins_reassign(request, client, persona, status):
    client.force_login(request.getfixturevalue(persona))
    for url in (LIST, NEW, HANDOVER):
        assert client.get(url).status_code == status


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get(NEW).status_code == 302
    assert client.post(NEW, {}).status_code == 302


def test_non_managers_cannot_post_or_undo(client, manager, executive, team_a, receiver):
    make_customer(team=team_a, owner=executive)
    client.force_login(manager)
    _reassign(client, owner=executive.pk, to_owner=receiver.pk)
    reassignment = Reassignment.objects.get()
    client.force_login(executive)

    undo = client.post(reverse("cadence:reassignment-undo", args=[reassignment.code]))
    post = client.post(NEW, {"owner": executive.pk, "to_owner": executive.pk})

    assert undo.status_code == post.status_code == 403
    assert Reassignment.objects.get().status == "done"


def test_only_customers_the_person_may_change_move(
    client, executive, other_executive, team_a, team_b
):
    """Record rules: someone given the permission without seeing every team's customers
    reassigns only those they see."""
    executive.user_permissions.add(
        Permission.objects.get(codename="add_reassignment"),
        Permission.objects.get(codename="view_reassignment"),
    )
    colleague = make_user(Role.EXECUTIVE, team=team_a)
    visible = make_customer(team=team_a, owner=colleague)
    hidden = make_customer(team=team_b, owner=colleague)  # owned by a colleague, held by B
    client.force_login(executive)

    _reassign(client, owner=colleague.pk, to_owner=executive.pk)

    visible.refresh_from_db()
    hidden.refresh_from_db()
    assert (visible.owner, hidden.owner) == (executive, colleague)


@pytest.mark.parametrize(
    "fields",
    [
        {"owner": "", "to_owner": "{receiver}"},  # from nobody
        {"owner": "{executive}"},  # to nowhere
        {"owner": "{executive}", "to_owner": "{executive}"},  # to the same owner
        {"owner": "{executive}", "to_owner": "{receiver}", "q": "a\x00b"},
        {"owner": "{executive}", "to_owner": "{receiver}", "q": "ab"},  # too short a search
        {"owner": "99999999999999999999", "to_owner": "{receiver}"},
        {"owner": "-1", "to_owner": "{receiver}"},
        {"owner": "{executive}", "to_owner": "{receiver}", "segment": "not-a-code"},
        {"owner": "{executive}", "to_owner": "{receiver}", "segment": str(uuid.uuid4())},
        {"owner": "{executive}", "to_owner": "{receiver}", "city": "Ban\x00dung"},
        {"owner": "{executive}", "to_owner": "{receiver}", "expected": "-5"},
        {"owner": "{executive}", "to_owner": "{receiver}", "expected": "9" * 30},
    ],
)
def test_odd_inputs_are_form_errors(client, manager, executive, team_a, receiver, fields):
    make_customer(team=team_a, owner=executive)
    names = {"executive": executive.pk, "receiver": receiver.pk}
    data = {name: value.format(**names) for name, value in fields.items()}
    client.force_login(manager)

    preview = client.get(NEW, data)
    confirm = client.post(NEW, data)

    assert preview.status_code == confirm.status_code == 400
    assert not Reassignment.objects.exists()


def test_a_list_changed_since_the_preview_is_refused(client, manager, executive, team_a, receiver):
    make_customer(team=team_a, owner=executive)
    client.force_login(manager)
    preview = client.get(NEW, {"owner": executive.pk, "to_owner": receiver.pk})
    make_customer(team=team_a, owner=executive)  # one more since

    response = client.post(NEW, dict(preview.context["hidden"]))

    assert response.status_code == 409
    assert response.context["preview"].customers == 2
    assert not Reassignment.objects.exists()
    assert Customer.objects.filter(owner=executive).count() == 2


def test_handover_odd_inputs(client, manager, executive, receiver):
    client.force_login(manager)
    cases = [
        {"person": executive.pk},  # nobody receives
        {"person": executive.pk, "receivers": [executive.pk]},
        {"person": manager.pk, "receivers": [receiver.pk], "deactivate": "on"},
        {"person": "x", "receivers": [receiver.pk]},
        {"person": executive.pk, "receivers": ["99999999999999999999"]},
    ]
    for data in cases:
        assert client.get(HANDOVER, data).status_code == 400, data
        assert client.post(HANDOVER, data).status_code == 400, data
    assert not Reassignment.objects.exists()


def test_a_big_reassignment_runs_as_a_job(
    client, manager, executive, team_a, receiver, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(actions, "INLINE_LIMIT", 1)
    make_customers(3, team=team_a, owner=executive)
    client.force_login(manager)
    preview = client.get(NEW, {"owner": executive.pk, "to_owner": receiver.pk})

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(NEW, dict(preview.context["hidden"]))

    reassignment = Reassignment.objects.get()
    assert response.status_code == 302
    assert reassignment.job is not None
    assert reassignment.job.state == "done"
    assert (reassignment.status, reassignment.customers_moved) == ("done", 3)
    assert Customer.objects.filter(owner=receiver).count() == 3

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cadence:reassignment-undo", args=[reassignment.code]))

    reassignment.refresh_from_db()
    assert (reassignment.status, reassignment.customers_restored) == ("undone", 3)
    assert Customer.objects.filter(owner=executive).count() == 3


def test_the_records_keep_what_each_row_held(manager, executive, team_a, receiver):
    customer = make_customer(team=team_a, owner=executive)
    task = _task(executive, customer)
    query = QueryDict(mutable=True)
    query["owner"] = str(executive.pk)

    actions.start_reassignment(actor=manager, query=query, to_owner=receiver, to_team=make_team())

    row = ReassignedCustomer.objects.get()
    assert (row.previous_owner, row.previous_team, row.new_owner) == (executive, team_a, receiver)
    task_row = ReassignedTask.objects.get()
    assert (task_row.task, task_row.moved_with, task_row.previous_owner) == (task, row, executive)
