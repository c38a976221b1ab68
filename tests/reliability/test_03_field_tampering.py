"""Field tampering: fields posted that are not on the form (ids, codes, the owning customer,
deletion marks, timestamps, extra data) are ignored, and nothing about them reaches the history."""

import uuid

import pytest
from django.urls import reverse

from setia.customers.models import Contact, Customer
from setia.history.models import AuditEntry
from setia.test import make_contact, make_customer, make_store, make_subscription

TAMPERED_EVERYWHERE = {
    "id": "999999",
    "pk": "999999",
    "code": str(uuid.UUID(int=1)),
    "created_at": "2001-01-01 00:00",
    "updated_at": "2001-01-01 00:00",
}


@pytest.fixture
def records(customer, team_b):
    """The team-A customer with one record of each kind, and another team's customer."""
    return {
        "customer": customer,
        "contact": make_contact(customer, name="Sari", phone="+6281234567801"),
        "store": make_store(customer),
        "subscription": make_subscription(customer),
        "elsewhere": make_customer(team=team_b, name="Kopi Timur"),
    }


def _edit_url(kind, records) -> str:
    customer = records["customer"]
    return {
        "customer": lambda: reverse("customers:customer-edit", args=[customer.code]),
        "contact": lambda: reverse(
            "customers:contact-edit", args=[customer.code, records["contact"].pk]
        ),
        "store": lambda: reverse(
            "customers:store-edit", args=[customer.code, records["store"].code]
        ),
        "subscription": lambda: reverse("customers:subscription-edit", args=[customer.code]),
    }[kind]()


def _tampering(kind, records, manager) -> dict:
    elsewhere = records["elsewhere"]
    return (
        TAMPERED_EVERYWHERE
        | {
            "customer": {
                "deleted_at": "2001-01-01 00:00",
                "deleted_by": str(manager.pk),
                "extra": '{"plan": "gratis"}',
            },
            "contact": {"customer": str(elsewhere.pk), "customer_id": str(elsewhere.pk)},
            "store": {"customer": str(elsewhere.pk), "customer_id": str(elsewhere.pk)},
            "subscription": {"customer": str(elsewhere.pk), "customer_id": str(elsewhere.pk)},
        }[kind]
    )


def _form_as_shown(client, url) -> dict:
    """The form's fields with the values the page shows, as a browser would post them back."""
    form = client.get(url).context["form"]
    data = {}
    for field in form:
        value = field.value()
        if isinstance(value, bool):
            if value:
                data[field.html_name] = "on"
        elif value is not None:
            data[field.html_name] = value
    return data


def _stored(record) -> dict:
    fresh = type(record).objects.get(pk=record.pk)
    return {
        field.name: getattr(fresh, field.attname)
        for field in fresh._meta.concrete_fields
        # A save moves the version on even when nothing changed; what matters is the rest.
        if field.name not in {"updated_at", "version"}
    }


@pytest.mark.parametrize("kind", ["customer", "contact", "store", "subscription"])
def test_fields_not_on_the_form_are_ignored_and_unaudited(
    client, executive, manager, records, kind
):
    url = _edit_url(kind, records)
    client.force_login(executive)
    data = _form_as_shown(client, url)
    before = _stored(records[kind])
    audited = AuditEntry.objects.count()

    response = client.post(url, data | _tampering(kind, records, manager))

    assert response.status_code == 302
    assert _stored(records[kind]) == before
    assert AuditEntry.objects.count() == audited
    assert not records["elsewhere"].contacts.exists()
    assert not records["elsewhere"].stores.exists()


@pytest.mark.parametrize("kind", ["customer", "contact", "store", "subscription"])
def test_a_real_change_with_tampering_records_only_the_real_change(
    client, executive, manager, records, kind
):
    url = _edit_url(kind, records)
    client.force_login(executive)
    data = _form_as_shown(client, url)
    field = {"customer": "notes", "contact": "position", "store": "url", "subscription": "plan"}
    new = {
        "notes": "Suka ditelepon pagi",
        "position": "Pemilik",
        "url": "https://batik-baru.id",
        "plan": "enterprise",
    }[field[kind]]
    before = _stored(records[kind])

    response = client.post(url, data | _tampering(kind, records, manager) | {field[kind]: new})

    assert response.status_code == 302
    after = _stored(records[kind])
    changed = {name for name in before if before[name] != after[name]}
    assert changed <= {field[kind], "domain", "version"}
    entry = AuditEntry.objects.latest("pk")
    assert set(entry.changes) <= {field[kind], "domain"}


def test_a_new_customer_gets_its_own_code_and_is_not_born_deleted(client, executive, team_a):
    client.force_login(executive)
    data = _form_as_shown(client, reverse("customers:customer-create"))
    category = Customer._meta.get_field("category").related_model.objects.first()
    data |= {"name": "Tenun Baru", "category": category.pk, "status": "onboarding"}

    response = client.post(
        reverse("customers:customer-create"),
        data | TAMPERED_EVERYWHERE | {"deleted_at": "2001-01-01 00:00", "extra": "{}"},
    )

    assert response.status_code == 302
    created = (
        Customer.all_objects.get(name="Tenun Baru")
        if hasattr(Customer, "all_objects")
        else Customer.objects.get(name="Tenun Baru")
    )
    assert str(created.code) != TAMPERED_EVERYWHERE["code"]
    assert created.pk != 999999
    assert created.deleted_at is None
    assert created.created_at.year != 2001
    entry = AuditEntry.objects.get(object_repr="Tenun Baru")
    assert "deleted_at" not in entry.changes
    assert "code" not in entry.changes


def test_a_contact_added_with_another_customer_posted_goes_to_the_page_customer(
    client, executive, records
):
    client.force_login(executive)
    url = reverse("customers:contact-add", args=[records["customer"].code])
    # The form is on the customer's page; these are its fields.
    data = {"name": "Dimas", "phone": "0812-3456-7802", "whatsapp": "", "email": ""}

    response = client.post(url, data | {"customer": records["elsewhere"].pk, "id": "1"})

    assert response.status_code == 302
    added = Contact.objects.get(name="Dimas")
    assert added.customer == records["customer"]
    assert not records["elsewhere"].contacts.exists()
