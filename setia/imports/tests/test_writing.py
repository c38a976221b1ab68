"""An import's history: one creation entry per new customer holding the values of the records
created with it, in the form `record_change` gives each of them."""

from setia.customers.models import Category, Contact, Customer, Store, Subscription
from setia.history.actions import snapshot
from setia.history.models import AuditEntry
from setia.imports.tests.helpers import run, write_csv


def test_it_records_a_new_customer_as_one_entry_with_its_records(db, tmp_path, manager):
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
    assert customer.code.version == 4 and Store.objects.get().code.version == 4
    entry = AuditEntry.objects.get()
    expected = {
        name: [None, value] for name, value in snapshot(customer).items() if value is not None
    }
    for model in (Contact, Store, Subscription):
        for name, value in snapshot(model.objects.get()).items():
            if value is not None:
                expected[f"{model._meta.model_name}.{name}"] = [None, value]
    assert entry.changes == expected
    assert (entry.action, entry.object_type, entry.object_id) == (
        "create",
        "customers.customer",
        customer.pk,
    )
    assert entry.object_repr == str(customer)
    assert entry.customer == customer
    assert entry.actor == manager
    labels = [label for label, _before, _after in entry.change_rows()]
    assert "contact: phone" in labels and "subscription: monthly price (Rp)" in labels
    assert Category.objects.get(slug="fashion").customers.get() == customer
