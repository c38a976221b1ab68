import pytest
from django.core.exceptions import PermissionDenied

from setia.customers.actions import delete_customer
from setia.customers.models import Contact, Customer, Store, Subscription
from setia.history.models import AuditEntry, TimelineEvent
from setia.imports.actions import undo_import
from setia.imports.models import Import
from setia.imports.tests.helpers import counts, run, write_csv
from setia.test import make_contact, make_customer, make_store, make_subscription
from setia.work.schedule.models import Task

HEADER = ["Nama Brand", "No HP", "Email", "Kategori", "Kota", "URL Toko", "Paket", "Harga Bulanan"]


@pytest.fixture
def existing(db):
    customer = make_customer(name="Batik Lama", city="Solo")
    make_contact(
        customer, name="Sekar", phone="+6281234567801", whatsapp="", email="sekar@batik.id"
    )
    make_store(customer, domain="batik.id", url="https://batik.id")
    make_subscription(customer, plan="starter", monthly_price=149_000)
    return customer


def _import(tmp_path, manager):
    rows = [
        # updates the existing customer and adds a second store to it
        [
            "Batik Baru",
            "0812-3456-7801",
            "",
            "",
            "Surakarta",
            "shopee.co.id/batik",
            "Growth",
            "Rp 349.000",
        ],
        # creates a customer with its contact, store and subscription
        [
            "Kopi Senja",
            "0812-3456-7802",
            "halo@kopi.id",
            "F&B",
            "Sleman",
            "kopi.id",
            "Starter",
            "149.000",
        ],
    ]
    run(write_csv(tmp_path / "undo.csv", rows, header=HEADER), owner=manager.email)
    return Import.objects.get()


def test_it_removes_the_creations_and_reverts_the_updates(tmp_path, manager, existing):
    before = counts()
    batch = _import(tmp_path, manager)
    assert batch.summary() == "rows=2 created=1 updated=1 unchanged=0 duplicates=0 rejected=0"

    result = undo_import(batch=batch, actor=manager)

    assert result == {"deleted": 2, "reverted": 2}  # the new customer and the new store
    existing.refresh_from_db()
    assert (existing.name, existing.city) == ("Batik Lama", "Solo")
    subscription = Subscription.objects.get(customer=existing)
    assert (subscription.plan_id, subscription.monthly_price) == ("starter", 149_000)
    assert list(Store.objects.values_list("domain", flat=True)) == ["batik.id"]
    assert not Customer.objects.alive().filter(name="Kopi Senja").exists()
    removed = Customer.objects.get(name="Kopi Senja")
    assert (removed.is_deleted, removed.deleted_by) == (True, manager)
    batch.refresh_from_db()
    assert batch.status == Import.Status.UNDONE
    assert batch.undone_by == manager
    after = counts()
    # Nothing of the history goes: the import's 4 entries (the new customer, the existing
    # customer, its new store, its subscription) stay, and the undo adds 3 on the existing
    # customer and 1 on the removed one (itself, with its contact, store and subscription).
    assert after["AuditEntry"] - before["AuditEntry"] == 4 + 3 + 1
    assert after["Customer"] == before["Customer"] + 1  # the removed one, soft-deleted
    for name in ("Contact", "Store", "Subscription"):
        assert after[name] == before[name]


def test_the_undo_is_in_the_history(tmp_path, manager, existing):
    batch = _import(tmp_path, manager)

    undo_import(batch=batch, actor=manager)

    entries = AuditEntry.objects.filter(source=f"import-undo:{batch.code}", customer=existing)
    assert sorted(entries.values_list("object_type", "action")) == [
        ("customers.customer", "update"),
        ("customers.store", "delete"),
        ("customers.subscription", "update"),
    ]
    customer_entry = entries.get(object_type="customers.customer")
    assert customer_entry.changes == {
        "city": ["Surakarta", "Solo"],
        "name": ["Batik Baru", "Batik Lama"],
    }
    assert customer_entry.actor == manager


def test_the_customers_it_created_keep_their_history_and_record_the_undo(
    tmp_path, manager, existing
):
    batch = _import(tmp_path, manager)
    removed = Customer.objects.get(name="Kopi Senja")
    import_entries = list(AuditEntry.objects.filter(customer=removed).values())

    undo_import(batch=batch, actor=manager)

    history = AuditEntry.objects.filter(customer=removed)
    assert list(history.filter(source=batch.source_label).values()) == import_entries
    [undo] = history.filter(source=f"import-undo:{batch.code}")
    assert (undo.object_type, undo.action, undo.actor) == ("customers.customer", "delete", manager)
    # The creation entry's records, each value now gone.
    [creation] = import_entries
    record_values = {
        key: [after, None] for key, (_before, after) in creation["changes"].items() if "." in key
    }
    assert undo.changes == record_values
    assert undo.changes["store.domain"] == ["kopi.id", None]
    [event] = TimelineEvent.objects.filter(customer=removed, data__source=undo.source)
    assert event.summary.startswith("Import undone: ")


def test_a_record_added_to_a_created_customer_since_gets_its_own_entry(tmp_path, manager, existing):
    batch = _import(tmp_path, manager)
    removed = Customer.objects.get(name="Kopi Senja")
    make_contact(removed, name="Bayu", phone="+6281234567899", whatsapp="", email="")

    result = undo_import(batch=batch, actor=manager)

    assert result == {"deleted": 2, "reverted": 2}
    assert not Contact.objects.filter(customer=removed).exists()
    undo = AuditEntry.objects.filter(source=f"import-undo:{batch.code}", customer=removed)
    assert sorted(undo.values_list("object_type", "object_repr")) == [
        ("customers.contact", "Bayu"),
        ("customers.customer", "Kopi Senja"),
    ]


def test_a_created_customer_deleted_since_records_the_removal_of_its_records(
    tmp_path, manager, existing
):
    batch = _import(tmp_path, manager)
    removed = Customer.objects.get(name="Kopi Senja")
    delete_customer(customer=removed, actor=manager)

    result = undo_import(batch=batch, actor=manager)

    assert result == {"deleted": 1, "reverted": 2}  # the store on the existing customer
    assert not Contact.objects.filter(customer=removed).exists()
    [undo] = AuditEntry.objects.filter(source=f"import-undo:{batch.code}", customer=removed)
    assert undo.changes["contact.phone"] == ["+6281234567802", None]


def test_the_open_tasks_of_the_customers_it_created_are_cancelled(tmp_path, manager, existing):
    batch = _import(tmp_path, manager)
    removed = Customer.objects.get(name="Kopi Senja")
    assert Task.objects.filter(customer=removed, status="open").exists()

    undo_import(batch=batch, actor=manager)

    assert not Task.objects.filter(customer=removed, status="open").exists()


def test_it_keeps_a_value_changed_again_after_the_import(tmp_path, manager, existing):
    batch = _import(tmp_path, manager)
    Customer.objects.filter(pk=existing.pk).update(city="Klaten")

    undo_import(batch=batch, actor=manager)

    existing.refresh_from_db()
    assert (existing.name, existing.city) == ("Batik Lama", "Klaten")


def test_a_re_import_after_an_undo_creates_again(tmp_path, manager, existing):
    batch = _import(tmp_path, manager)
    undo_import(batch=batch, actor=manager)

    _output, summary = run(tmp_path / "undo.csv", owner=manager.email)

    assert summary == "rows=2 created=1 updated=1 unchanged=0 duplicates=0 rejected=0 warnings=0"


def test_an_import_is_undone_once(tmp_path, manager, existing):
    batch = _import(tmp_path, manager)
    undo_import(batch=batch, actor=manager)
    before = counts()

    assert undo_import(batch=batch, actor=manager) == {"deleted": 0, "reverted": 0}
    assert counts() == before


def test_executives_may_not_undo(tmp_path, manager, executive, existing):
    batch = _import(tmp_path, manager)
    before = counts()

    with pytest.raises(PermissionDenied):
        undo_import(batch=batch, actor=executive)

    assert counts() == before
    assert Contact.objects.filter(customer__name="Kopi Senja").count() == 1
    batch.refresh_from_db()
    assert batch.status == Import.Status.DONE
    assert batch.undone_at is None


def test_the_undo_is_on_each_customers_timeline_once(tmp_path, manager, existing):
    batch = _import(tmp_path, manager)
    removed = Customer.objects.get(name="Kopi Senja")

    undo_import(batch=batch, actor=manager)

    events = TimelineEvent.objects.filter(kind="import", data__source=f"import-undo:{batch.code}")
    assert sorted(events.values_list("customer", "actor")) == sorted(
        [(existing.pk, manager.pk), (removed.pk, manager.pk)]
    )
    event = events.get(customer=existing)
    assert (event.source_type, event.source_id) == ("imports.import", str(batch.pk))
    assert event.summary.startswith("Import undone: ")
