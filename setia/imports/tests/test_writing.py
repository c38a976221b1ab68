"""The fast writer produces exactly the history the audit app would."""

import datetime

from setia.customers.models import Category, Contact, Customer, Store, Subscription
from setia.history.actions import snapshot
from setia.history.models import AuditEntry
from setia.imports.tests.helpers import run, write_csv
from setia.imports.writing import _repr, fast_snapshot
from setia.test import make_contact, make_customer, make_store, make_subscription


def test_fast_snapshot_is_snapshot(db, executive, team_a):
    customer = make_customer(
        owner=executive,
        team=team_a,
        notes="x",
        extra={"a": "1"},
        deleted_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
    )
    objects = [
        customer,
        make_contact(customer, position="Owner"),
        make_store(customer, launched_on=datetime.date(2026, 2, 1)),
        make_subscription(customer, discount_percent=10),
    ]
    for obj in objects:
        fresh = type(obj).objects.get(pk=obj.pk)
        assert fast_snapshot(fresh) == snapshot(fresh)
        assert _repr(fresh) == str(fresh)[:200]


def test_imported_history_has_the_form_record_change_writes(db, tmp_path, manager):
    path = write_csv(
        tmp_path / "one.csv",
        [
            [
                "Batik",
                "Sekar",
                "0812-3456-7801",
                "a@batik.id",
                "Fashion",
                "Solo",
                "batik.id",
                "Growth",
                "Rp 349.000",
                "05/04/2026",
                "Instagram",
            ]
        ],
        header=[
            "Nama Brand",
            "Nama Pemilik",
            "No HP",
            "Email",
            "Kategori",
            "Kota",
            "URL Toko",
            "Paket",
            "Harga Bulanan",
            "Tanggal Onboarding",
            "Sumber Info",  # unknown: kept in Customer.extra, which the history records too
        ],
    )

    run(path, owner=manager.email)

    customer = Customer.objects.get()
    assert customer.extra == {"Sumber Info": "Instagram"}
    # Codes are made without uuid.uuid4(): still random version-4 UUIDs.
    assert customer.code.version == 4 and Store.objects.get().code.version == 4
    for model in (Customer, Contact, Store, Subscription):
        instance = model.objects.get()
        entry = AuditEntry.objects.get(object_type=model._meta.label_lower)
        expected = {
            name: [None, value] for name, value in snapshot(instance).items() if value is not None
        }
        assert entry.changes == expected, model
        assert entry.object_id == instance.pk
        assert entry.object_repr == str(instance)
        assert entry.customer == customer
        assert entry.actor == manager
    assert Category.objects.get(slug="fashion").customers.get() == customer
