"""Tasks and segments written through the API: the task pages' form and actions (create,
edit and reassign with If-Match, complete), the segment pages' form and actions (a segment is
a saved filter: its members follow from it), with the roles' permissions; and the cleanup of
old idempotency keys."""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from setia.accounts.models import Role
from setia.api.actions import delete_old_idempotent_requests
from setia.api.models import IdempotentRequest
from setia.api.tasks import delete_old_idempotency_keys
from setia.api.tests.helpers import token_client
from setia.customers.models import Customer
from setia.history.models import AuditEntry, TimelineEvent
from setia.segments.models import Segment
from setia.segments.tests.factories import make_segment
from setia.test import make_customer, make_user
from setia.work.schedule.models import Task
from setia.work.tests.factories import make_task

pytestmark = pytest.mark.django_db

TASKS = "/api/v1/tasks/"
SEGMENTS = "/api/v1/segments/"


def task_url(task) -> str:
    return f"{TASKS}{task.code}/"


def new_task(customer, **fields) -> dict:
    return {
        "title": "Telepon soal perpanjangan",
        "customer": str(customer.code),
        "due_at": "2026-12-10T10:00:00+07:00",
        "priority": "high",
        **fields,
    }


def test_a_task_created_once_with_an_idempotency_key(customer, executive):
    client = token_client(executive)
    body = new_task(customer, checklist=["Cek tagihan", "Kirim penawaran"])

    first = client.post(TASKS, body, format="json", HTTP_IDEMPOTENCY_KEY="tugas-1")
    again = client.post(TASKS, body, format="json", HTTP_IDEMPOTENCY_KEY="tugas-1")

    assert first.status_code == 201, first.json()
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    task = Task.objects.get()
    assert (task.owner, task.team, task.customer) == (executive, executive.team, customer)
    assert list(task.checklist.values_list("text", flat=True)) == ["Cek tagihan", "Kirim penawaran"]
    assert first["Location"] == task_url(task) and first["ETag"] == '"1"'
    assert TimelineEvent.objects.filter(customer=customer, kind="task").count() == 1
    other = client.post(TASKS, new_task(customer, title="Lain"), format="json",
                        HTTP_IDEMPOTENCY_KEY="tugas-1")  # fmt: skip
    assert other.status_code == 422 and Task.objects.count() == 1


def test_creating_a_task_keeps_the_pages_rules(customer, executive, other_executive, viewer):
    # Another team's customer is refused like an unknown one; nothing is created.
    refused = token_client(other_executive).post(TASKS, new_task(customer), format="json")
    assert refused.status_code == 400 and "customer" in refused.json()
    assert token_client(viewer).post(TASKS, new_task(customer), format="json").status_code == 403
    read_only = token_client(executive, scope="read")
    assert read_only.post(TASKS, new_task(customer), format="json").status_code == 403
    assert not Task.objects.exists()


def test_an_intern_gives_tasks_only_to_themselves(customer, intern, executive):
    client = token_client(intern)
    refused = client.post(TASKS, new_task(customer, owner=executive.pk), format="json")
    assert refused.status_code == 400 and "owner" in refused.json()
    task = make_task(owner=intern, customer=customer)
    answer = client.patch(
        task_url(task), {"owner": executive.pk}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert answer.status_code == 400
    task.refresh_from_db()
    assert task.owner == intern


def test_editing_and_reassigning_a_task_with_if_match(customer, executive, team_a):
    colleague = make_user(Role.EXECUTIVE, team=team_a)
    task = make_task(owner=executive, customer=customer)
    client = token_client(executive)
    read = client.get(task_url(task))
    etag = read["ETag"]

    assert client.patch(task_url(task), {"title": "X"}, format="json").status_code == 428
    moved = client.patch(
        task_url(task), {"owner": colleague.pk, "title": "Tagihan"}, format="json",
        HTTP_IF_MATCH=etag,
    )  # fmt: skip
    assert moved.status_code == 200, moved.json()
    assert (moved.json()["owner"], moved.json()["title"]) == (colleague.pk, "Tagihan")
    assert moved["ETag"] == '"2"'
    stale = client.patch(task_url(task), {"title": "Lama"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    task.refresh_from_db()
    assert (task.owner, task.title, task.version) == (colleague, "Tagihan", 2)
    entries = AuditEntry.objects.filter(customer=customer)
    assert set(entries.values_list("source", flat=True)) == {"api"}
    assert entries.filter(action=AuditEntry.Action.REFUSED).count() == 1
    reassigned = TimelineEvent.objects.filter(customer=customer, kind="task")
    assert [event.data["task_action"] for event in reassigned] == ["reassigned"]


def test_completing_a_task(customer, executive):
    task = make_task(owner=executive, customer=customer)
    client = token_client(executive)
    answer = client.post(f"{task_url(task)}complete/")
    assert answer.status_code == 200 and answer.json()["status"] == "done"
    assert client.post(f"{task_url(task)}complete/").json()["status"] == "done"


def test_another_teams_task_is_a_404(customer, executive, other_executive):
    task = make_task(owner=executive, customer=customer)
    client = token_client(other_executive)
    assert client.get(task_url(task)).status_code == 404
    patch = client.patch(task_url(task), {"title": "X"}, format="json", HTTP_IF_MATCH="*")
    assert patch.status_code == 404
    assert client.post(f"{task_url(task)}complete/").status_code == 404
    task.refresh_from_db()
    assert (task.title, task.status) == ("Call about the renewal", "open")


def test_a_segment_is_its_filter_and_its_members_follow(executive, team_a):
    make_customer(team=team_a, owner=executive, name="Aktif", status=Customer.Status.ACTIVE)
    make_customer(team=team_a, owner=executive, name="Jeda", status=Customer.Status.PAUSED)
    client = token_client(executive)

    created = client.post(
        SEGMENTS, {"name": "  Pelanggan  aktif ", "query": "status=active&page=3"}, format="json"
    )

    assert created.status_code == 201, created.json()
    segment = Segment.objects.get()
    assert (segment.owner, segment.name, segment.query) == (
        executive,
        "Pelanggan aktif",
        "status=active",
    )
    members = f"{SEGMENTS}{segment.code}/customers/"
    assert [row["name"] for row in client.get(members).json()["results"]] == ["Aktif"]
    changed = client.patch(f"{SEGMENTS}{segment.code}/", {"query": "status=paused"}, format="json")
    assert changed.status_code == 200 and changed.json()["query"] == "status=paused"
    assert [row["name"] for row in client.get(members).json()["results"]] == ["Jeda"]
    empty = client.post(SEGMENTS, {"name": "Semua", "query": ""}, format="json")
    assert empty.status_code == 400 and "query" in empty.json()
    assert client.delete(f"{SEGMENTS}{segment.code}/").status_code == 204
    assert not Segment.objects.exists()


def test_segments_of_others(executive, other_executive, intern, manager):
    private = make_segment(executive)
    shared = make_segment(executive, name="Bersama", is_shared=True)
    other = token_client(other_executive)
    assert other.get(f"{SEGMENTS}{private.code}/").status_code == 404
    assert (
        other.patch(f"{SEGMENTS}{private.code}/", {"name": "X"}, format="json").status_code == 404
    )
    assert other.patch(f"{SEGMENTS}{shared.code}/", {"name": "X"}, format="json").status_code == 403
    assert other.delete(f"{SEGMENTS}{shared.code}/").status_code == 403
    managed = token_client(manager).patch(
        f"{SEGMENTS}{shared.code}/", {"name": "Diubah"}, format="json"
    )
    assert managed.status_code == 200
    # An intern's segments stay private, whatever the request says.
    answer = token_client(intern).post(
        SEGMENTS, {"name": "Milik saya", "query": "city=Bandung", "is_shared": True}, format="json"
    )
    assert answer.status_code == 201 and answer.json()["is_shared"] is False


def test_old_idempotency_keys_are_forgotten_in_one_statement(executive):
    now = timezone.now()
    for key, hours in (("lama", 25), ("baru", 23)):
        row = IdempotentRequest.objects.create(user=executive, key=key, fingerprint="f", status=201)
        IdempotentRequest.objects.filter(pk=row.pk).update(
            created_at=now - datetime.timedelta(hours=hours)
        )
    with CaptureQueriesContext(connection) as captured:
        assert delete_old_idempotent_requests(now=now) == 1
    assert len(captured) == 1 and captured[0]["sql"].startswith("DELETE")
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["baru"]
    assert delete_old_idempotency_keys() == 0


def test_the_cleanup_is_on_the_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["api-delete-old-idempotency-keys"]
    assert entry["task"] == "setia.api.tasks.delete_old_idempotency_keys"
