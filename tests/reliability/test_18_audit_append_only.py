"""Reliability check 18: the history is complete for every way in (web, admin, import, the
webhook) and append-only (an audit entry cannot be changed or deleted, an undo adds to the
history instead of removing it)."""

import hashlib
import hmac
import json

import pytest
from django.contrib import admin
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from setia.customers.models import Customer
from setia.history.models import AuditEntry, TimelineEvent
from setia.imports.actions import undo_import
from setia.imports.models import Import
from setia.imports.tests.helpers import run, write_csv
from setia.lib import merging
from setia.lib.dates import now
from setia.test import make_contact
from setia.work.onboarding.models import Onboarding, Stage

SECRET = "app-secret-for-tests"
HEADER = ["Nama Brand", "No HP", "Kategori", "Kota"]


@pytest.fixture
def imported(tmp_path, manager):
    """An import by the manager that created one customer."""
    rows = [["Kopi Senja", "0812-3456-7802", "F&B", "Sleman"]]
    run(write_csv(tmp_path / "kopi.csv", rows, header=HEADER), owner=manager.email)
    return Import.objects.get()


# Complete


def test_a_web_edit_is_audited_with_its_author(client, executive, customer):
    client.force_login(executive)
    data = {
        "name": "Batik Lestari Jaya",
        "category": customer.category_id,
        "status": customer.status,
        "city": customer.city,
        "province": customer.province,
        "owner": executive.pk,
        "team": customer.team_id,
        "notes": "",
        "version": customer.version,
    }

    response = client.post(reverse("customers:customer-edit", args=[customer.code]), data)

    assert response.status_code == 302
    entry = AuditEntry.objects.get(customer=customer)
    assert (entry.actor, entry.action, entry.source) == (executive, "update", "web")
    assert entry.changes["name"] == ["Batik Lestari", "Batik Lestari Jaya"]


def test_no_admin_page_can_change_a_customers_records_behind_the_history(rf, admin_user):
    """Every admin page of a model that belongs to a customer is read-only: such records
    change only through Setia's pages and actions, which write the history."""
    request = rf.get("/admin/")
    request.user = admin_user
    belongs = {link.model for link in merging.customer_links()} | {Customer}
    registered = [model for model in admin.site._registry if model in belongs]

    assert {model._meta.label for model in registered} >= {
        "audit.AuditEntry",
        "audit.TimelineEvent",
        "work.Task",
        "work.Onboarding",
        "tiers.TierChange",
        "quality.DuplicateCandidate",
    }
    for model in registered:
        page = admin.site._registry[model]
        assert page.has_view_permission(request), model
        allowed = [
            page.has_add_permission(request),
            page.has_change_permission(request),
            page.has_delete_permission(request),
        ]
        assert allowed == [False, False, False], model


def test_an_admin_cannot_change_a_record_behind_the_history_nor_the_history(
    client, admin_user, imported
):
    onboarding = Customer.objects.get(name="Kopi Senja").onboarding
    entry = AuditEntry.objects.get()
    events = TimelineEvent.objects.count()
    client.force_login(admin_user)

    moving = client.post(
        reverse("admin:work_onboarding_change", args=[onboarding.pk]),
        {"stage": Stage.objects.last().pk},
    )
    entry_page = client.get(reverse("admin:audit_auditentry_change", args=[entry.pk]))
    deleting = client.post(
        reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"}
    )

    assert (moving.status_code, deleting.status_code) == (403, 403)
    assert Onboarding.objects.get(pk=onboarding.pk).stage_id == onboarding.stage_id
    assert entry_page.status_code == 200 and "Kopi Senja" in entry_page.text
    assert list(AuditEntry.objects.all()) == [entry]
    assert TimelineEvent.objects.count() == events


def test_an_import_is_audited_with_its_author(imported, manager):
    entry = AuditEntry.objects.get(source=imported.source_label)

    assert (entry.actor, entry.action, entry.object_repr) == (manager, "create", "Kopi Senja")
    assert TimelineEvent.objects.filter(kind="import", customer=entry.customer).exists()


def test_a_customers_message_through_the_webhook_is_on_its_timeline(client, settings, customer):
    settings.WHATSAPP_APP_SECRET = SECRET
    make_contact(customer, name="Sari", phone="+6285712345678")
    message = {"id": "wamid.IN18", "from": "6285712345678", "type": "text"}
    message |= {"timestamp": str(int(now().timestamp())), "text": {"body": "Halo kak"}}
    body = json.dumps(
        {"entry": [{"changes": [{"field": "messages", "value": {"messages": [message]}}]}]}
    ).encode()
    signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()

    response = client.post(
        reverse("engagement:whatsapp-webhook"),
        body,
        content_type="application/json",
        headers={"X-Hub-Signature-256": signature},
    )

    assert response.status_code == 200
    event = TimelineEvent.objects.get(customer=customer, kind="whatsapp")
    assert (event.summary, event.data["direction"]) == ("Halo kak", "inbound")


# Append-only


def test_undo_adds_to_the_history_and_removes_none_of_it(imported, manager):
    entries = list(AuditEntry.objects.values())
    created = Customer.objects.get(name="Kopi Senja")

    undo_import(batch=imported, actor=manager)

    assert list(AuditEntry.objects.filter(pk__in=[e["id"] for e in entries]).values()) == entries
    [undo] = AuditEntry.objects.filter(source=f"import-undo:{imported.code}", customer=created)
    assert (undo.object_type, undo.action, undo.actor) == ("customers.customer", "delete", manager)
    assert undo.changes["contact.phone"] == ["+6281234567802", None]
    created.refresh_from_db()
    assert created.is_deleted


def _refused(statement) -> None:
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        statement()


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the trigger refusing deletes exists on PostgreSQL only (SQLite's flush deletes rows)",
)
def test_the_applications_role_cannot_update_or_delete_an_audit_entry_on_postgresql(imported):
    entry = AuditEntry.objects.get()
    table = AuditEntry._meta.db_table

    def raw(sql):
        with connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])

    _refused(lambda: AuditEntry.objects.filter(pk=entry.pk).update(object_repr="rewritten"))
    _refused(lambda: AuditEntry.objects.filter(pk=entry.pk).delete())
    _refused(lambda: raw(f"UPDATE {table} SET changes = '{{}}' WHERE id = %s"))
    _refused(lambda: raw(f"DELETE FROM {table} WHERE id = %s"))
    _refused(lambda: Customer.objects.filter(pk=entry.customer_id).delete())  # the cascade
    assert AuditEntry.objects.get().object_repr == "Kopi Senja"


def test_an_audit_entry_cannot_be_rewritten_on_any_database(imported, manager):
    entry = AuditEntry.objects.get()

    _refused(lambda: AuditEntry.objects.filter(pk=entry.pk).update(actor=None))
    _refused(lambda: AuditEntry.objects.filter(pk=entry.pk).update(changes={}))

    fresh = AuditEntry.objects.get()
    assert (fresh.actor, fresh.changes) == (manager, entry.changes)


def test_a_merge_may_move_an_entry_to_the_survivor_and_nothing_else(imported, customer):
    entry = AuditEntry.objects.get()

    AuditEntry.objects.filter(pk=entry.pk).update(customer=customer)
    _refused(
        lambda: AuditEntry.objects.filter(pk=entry.pk).update(customer=entry.customer, source="x")
    )

    moved = AuditEntry.objects.get()
    assert (moved.customer, moved.source) == (customer, entry.source)
