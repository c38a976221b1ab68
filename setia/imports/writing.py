"""Writing an import plan: through the customer rules, in batches, with its history and undo.

Records are built by the constructors the web actions use (`Customer.prepare_new`,
`Contact.prepare_new`, `Subscription.prepare_new`, `Contact.fill_numbers` on a changed contact),
so an import creates and changes what the forms would. They go in with Django's own bulk
paths: `bulk_create` (the new ids come back with RETURNING, on PostgreSQL and SQLite alike) and
`bulk_update`. On PostgreSQL the rows nothing refers to afterwards (a new customer's contact,
store and subscription, the undo records) are COPYed by `setia.lib.copy.copy_rows`, which
prepares each value with the model field as `bulk_create` would.

History, written through `_save_history` (the one place that saves it): a new customer is ONE
creation entry holding its values and, as `contact.<field>`, `store.<field>` and
`subscription.<field>`, those of the records created with it, instead of one entry per record;
a change is one entry per record changed, as `record_change` writes it. Every entry has the
source `import:<code>`. Undo records (`ImportChange`): one per record created on or changed in an
existing customer. A customer created needs none: undo finds it by its creation entry in the
import's history and removes it (a soft delete, its history kept) with its records.
"""

import datetime
import uuid
from collections.abc import Set as AbstractSet

from django.db import connection, models
from django.db.models import F
from django.utils import timezone

from setia.customers.models import Contact, Customer, Store, Subscription
from setia.history.actions import new_change, record_changes, snapshot
from setia.history.models import AuditEntry
from setia.imports.engine import (
    BATCH,
    CONTACT_FIELDS,
    CUSTOMER_FIELDS,
    SUBSCRIPTION_FIELDS,
    Chunk,
    Row,
    chunks,
    contact_for,
    existing_domains,
    is_uuid,
)
from setia.imports.models import Import, ImportChange
from setia.lib.copy import copy_rows

Action = AuditEntry.Action


def apply_chunk(chunk: Chunk, batch: Import, *, actor) -> list[int]:
    """Write a decided chunk of a plan (call inside the import's transaction.atomic(); `batch`
    is saved already). Returns the ids of the customers created or updated."""
    writer = _Writer(batch, actor)
    touched: list[int] = []
    for outcome, write in (("created", writer.create), ("updated", writer.update)):
        for rows in chunks([row for row in chunk.kept if row.outcome == outcome], BATCH):
            touched += write(chunk, rows)
    return touched


def _save_history(entries: list[AuditEntry]) -> None:
    """Save the import's history entries, in one bulk call. They stay off the timeline one by
    one: `run_import` puts one import event on each customer's timeline instead."""
    record_changes(entries, on_timeline=False)


def _insert(model, objects: list) -> None:
    """INSERT new records whose ids nothing reads afterwards: COPY on PostgreSQL, else
    `bulk_create`."""
    if not objects:
        return
    if connection.vendor == "postgresql":
        copy_rows(model, objects)
    else:
        model.objects.bulk_create(objects, batch_size=BATCH)


class _Writer:
    def __init__(self, batch: Import, actor):
        self.batch = batch
        self.actor = actor
        self.source = batch.source_label

    def _change(self, action: str, customer: Customer, instance, *, fields: dict) -> ImportChange:
        return ImportChange(
            batch=self.batch,
            action=action,
            object_type=instance._meta.label_lower,
            object_id=instance.pk,
            customer_id=customer.pk,
            fields=fields,
        )

    def _entry(self, action, customer: Customer, instance, before=None) -> AuditEntry | None:
        return new_change(
            customer=customer,
            actor=self.actor,
            action=action,
            instance=instance,
            before=before,
            source=self.source,
        )

    def create(self, plan: Chunk, rows: list[Row]) -> list[int]:
        """New customers, each with its contact, store and subscription when the row has them."""
        customers = [self._new_customer(row) for row in rows]
        Customer.objects.bulk_create(customers, batch_size=BATCH)
        parts: dict[type[models.Model], list] = {Contact: [], Store: [], Subscription: []}
        entries = []
        for row, customer in zip(rows, customers, strict=True):
            entry = self._entry(Action.CREATE, customer, customer)
            assert entry is not None  # a creation always has its entry
            for part in _new_parts(row, customer, has_primary=False, has_subscription=False):
                parts[type(part)].append(part)
                prefix = type(part)._meta.model_name
                for name, value in snapshot(part).items():
                    if value is not None:
                        entry.changes[f"{prefix}.{name}"] = [None, value]
            entries.append(entry)
        for model, objects in parts.items():
            _insert(model, objects)
        # No undo record: undo finds the customers an import created by their creation entries
        # in its history, and removes their contacts, stores and subscriptions with them.
        _save_history(entries)
        return [customer.pk for customer in customers]

    def _new_customer(self, row: Row) -> Customer:
        values = dict(row.customer)
        values["owner"] = values.get("owner") or self.batch.default_owner
        values["extra"] = row.extra or None
        if row.code and is_uuid(row.code):
            values["code"] = row.code
        return Customer.prepare_new(**values)

    def update(self, plan: Chunk, rows: list[Row]) -> list[int]:
        """Changes to matched customers: filled cells only, records they lack added."""
        now = timezone.now()
        changed: dict[type[models.Model], list] = {Customer: [], Contact: [], Subscription: []}
        new: list = []
        entries, undo = [], []
        domains = existing_domains(plan)
        for row in rows:
            customer = plan.customers[row.matched_id]
            values = dict(row.customer)
            if row.extra:
                values["extra"] = {**(customer.extra or {}), **row.extra}
            targets: list[tuple[models.Model, dict]] = [(customer, values)]
            if row.contact and (contact := contact_for(plan, row)) is not None:
                targets.append((contact, row.contact))
            subscription = plan.subscriptions.get(customer.pk)
            if row.subscription and subscription is not None:
                targets.append((subscription, row.subscription))
            for instance, data in targets:
                before = snapshot(instance)
                raw = _assign(instance, data)
                if raw:
                    changed[type(instance)].append(instance)
                    if entry := self._entry(Action.UPDATE, customer, instance, before):
                        entries.append(entry)
                    undo.append(self._change("update", customer, instance, fields=raw))
            new += _new_parts(
                row,
                customer,
                has_primary=bool(plan.contacts.get(customer.pk)),
                has_subscription=subscription is not None,
                skip_contact=contact_for(plan, row) is not None,
                domains=domains,
            )
        for customer in changed[Customer]:
            # The optimistic lock: a form opened before the import will refuse to overwrite it.
            customer.version = F("version") + 1
        fields = {
            Customer: [*CUSTOMER_FIELDS, "extra", "version"],
            Contact: [*CONTACT_FIELDS],
            Subscription: [*SUBSCRIPTION_FIELDS],
        }
        for model, objects in changed.items():
            for instance in objects:
                instance.updated_at = now
            if objects:
                model._default_manager.bulk_update(
                    objects, [*fields[model], "updated_at"], batch_size=BATCH
                )
        for model in (Contact, Store, Subscription):
            objects = [obj for obj in new if type(obj) is model]
            # Their ids are in the history and the undo records: bulk_create returns them.
            model.objects.bulk_create(objects, batch_size=BATCH)
            for obj in objects:
                if entry := self._entry(Action.CREATE, obj.customer, obj):
                    entries.append(entry)
                undo.append(self._change("create", obj.customer, obj, fields={}))
        _save_history(entries)
        ImportChange.objects.bulk_create(undo, batch_size=BATCH)
        return [row.matched_id for row in rows]


def _new_parts(
    row: Row,
    customer: Customer,
    *,
    has_primary: bool,
    has_subscription: bool,
    skip_contact: bool = False,
    domains: AbstractSet[str] = frozenset(),
) -> list:
    """The unsaved contact, store and subscription `row` adds to `customer`: those it has
    cells for and the customer lacks."""
    parts: list = []
    if row.contact and not skip_contact:
        values = dict(row.contact)
        # A row may name no contact: the contact is then called as the business.
        values.setdefault("name", customer.name[:150])
        parts.append(Contact.prepare_new(customer=customer, has_primary=has_primary, **values))
    if row.store and row.store[1] not in domains:
        url, domain, kind = row.store
        parts.append(Store(customer=customer, url=url, domain=domain, kind=kind))
    if row.subscription.get("plan") and not has_subscription:
        parts.append(Subscription.prepare_new(customer=customer, **row.subscription))
    return parts


def _assign(instance, data: dict) -> dict:
    """Set `data` on `instance`; return {attname: [before, after]} of what really changed, as
    JSON values, for undo. A contact that changes follows the number rule of the contact form
    (`Contact.fill_numbers`); one the row leaves as it is, is left alone."""
    fields = [instance._meta.get_field(name) for name in data]
    if isinstance(instance, Contact):
        fields += [instance._meta.get_field(name) for name in Contact.PHONE_FIELDS]
    old = {field.attname: getattr(instance, field.attname) for field in fields}
    for name, value in data.items():
        setattr(instance, name, value)
    if isinstance(instance, Contact) and _changed(instance, old):
        instance.fill_numbers()
    return {
        attname: [_jsonable(before), _jsonable(getattr(instance, attname))]
        for attname, before in old.items()
        if getattr(instance, attname) != before
    }


def _changed(instance, old: dict) -> bool:
    return any(getattr(instance, attname) != before for attname, before in old.items())


def _jsonable(value):
    """A value as the undo record keeps it in JSON: dates ISO, UUIDs as text."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value
