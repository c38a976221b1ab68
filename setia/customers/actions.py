"""Writes to customers and their contacts, stores and subscription.

Each action is one transaction and records its change in the audit history; views and
commands call these, never `.save()` on the models directly. The rules of a new record live on
the models (`Customer.prepare_new`, `Contact.prepare_new`, `Contact.fill_numbers`,
`Subscription.prepare_new`): these actions save one record with them, imports many.
"""

from collections.abc import Callable
from typing import Any

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from setia.customers.models import Contact, Customer, Store, Subscription
from setia.history.actions import new_change, record_change, snapshot
from setia.history.models import AuditEntry

Action = AuditEntry.Action


class StaleEditError(Exception):
    """The record changed since the user opened the form; their edit was not applied.

    `record` is the record as stored now, `refusal` the audit entry of the refused edit (its
    changes are `{field: [stored, submitted]}`) and `last_change` the latest audit entry of the
    record before it (the colleague's save), or None.
    """

    message = _(
        "Someone else saved this while you were editing. Your changes were not saved; review "
        "the current values and edit again."
    )

    def __init__(self, *, record=None, refusal: AuditEntry | None = None, last_change=None):
        super().__init__(str(self.message))
        self.record = record
        self.refusal = refusal
        self.last_change = last_change

    def rows(self) -> list[tuple[str, str, str]]:
        """(field label, stored value, submitted value) in the reader's language."""
        return self.refusal.change_rows() if self.refusal is not None else []


def save_edit(
    *,
    record: models.Model,
    customer: Customer | None,
    actor,
    data: dict,
    expected_version: int | None,
    source: str = "web",
    before_write: Callable[[Any], None] | None = None,
    on_timeline: bool = True,
) -> None:
    """Write `data` to `record` (a model with a `version`) if it is still at `expected_version`,
    and record the change; otherwise record the refusal and raise StaleEditError. The one way
    an edit form of a customer's record (customer, contact, store, subscription, task, offer)
    saves.

    The check is one conditional UPDATE moving the version on, so of two saves made from the
    same version exactly one passes; the record's row stays locked until the write commits.
    `expected_version=None` is for writers without a form (the system applying an offer): no
    check, the version still moves on. `before_write(record)` runs after the check, before the
    write, in the same transaction: an exception there leaves nothing written. The refusal is
    committed before the error is raised, so it stays in the history: callers must not wrap
    this in a transaction of their own. `on_timeline=False` keeps the audit entry of a
    successful save off the timeline (records whose steps have their own events). A record
    of no customer (a personal task) has no history to write to: its refusal is built, shown,
    and not stored.
    """
    model = type(record)
    with transaction.atomic():
        stored = model._default_manager.get(pk=record.pk)
        before = snapshot(stored)
        for name, value in data.items():
            setattr(record, name, value)
        rows = model._default_manager.filter(pk=record.pk)
        if expected_version is not None:
            rows = rows.filter(version=expected_version)
        if rows.update(version=F("version") + 1):
            if before_write is not None:
                before_write(record)
            record.save(update_fields=[*data, "updated_at"])
            record.version = stored.version + 1  # type: ignore[attr-defined]
            if customer is not None:
                record_change(
                    customer=customer,
                    actor=actor,
                    action=Action.UPDATE,
                    instance=record,
                    before=before,
                    source=source,
                    on_timeline=on_timeline,
                    before_record=stored,
                )
            return
        attempted = snapshot(record)
        changes = {
            name: [value, attempted.get(name)]
            for name, value in before.items()
            if value != attempted.get(name)
        }
        refusal = new_change(
            customer=customer,
            actor=actor,
            action=Action.REFUSED,
            instance=stored,
            changes=changes,
            source=source,
        )
        last_change = None
        if customer is not None:
            last_change = (
                # By customer first: the audit table's index leads with it.
                AuditEntry.objects.filter(
                    customer=customer, object_type=model._meta.label_lower, object_id=record.pk
                )
                .exclude(action=Action.REFUSED)
                .select_related("actor")
                .first()
            )
            refusal = record_change(
                customer=customer,
                actor=actor,
                action=Action.REFUSED,
                instance=stored,
                changes=changes,
                source=source,
            )
    raise StaleEditError(record=stored, refusal=refusal, last_change=last_change)


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


def update_customer(
    *, customer: Customer, actor, data: dict, expected_version: int, source: str = "web"
) -> Customer:
    """Apply `data` to `customer` if nobody saved it since `expected_version`.

    Raises StaleEditError (nothing written but the refusal in the history) when the stored
    version moved on: see `save_edit`.
    """
    save_edit(
        record=customer,
        customer=customer,
        actor=actor,
        data=data,
        expected_version=expected_version,
        source=source,
    )
    return customer


@transaction.atomic
def delete_customer(*, customer: Customer, actor, source: str = "web") -> Customer:
    """Soft-delete: the customer disappears from every list until a manager restores it."""
    customer.deleted_at = timezone.now()
    customer.deleted_by = actor
    customer.version = F("version") + 1
    customer.save(update_fields=["deleted_at", "deleted_by", "version", "updated_at"])
    customer.refresh_from_db(fields=["version"])
    record_change(
        customer=customer, actor=actor, action=Action.DELETE, instance=customer, source=source
    )
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


def update_contact(
    *,
    contact: Contact,
    actor,
    data: dict,
    expected_version: int | None = None,
    source: str = "web",
) -> Contact:
    """Change a contact's fields (with the number rule of `Contact.fill_numbers`) if nobody
    saved it since `expected_version` (StaleEditError otherwise, see `save_edit`); making it
    primary demotes the previous primary contact."""
    for name, value in data.items():
        setattr(contact, name, value)
    contact.fill_numbers()
    fields = dict.fromkeys([*data, *Contact.PHONE_FIELDS])
    save_edit(
        record=contact,
        customer=contact.customer,
        actor=actor,
        data={name: getattr(contact, name) for name in fields},
        expected_version=expected_version,
        source=source,
        before_write=_demote_other_primaries,
    )
    return contact


@transaction.atomic
def delete_contact(*, contact: Contact, actor, source: str = "web") -> None:
    """Remove a contact; its last values stay readable in the history."""
    before = snapshot(contact)
    customer = contact.customer
    pk = contact.pk
    contact.delete()
    contact.pk = pk
    record_change(
        customer=customer,
        actor=actor,
        action=Action.DELETE,
        instance=contact,
        before=before,
        source=source,
    )


@transaction.atomic
def add_store(*, customer: Customer, actor, data: dict, source: str = "web") -> Store:
    """Add a store; `data["domain"]` is already normalised and unique (the form checks it)."""
    store = Store.objects.create(customer=customer, **data)
    record_change(
        customer=customer, actor=actor, action=Action.CREATE, instance=store, source=source
    )
    return store


def update_store(
    *, store: Store, actor, data: dict, expected_version: int | None = None, source: str = "web"
) -> Store:
    """Change a store's fields if nobody saved it since `expected_version` (StaleEditError
    otherwise, see `save_edit`)."""
    save_edit(
        record=store,
        customer=store.customer,
        actor=actor,
        data=data,
        expected_version=expected_version,
        source=source,
    )
    return store


@transaction.atomic
def delete_store(*, store: Store, actor, source: str = "web") -> None:
    """Remove a store from its customer."""
    before = snapshot(store)
    customer = store.customer
    pk = store.pk
    store.delete()
    store.pk = pk
    record_change(
        customer=customer,
        actor=actor,
        action=Action.DELETE,
        instance=store,
        before=before,
        source=source,
    )


def save_subscription(
    *,
    customer: Customer,
    actor,
    data: dict,
    expected_version: int | None = None,
    source: str = "web",
) -> Subscription:
    """Create (with the defaults of `Subscription.prepare_new`) or change the customer's
    subscription; a change is refused with StaleEditError when the subscription was saved since
    `expected_version` (see `save_edit`)."""
    with transaction.atomic():
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
    save_edit(
        record=existing,
        customer=customer,
        actor=actor,
        data=data,
        expected_version=expected_version,
        source=source,
    )
    return existing
