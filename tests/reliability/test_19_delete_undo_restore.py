"""Nothing is lost for good by a slip: a deleted customer is restored with everything it had,
undoing one import undoes exactly that import, and a dump of the database loads into an empty
one with every row."""

import datetime

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from setia.customers import actions
from setia.customers.models import Customer
from setia.history.models import AuditEntry
from setia.imports.actions import undo_import
from setia.imports.models import Import
from setia.imports.tests.helpers import run, write_csv
from setia.test import make_contact, make_customer, make_store, make_subscription

NOW = datetime.datetime(2026, 5, 4, 3, 2, 1, tzinfo=datetime.UTC)


@time_machine.travel(NOW, tick=False)
def test_it_soft_deletes_and_restores_a_customer(customer, executive, manager):
    actions.delete_customer(customer=customer, actor=executive)

    assert (customer.deleted_at, customer.deleted_by, customer.version) == (NOW, executive, 2)
    assert Customer.objects.deleted().get() == customer

    actions.restore_customer(customer=customer, actor=manager)

    customer.refresh_from_db()
    assert (customer.deleted_at, customer.deleted_by, customer.version) == (None, None, 3)
    assert Customer.objects.alive().get() == customer
    assert [
        (entry.action, entry.actor, entry.changes) for entry in AuditEntry.objects.order_by("id")
    ] == [("delete", executive, {}), ("restore", manager, {})]


def _url(customer) -> str:
    return reverse("customers:customer-restore", args=[customer.code])


@pytest.fixture
def deleted(customer, executive):
    """The team-A customer, soft-deleted by its executive (version 2, one history entry)."""
    actions.delete_customer(customer=customer, actor=executive)
    return customer


def test_it_restores_a_customer_with_its_contacts_and_history(client, manager, deleted):
    contact = make_contact(deleted)
    client.force_login(manager)

    response = client.post(_url(deleted))

    assert response.status_code == 302
    assert response.url == deleted.get_absolute_url()
    deleted.refresh_from_db()
    assert (deleted.deleted_at, deleted.deleted_by, deleted.version) == (None, None, 3)
    assert list(deleted.contacts.all()) == [contact]
    entry = AuditEntry.objects.first()
    assert (entry.action, entry.actor, entry.customer, entry.changes) == (
        AuditEntry.Action.RESTORE,
        manager,
        deleted,
        {},
    )
    assert AuditEntry.objects.count() == 2
    assert client.get(deleted.get_absolute_url()).status_code == 200


def _snapshot(customer) -> tuple:
    customer.refresh_from_db()
    return (
        customer.name,
        customer.city,
        customer.version,
        tuple(customer.contacts.values_list("name", "phone", "email")),
        tuple(customer.stores.values_list("domain", flat=True)),
    )


def test_undoing_one_import_leaves_the_imports_before_and_after_it_untouched(db, tmp_path, manager):
    header = ["Nama Brand", "No HP", "Kategori", "Kota"]
    first = write_csv(
        tmp_path / "first.csv", [["Batik", "0812-3456-7801", "Fashion", "Solo"]], header
    )
    run(first, owner=manager.email)
    second = write_csv(
        tmp_path / "second.csv",
        [
            ["Kopi", "0812-3456-7802", "F&B", "Sleman"],  # new
            ["Batik", "0812-3456-7801", "", "Surakarta"],  # changes the first import's customer
        ],
        header,
    )
    run(second, owner=manager.email)
    third = write_csv(tmp_path / "third.csv", [["Tenun", "0812-3456-7803", "Fashion", ""]], header)
    run(third, owner=manager.email)
    _batch_one, batch_two, batch_three = Import.objects.order_by("pk")
    batik, tenun = Customer.objects.get(name="Batik"), Customer.objects.get(name="Tenun")
    kept = (_snapshot(batik), _snapshot(tenun))
    other_entries = dict(
        AuditEntry.objects.exclude(source=f"import:{batch_two.code}").values_list("pk", "changes")
    )

    undo_import(batch=batch_two, actor=manager)

    assert sorted(Customer.objects.alive().values_list("name", flat=True)) == ["Batik", "Tenun"]
    batik.refresh_from_db()
    assert batik.city == "Solo"  # the second import's change, undone
    assert (_snapshot(batik)[0], _snapshot(batik)[3:]) == (kept[0][0], kept[0][3:])
    assert _snapshot(tenun) == kept[1]
    # Every history entry of the other imports is still there, unchanged.
    now = dict(AuditEntry.objects.filter(pk__in=other_entries).values_list("pk", "changes"))
    assert now == other_entries
    statuses = [batch.status for batch in Import.objects.order_by("pk")]
    assert statuses == [Import.Status.DONE, Import.Status.UNDONE, Import.Status.DONE]
    # The other imports can still be undone on their own.
    undo_import(batch=batch_three, actor=manager)
    assert sorted(Customer.objects.alive().values_list("name", flat=True)) == ["Batik"]


def _constraints(mode: str) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET CONSTRAINTS ALL {mode}")


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_a_dump_loads_into_an_empty_database_with_every_row(
    client, executive, manager, customer, tmp_path
):
    # Some of everything a team writes: customers with their records, history, an import.
    make_contact(customer, name="Sari", phone="+6281234567801")
    make_store(customer)
    make_subscription(customer)
    actions.update_customer(
        customer=customer, actor=executive, data={"city": "Solo"}, expected_version=1
    )
    gone = make_customer(team=customer.team, name="Tutup")
    actions.delete_customer(customer=gone, actor=manager)
    run(
        write_csv(tmp_path / "sheet.csv", [["Kopi", "", "0812-3456-7802", "", "F&B", "", ""]]),
        owner=manager.email,
    )
    before = _row_counts()
    dump = tmp_path / "dump.json"
    call_command("dumpdata", output=str(dump), verbosity=0)

    # Empty every table, then load the dump as a restore onto a new server would. PostgreSQL
    # truncates only tables without deferred checks pending in the test's transaction.
    _constraints("IMMEDIATE")
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    _constraints("DEFERRED")
    assert sum(_row_counts().values()) == 0
    call_command("loaddata", str(dump), verbosity=0)

    assert _row_counts() == before
    restored = Customer.objects.get(pk=customer.pk)
    assert (restored.city, restored.version, restored.code) == ("Solo", 2, customer.code)
    assert Customer.objects.deleted().get().name == "Tutup"
