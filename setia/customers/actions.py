"""Writes to customers and their contacts, stores and subscription.

Each action is one transaction and records its change in the audit history; views and
commands call these, never `.save()` on the models directly. The rules of a new record live on
the models (`Customer.prepare_new`, `Contact.prepare_new`, `Contact.fill_numbers`,
`Subscription.prepare_new`): these actions save one record with them, imports many.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from setia.customers.models import Contact, Customer, Store, Subscription
from setia.history.actions import record_change, snapshot
from setia.history.models import AuditEntry

Action = AuditEntry.Action


class StaleEditError(Exception):
    """The record changed since the user opened the form; their edit was not applied."""

    message = _(
        "Someone else changed this customer while you were editing. Your changes were not "
        "saved; review the current values and edit again."
    )


@transaction.atomic
def create_customer(*, actor, data: dict, source: str = "web") -> Customer:
    """Create a customer from validated `data` (model field names), with the rules of
    `Customer.prepare_new`, and record it."""
    customer = Customer.prepare_new(**data)
    customer.save()
    record_change(
        customer=customer, actor=actor, action=Action.CREATE, instance=customer, source=source
    )
    return customer


@transaction.atomic
def update_customer(
    *, customer: Customer, actor, data: dict, expected_version: int, source: str = "web"
) -> Customer:
    """Apply `data` to `customer` if nobody saved it since `expected_version`.

    Raises StaleEditError (nothing written) when the stored version moved on. The check and the
    write are one conditional UPDATE, so two simultaneous saves cannot both pass it.
    """
    before = snapshot(Customer.objects.get(pk=customer.pk))
    updated = Customer.objects.filter(pk=customer.pk, version=expected_version).update(
        **data, version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        raise StaleEditError
    customer.refresh_from_db()
    record_change(
        customer=customer,
        actor=actor,
        action=Action.UPDATE,
        instance=customer,
        before=before,
        source=source,
    )
    return customer


@transaction.atomic
def delete_customer(*, customer: Customer, actor) -> Customer:
    """Soft-delete: the customer disappears from every list until a manager restores it."""
    customer.deleted_at = timezone.now()
    customer.deleted_by = actor
    customer.version = F("version") + 1
    customer.save(update_fields=["deleted_at", "deleted_by", "version", "updated_at"])
    customer.refresh_from_db(fields=["version"])
    record_change(customer=customer, actor=actor, action=Action.DELETE, instance=customer)
    return customer


@transaction.atomic
def restore_customer(*, customer: Customer, actor) -> Customer:
    """Bring a soft-deleted customer back, with its contacts, stores and history intact."""
    customer.deleted_at = None
    customer.deleted_by = None
    customer.version = F("version") + 1
    customer.save(update_fields=["deleted_at", "deleted_by", "version", "updated_at"])
    customer.refresh_from_db(fields=["version"])
    record_change(customer=customer, actor=actor, action=Action.RESTORE, instance=customer)
    return customer


def _demote_other_primaries(contact: Contact) -> None:
    # One primary contact per customer (a database constraint): clear the old one first.
    if contact.is_primary:
        Contact.objects.filter(customer_id=contact.customer_id, is_primary=True).exclude(
            pk=contact.pk
        ).update(is_primary=False, updated_at=timezone.now())


@transaction.atomic
def add_contact(*, customer: Customer, actor, data: dict, source: str = "web") -> Contact:
    """Add a contact, with the rules of `Contact.prepare_new` (the first contact of a customer
    becomes its primary contact)."""
    has_primary = customer.contacts.filter(is_primary=True).exists()
    contact = Contact.prepare_new(customer=customer, has_primary=has_primary, **data)
    _demote_other_primaries(contact)
    contact.save()
    record_change(
        customer=customer, actor=actor, action=Action.CREATE, instance=contact, source=source
    )
    return contact


@transaction.atomic
def update_contact(*, contact: Contact, actor, data: dict, source: str = "web") -> Contact:
    """Change a contact's fields (with the number rule of `Contact.fill_numbers`); making it
    primary demotes the previous primary contact."""
    before = snapshot(Contact.objects.get(pk=contact.pk))
    for name, value in data.items():
        setattr(contact, name, value)
    contact.fill_numbers()
    _demote_other_primaries(contact)
    contact.save(update_fields=list(dict.fromkeys([*data, *Contact.PHONE_FIELDS, "updated_at"])))
    record_change(
        customer=contact.customer,
        actor=actor,
        action=Action.UPDATE,
        instance=contact,
        before=before,
        source=source,
    )
    return contact


@transaction.atomic
def delete_contact(*, contact: Contact, actor) -> None:
    """Remove a contact; its last values stay readable in the history."""
    before = snapshot(contact)
    customer = contact.customer
    pk = contact.pk
    contact.delete()
    contact.pk = pk
    record_change(
        customer=customer, actor=actor, action=Action.DELETE, instance=contact, before=before
    )


@transaction.atomic
def add_store(*, customer: Customer, actor, data: dict, source: str = "web") -> Store:
    """Add a store; `data["domain"]` is already normalised and unique (the form checks it)."""
    store = Store.objects.create(customer=customer, **data)
    record_change(
        customer=customer, actor=actor, action=Action.CREATE, instance=store, source=source
    )
    return store


@transaction.atomic
def update_store(*, store: Store, actor, data: dict, source: str = "web") -> Store:
    """Change a store's fields."""
    before = snapshot(Store.objects.get(pk=store.pk))
    for name, value in data.items():
        setattr(store, name, value)
    store.save(update_fields=[*data, "updated_at"])
    record_change(
        customer=store.customer,
        actor=actor,
        action=Action.UPDATE,
        instance=store,
        before=before,
        source=source,
    )
    return store


@transaction.atomic
def delete_store(*, store: Store, actor) -> None:
    """Remove a store from its customer."""
    before = snapshot(store)
    customer = store.customer
    pk = store.pk
    store.delete()
    store.pk = pk
    record_change(
        customer=customer, actor=actor, action=Action.DELETE, instance=store, before=before
    )


@transaction.atomic
def save_subscription(
    *, customer: Customer, actor, data: dict, source: str = "web"
) -> Subscription:
    """Create (with the defaults of `Subscription.prepare_new`) or change the customer's
    subscription."""
    existing = Subscription.objects.filter(customer=customer).first()
    if existing is None:
        subscription = Subscription.prepare_new(customer=customer, **data)
        subscription.save()
        record_change(
            customer=customer,
            actor=actor,
            action=Action.CREATE,
            instance=subscription,
            source=source,
        )
        return subscription
    before = snapshot(existing)
    for name, value in data.items():
        setattr(existing, name, value)
    existing.save(update_fields=[*data, "updated_at"])
    record_change(
        customer=customer,
        actor=actor,
        action=Action.UPDATE,
        instance=existing,
        before=before,
        source=source,
    )
    return existing
