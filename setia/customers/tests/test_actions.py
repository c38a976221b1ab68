import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from setia.customers import actions
from setia.customers.models import Category, Contact, Customer, Plan, Store, Subscription
from setia.history.models import AuditEntry
from setia.test import make_contact, make_customer, make_store, make_subscription

NOW = datetime.datetime(2026, 5, 4, 3, 2, 1, tzinfo=datetime.UTC)


def _entry(entry: AuditEntry) -> tuple:
    return (entry.action, entry.object_type, entry.object_id, entry.object_repr, entry.source)


# Customers


def test_it_creates_a_customer_and_records_every_filled_field(executive, team_a):
    customer = actions.create_customer(
        actor=executive,
        data={
            "name": "Kopi Senja",
            "category": Category.objects.get(slug="food-beverage"),
            "city": "Solo",
            "province": "Jawa Tengah",
            "team": team_a,
            "owner": executive,
            "status": Customer.Status.ACTIVE,
            "notes": "",
        },
        source="import:42",
    )

    assert Customer.objects.get() == customer
    entry = AuditEntry.objects.get()
    assert (entry.customer, entry.actor) == (customer, executive)
    assert _entry(entry) == ("create", "customers.customer", customer.pk, "Kopi Senja", "import:42")
    assert entry.changes == {
        "category": [None, "F&B"],
        "city": [None, "Solo"],
        "name": [None, "Kopi Senja"],
        "owner": [None, executive.full_name],
        "province": [None, "Jawa Tengah"],
        "status": [None, "active"],
        "team": [None, "Team A"],
    }


def test_it_updates_a_customer_and_records_only_what_changed(customer, manager, executive):
    updated = actions.update_customer(
        customer=customer,
        actor=manager,
        data={"name": "Batik Lestari", "city": "Solo", "owner": None, "notes": "VIP"},
        expected_version=1,
    )

    assert updated is customer
    customer.refresh_from_db()
    assert (customer.city, customer.owner, customer.notes, customer.version) == (
        "Solo",
        None,
        "VIP",
        2,
    )
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.source) == (manager, "web")
    assert _entry(entry)[:2] == ("update", "customers.customer")
    assert entry.changes == {
        "city": ["Bandung", "Solo"],
        "notes": [None, "VIP"],
        "owner": [executive.full_name, None],
    }


def test_it_records_nothing_for_an_update_that_changes_nothing(customer, executive):
    result = actions.update_customer(
        customer=customer,
        actor=executive,
        data={"name": "Batik Lestari", "city": "Bandung"},
        expected_version=1,
    )

    assert result == customer
    assert AuditEntry.objects.count() == 0


@pytest.mark.parametrize("actor", [None, AnonymousUser()])
def test_it_records_changes_without_a_person_as_the_system(customer, actor):
    actions.update_customer(
        customer=customer, actor=actor, data={"city": "Solo"}, expected_version=1
    )

    assert AuditEntry.objects.get().actor is None


def test_it_makes_an_edit_from_before_a_delete_stale(customer, executive):
    stale_version = customer.version
    actions.delete_customer(customer=customer, actor=executive)

    with pytest.raises(actions.StaleEditError):
        actions.update_customer(
            customer=customer,
            actor=executive,
            data={"name": "Edited"},
            expected_version=stale_version,
        )


def test_it_writes_nothing_when_recording_fails(executive, team_a, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("the history table is gone")

    monkeypatch.setattr(actions, "record_change", fail)

    with pytest.raises(RuntimeError):
        actions.create_customer(
            actor=executive,
            data={"name": "Half", "category": Category.objects.first(), "team": team_a},
        )

    assert Customer.objects.count() == 0


# Contacts


def test_it_adds_the_first_contact_as_primary(customer, executive):
    contact = actions.add_contact(
        customer=customer,
        actor=executive,
        data={"name": "Sari", "phone": "+6281234567890", "whatsapp": "+6281234567890"},
    )

    assert contact.is_primary is True
    entry = AuditEntry.objects.get()
    assert _entry(entry) == ("create", "customers.contact", contact.pk, "Sari", "web")
    assert entry.changes == {
        "is_primary": [None, "True"],
        "name": [None, "Sari"],
        "phone": [None, "+6281234567890"],
        "whatsapp": [None, "+6281234567890"],
    }


def test_it_adds_a_later_contact_as_secondary_unless_asked(customer, executive):
    first = make_contact(customer, is_primary=True)

    second = actions.add_contact(customer=customer, actor=executive, data={"name": "Budi"})
    third = actions.add_contact(
        customer=customer, actor=executive, data={"name": "Citra", "is_primary": True}
    )

    assert second.is_primary is False
    assert list(Contact.objects.filter(is_primary=True)) == [third]
    first.refresh_from_db()
    assert first.is_primary is False


def test_it_keeps_one_primary_contact_per_customer_only(customer, team_a, executive):
    other_customer = make_customer(team=team_a)
    others_primary = make_contact(other_customer, is_primary=True)
    make_contact(customer, is_primary=True)

    actions.add_contact(
        customer=customer, actor=executive, data={"name": "New", "is_primary": True}
    )

    others_primary.refresh_from_db()
    assert others_primary.is_primary is True


def test_it_updates_a_contact_and_records_only_what_changed(customer, executive):
    contact = make_contact(customer, name="Sari", phone="+6281234567890", position="")
    secondary = make_contact(customer, name="Budi", is_primary=False)
    Contact.objects.filter(pk=contact.pk).update(is_primary=True)

    actions.update_contact(
        contact=secondary, actor=executive, data={"name": "Budi", "is_primary": True}
    )
    actions.update_contact(contact=contact, actor=executive, data={"position": "Owner"})

    contact.refresh_from_db()
    assert (contact.is_primary, contact.position) == (False, "Owner")
    assert [(entry.object_id, entry.changes) for entry in AuditEntry.objects.order_by("id")] == [
        (secondary.pk, {"is_primary": ["False", "True"]}),
        (contact.pk, {"position": [None, "Owner"]}),
    ]


def test_it_records_nothing_for_a_contact_update_that_changes_nothing(customer, executive):
    contact = make_contact(customer, name="Sari")

    actions.update_contact(contact=contact, actor=executive, data={"name": "Sari"})

    assert AuditEntry.objects.count() == 0


def test_it_deletes_a_contact_and_keeps_its_last_values(customer, executive):
    contact = make_contact(
        customer, name="Sari", phone="+6281234567890", whatsapp="", email="", is_primary=True
    )
    pk = contact.pk

    actions.delete_contact(contact=contact, actor=executive)

    assert Contact.objects.count() == 0
    entry = AuditEntry.objects.get()
    assert _entry(entry) == ("delete", "customers.contact", pk, "Sari", "web")
    assert entry.changes == {
        "is_primary": ["True", None],
        "name": ["Sari", None],
        "phone": ["+6281234567890", None],
    }


# Stores


def test_it_adds_updates_and_deletes_a_store(customer, executive):
    store = actions.add_store(
        customer=customer,
        actor=executive,
        data={"kind": "website", "url": "https://toko.id", "domain": "toko.id"},
    )
    actions.update_store(
        store=store, actor=executive, data={"url": "https://toko.id/", "platform_version": "v2"}
    )
    actions.update_store(store=store, actor=executive, data={"platform_version": "v2"})
    pk = store.pk
    actions.delete_store(store=store, actor=executive)

    assert Store.objects.count() == 0
    assert [
        (entry.action, entry.object_id, entry.changes)
        for entry in AuditEntry.objects.order_by("id")
    ] == [
        (
            "create",
            pk,
            {
                "domain": [None, "toko.id"],
                "kind": [None, "website"],
                "url": [None, "https://toko.id"],
            },
        ),
        (
            "update",
            pk,
            {"platform_version": [None, "v2"], "url": ["https://toko.id", "https://toko.id/"]},
        ),
        (
            "delete",
            pk,
            {
                "domain": ["toko.id", None],
                "kind": ["website", None],
                "platform_version": ["v2", None],
                "url": ["https://toko.id/", None],
            },
        ),
    ]


def test_it_records_a_store_change_against_its_customer(customer, executive):
    store = make_store(customer)

    actions.update_store(store=store, actor=executive, data={"kind": "marketplace"})

    assert AuditEntry.objects.get().customer == customer


# Subscriptions


def test_it_creates_then_updates_a_subscription(customer, executive):
    data = {
        "plan": Plan.objects.get(code="growth"),
        "started_on": datetime.date(2026, 1, 1),
        "renews_on": datetime.date(2027, 1, 1),
        "monthly_price": 349_000,
        "discount_percent": 0,
    }

    created = actions.save_subscription(customer=customer, actor=executive, data=data)
    updated = actions.save_subscription(
        customer=customer, actor=executive, data={**data, "monthly_price": 1_234_567}
    )
    actions.save_subscription(
        customer=customer, actor=executive, data={**data, "monthly_price": 1_234_567}
    )

    assert updated.pk == created.pk
    assert Subscription.objects.get().monthly_price == 1_234_567
    assert [
        (entry.action, entry.object_type, entry.changes)
        for entry in AuditEntry.objects.order_by("id")
    ] == [
        (
            "create",
            "customers.subscription",
            {
                "discount_percent": [None, "0"],
                "monthly_price": [None, "349000"],
                "plan": [None, "growth"],
                "renews_on": [None, "2027-01-01"],
                "started_on": [None, "2026-01-01"],
            },
        ),
        ("update", "customers.subscription", {"monthly_price": ["349000", "1234567"]}),
    ]


def test_it_shows_subscription_changes_in_rupiah(customer, executive):
    make_subscription(customer, monthly_price=349_000)

    actions.save_subscription(customer=customer, actor=executive, data={"monthly_price": 1_500_000})

    [(_label, before, after)] = AuditEntry.objects.get().change_rows()
    assert (before, after) == ("Rp 349.000", "Rp 1.500.000")
