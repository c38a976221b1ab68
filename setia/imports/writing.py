"""Writing an import plan: batched, set-based, with its audit history and undo records.

New customers and their contact, store and subscription are built as rows of values straight
from the plan (`_Rows`: no model instances, their creation history computed alongside) and go in
with one statement per table and batch: `executemany` on SQLite, whose rows are numbered
consecutively (the ids follow from last_insert_rowid()); COPY on PostgreSQL, with ids drawn from
the sequence beforehand. The audit entries and undo records likewise. Django's `bulk_create`
would spend most of its time preparing each value through the ORM (DESIGN §5: ~31k rows/s
against ~180k for plain executemany), and an import writes nine rows per new customer.

Changes to existing customers are rarer and go through `bulk_update`.

Audit entries have exactly the form `setia.history.actions.record_change` writes (a test compares
them), with `import:<code>` as their source.
"""

import datetime
import functools
import json
import os
import uuid

from django.db import connection, models
from django.db.models import F
from django.utils import timezone, translation

from setia.customers.models import Contact, Customer, Store, Subscription
from setia.customers.models import Plan as SubscriptionPlan
from setia.history.actions import SKIPPED_FIELDS as AUDIT_SKIPPED
from setia.history.models import AuditEntry
from setia.imports.engine import (
    BATCH,
    CONTACT_FIELDS,
    CUSTOMER_FIELDS,
    SUBSCRIPTION_FIELDS,
    Plan,
    Progress,
    Row,
    _chunks,
    _contact_for,
    _existing_domains,
    _is_uuid,
    _no_progress,
)
from setia.imports.models import Import, ImportChange


@functools.cache
def _audited(model) -> list[tuple[str, str, bool, bool]]:
    """(name, attname, is relation, is date) of the fields `snapshot()` records for `model`."""
    return [
        (
            field.name,
            field.attname,
            field.is_relation,
            isinstance(field, models.DateField | models.DateTimeField),
        )
        for field in model._meta.concrete_fields
        if field.name not in AUDIT_SKIPPED
    ]


def fast_snapshot(instance: models.Model) -> dict[str, str | None]:
    """What `setia.history.actions.snapshot(instance)` returns, without its per-call overhead."""
    values: dict[str, str | None] = {}
    state = instance.__dict__
    for name, attname, is_relation, is_date in _audited(type(instance)):
        if is_relation:
            related = getattr(instance, name)
            values[name] = str(related) if related is not None else None
            continue
        value = state.get(attname)
        if value is None or value == "":
            values[name] = None
        elif is_date:
            values[name] = value.isoformat()
        else:
            values[name] = str(value)
    return values


class _Rows:
    """Rows of one model for a multi-row INSERT, built straight from field values, with the
    audit `changes` of their creation: no model instances (an import creates four records per
    row, and Model.__init__, snapshot() and per-value adaptation cost more than the INSERT).

    `add(values)` takes {field name: value}, relations as objects (their pk is stored, their
    str() recorded) except `customer_id`, and returns (DB row, changes as JSON text). Fields
    left out take their model default; `created_at`/`updated_at` are `now`.
    """

    rows: list[list]

    def __init__(self, model, now):
        ops = connection.ops
        native_uuid = connection.features.has_native_uuid_field
        self.model = model
        self.label = model._meta.label_lower
        fields = [field for field in model._meta.concrete_fields if not field.primary_key]
        # PostgreSQL: ids are taken from the sequence beforehand and COPYed with the rows (COPY
        # returns nothing); SQLite numbers the rows itself (see _insert_and_number).
        self.given_ids = connection.vendor == "postgresql"
        if self.given_ids:
            fields.insert(0, model._meta.pk)
        audited = {
            name: (is_relation, is_date) for name, _a, is_relation, is_date in _audited(model)
        }
        now_db = _instant(now)
        self.template, self.factories, self.position, self.audited = [], [], {}, {}
        defaults = {}
        for index, field in enumerate(fields):
            kind = field.get_internal_type()
            if kind == "UUIDField":
                adapt = None if native_uuid else (lambda v: v.hex if v is not None else None)
            elif kind == "JSONField":
                adapt = lambda v, field=field: (  # noqa: E731
                    ops.adapt_json_value(v, field.encoder) if v is not None else None
                )
            elif kind == "DateField":
                adapt = ops.adapt_datefield_value
            elif kind == "DateTimeField":
                adapt = ops.adapt_datetimefield_value
            else:
                adapt = None
            self.position[field.name] = (index, field.is_relation, adapt)
            self.position[field.attname] = (index, False, adapt)
            if field.primary_key:
                self.template.append(None)
                continue
            if field.attname in ("created_at", "updated_at"):
                self.template.append(now_db)
                continue
            if field.default is uuid.uuid4:
                self.factories.append((index, _uuid4_hex, None))
                self.template.append(None)
                default = None  # a code: not audited
            elif field.has_default() and callable(field.default):
                self.factories.append((index, field.default, adapt))
                self.template.append(None)
                default = None  # a code: not audited
            else:
                default = field.get_default()
                self.template.append(adapt(default) if adapt and default is not None else default)
            if field.name in audited:
                self.audited[field.name] = audited[field.name]
                text = _text(default, *audited[field.name])
                if text is not None:
                    defaults[field.name] = [None, text]
        self.defaults = defaults
        self.columns = [field.column for field in fields]
        self.rows = []

    def add(self, values: dict) -> tuple[list, str]:
        row = self.template.copy()
        for index, factory, adapt in self.factories:
            row[index] = adapt(factory()) if adapt else factory()
        changes = self.defaults.copy()
        position, audited = self.position, self.audited
        for name, value in values.items():
            index, is_relation, adapt = position[name]
            if is_relation:
                row[index] = value.pk if value is not None else None
            else:
                row[index] = adapt(value) if adapt and value is not None else value
            if name in audited:
                text = _text(value, *audited[name])
                if text is None:
                    changes.pop(name, None)
                else:
                    changes[name] = [None, text]
        self.rows.append(row)
        # Sorted keys: the text record_change's sorted dict would give.
        return row, _dumps(changes)

    def insert(self) -> None:
        _insert(self.model._meta.db_table, self.columns, self.rows)
        self.rows = []


_dumps = json.JSONEncoder(sort_keys=True).encode


def _uuid4_hex() -> str:
    """`uuid.uuid4().hex` without the UUID object (two per imported row): 16 bytes from
    os.urandom with the version-4 and variant bits set. Both backends take the 32 hex digits."""
    data = bytearray(os.urandom(16))
    data[6] = data[6] & 0x0F | 0x40
    data[8] = data[8] & 0x3F | 0x80
    return data.hex()


def _instant(now):
    """The import's timestamp as the INSERT takes it: on PostgreSQL the ISO text, which COPY
    parses, instead of a datetime psycopg would format again for each of ~800k rows."""
    if connection.vendor == "postgresql":
        return now.isoformat()
    return connection.ops.adapt_datetimefield_value(now)


def _text(value, is_relation: bool, is_date: bool) -> str | None:
    """A value as `snapshot()` records it."""
    if is_relation:
        return str(value) if value is not None else None
    if value is None or value == "":
        return None
    if is_date:
        return value.isoformat()
    return str(value)


def _insert(table: str, columns: list[str], rows: list) -> None:
    """INSERT `rows` (values already adapted, JSON as text) into `table`: COPY on PostgreSQL,
    one executemany elsewhere. Django's psycopg cursor formats every row of an executemany
    into SQL text in Python (about 15 µs a row, as much as building it); COPY streams the
    rows in psycopg's C dumpers."""
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", rows)


AUDIT_COLUMNS = ["customer_id", "actor_id", "action", "object_type", "object_id", "object_repr", "changes", "source", "created_at"]  # fmt: skip
CHANGE_COLUMNS = ["batch_id", "action", "object_type", "object_id", "customer_id", "fields"]


def _jsonable(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


@functools.cache
def _plan_labels(language: str) -> dict[str, str]:
    return {value: str(label) for value, label in SubscriptionPlan.choices}


def _repr(instance) -> str:
    """str(instance)[:200]; a subscription's plan label is looked up once, not per row."""
    if isinstance(instance, Subscription):
        labels = _plan_labels(translation.get_language() or "")
        text = f"{labels.get(instance.plan, instance.plan)} ({instance.customer})"
    else:
        text = str(instance)
    return text[:200]


class _History:
    """Collects the audit entries and undo records of a batch, then writes them at once."""

    def __init__(self, batch: Import, actor, now):
        self.batch_id = batch.pk
        self.actor_id = actor.pk if actor is not None and actor.is_authenticated else None
        self.source = batch.source_label
        self.created_at = _instant(now)
        self.entries: list[tuple] = []
        self.changes: list[tuple] = []
        self.pending: list[str] = []  # creations' changes (JSON), in order, awaiting their ids

    def add_created(
        self, customer_ids: list[int], ids: list[int], label: str, reprs: list[str], *, tracked
    ) -> None:
        """Entries for the records `ids` just inserted, whose changes are the first of
        `pending`; with `tracked`, undo records too."""
        count = len(ids)
        changes, self.pending = self.pending[:count], self.pending[count:]
        create = AuditEntry.Action.CREATE.value
        actor_id, source, created_at = self.actor_id, self.source, self.created_at
        self.entries += [
            (customer_id, actor_id, create, label, pk, text, json_text, source, created_at)
            for customer_id, pk, text, json_text in zip(
                customer_ids, ids, reprs, changes, strict=True
            )
        ]
        if tracked:
            batch_id = self.batch_id
            self.changes += [
                (batch_id, "create", label, pk, customer_id, "{}")
                for customer_id, pk in zip(customer_ids, ids, strict=True)
            ]

    def created(self, customer_id: int, instance, *, tracked: bool) -> None:
        after = fast_snapshot(instance)
        changes = {name: [None, after[name]] for name in sorted(after) if after[name] is not None}
        label = instance._meta.label_lower
        self.entries.append(
            (
                customer_id,
                self.actor_id,
                AuditEntry.Action.CREATE.value,
                label,
                instance.pk,
                _repr(instance),
                _dumps(changes),
                self.source,
                self.created_at,
            )
        )
        if tracked:
            self.changes.append((self.batch_id, "create", label, instance.pk, customer_id, "{}"))

    def updated(self, customer_id: int, instance, before: dict, raw: dict) -> None:
        after = fast_snapshot(instance)
        changes = {
            name: [before.get(name), after.get(name)]
            for name in sorted(set(before) | set(after))
            if before.get(name) != after.get(name)
        }
        label = instance._meta.label_lower
        if changes:
            self.entries.append(
                (
                    customer_id,
                    self.actor_id,
                    AuditEntry.Action.UPDATE.value,
                    label,
                    instance.pk,
                    _repr(instance),
                    _dumps(changes),
                    self.source,
                    self.created_at,
                )
            )
        self.changes.append((self.batch_id, "update", label, instance.pk, customer_id, _dumps(raw)))

    def flush(self) -> None:
        _insert(AuditEntry._meta.db_table, AUDIT_COLUMNS, self.entries)
        _insert(ImportChange._meta.db_table, CHANGE_COLUMNS, self.changes)
        self.entries, self.changes = [], []


def _assign(instance, data: dict) -> dict:
    """Set `data` on `instance`; return {attname: [before, after]} of what really changed."""
    raw = {}
    for name, value in data.items():
        model_field = instance._meta.get_field(name)
        before = getattr(instance, model_field.attname)
        after = value.pk if model_field.is_relation and value is not None else value
        if before != after:
            raw[model_field.attname] = [_jsonable(before), _jsonable(after)]
            setattr(instance, name, value)
    return raw


def apply_plan(plan: Plan, batch: Import, *, actor, progress: Progress = _no_progress) -> list[int]:
    """Write `plan` (call inside one transaction.atomic(); `batch` is saved already).

    Returns the ids of the customers created or updated.
    """
    now = timezone.now()
    history = _History(batch, actor, now)
    tables = {model: _Rows(model, now) for model in (Customer, Contact, Store, Subscription)}
    total = len(plan.kept)
    done = 0
    touched: list[int] = []
    created_rows = [row for row in plan.kept if row.outcome == "created"]
    for rows in _chunks(created_rows, BATCH):
        touched += _create_customers(rows, batch, history, tables, now)
        done += len(rows)
        progress("write", done, total)
    updated_rows = [row for row in plan.kept if row.outcome == "updated"]
    for rows in _chunks(updated_rows, BATCH):
        touched += _update_customers(plan, rows, history, now)
        done += len(rows)
        progress("write", done, total)
    progress("write", total, total)
    return touched


def _create_customers(rows: list[Row], batch: Import, history: _History, tables, now) -> list[int]:
    customers = tables[Customer]
    names = []
    for row in rows:
        data = dict(row.customer)
        owner = data.get("owner") or batch.default_owner
        data["owner"] = owner
        data.setdefault("team", owner.team if owner is not None else None)
        data["extra"] = row.extra or None
        if row.code and _is_uuid(row.code):
            data["code"] = uuid.UUID(row.code)
        names.append(data["name"])
        history.pending.append(customers.add(data)[1])
    code_index = customers.position["code"][0]
    customer_ids = _insert_and_number(customers, "code", code_index)
    # Undo deletes the customer, which takes its contact, store and subscription along.
    history.add_created(customer_ids, customer_ids, customers.label, names, tracked=True)

    labels = _plan_labels(translation.get_language() or "")
    for model in (Contact, Store, Subscription):
        table = tables[model]
        owners, reprs = [], []
        for row, customer_id, name in zip(rows, customer_ids, names, strict=True):
            if model is Contact:
                if not row.contact:
                    continue
                values = contact_values(name, row)
                text = values["name"]
            elif model is Store:
                if not row.store:
                    continue
                url, domain, kind = row.store
                values = {"url": url, "domain": domain, "kind": kind}
                text = domain
            else:
                if not row.subscription.get("plan"):
                    continue
                values = subscription_values(row)
                text = f"{labels.get(values['plan'], values['plan'])} ({name})"
            values["customer_id"] = customer_id
            owners.append(customer_id)
            reprs.append(text[:200])
            history.pending.append(table.add(values)[1])
        if owners:
            # One of each per new customer: the customer id finds the new row's id.
            ids = _insert_and_number(table, "customer_id", table.position["customer_id"][0])
            history.add_created(owners, ids, table.label, reprs, tracked=False)
    history.flush()
    return customer_ids


def _insert_and_number(table: _Rows, key: str, key_index: int) -> list[int]:
    """INSERT the rows of `table`; return their new ids, in order.

    PostgreSQL: the ids are drawn from the table's sequence in one query and inserted with the
    rows. SQLite numbers the rows of one INSERT consecutively (one writer, inside our
    transaction), ending at last_insert_rowid(), which the first and last rows' keys confirm;
    if that check ever failed, the ids are read back by `key` (unique within the batch).
    """
    rows = table.rows
    quote = connection.ops.quote_name
    name = quote(table.model._meta.db_table)
    if table.given_ids:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [name, table.model._meta.pk.column, len(rows)],
            )
            ids = [pk for (pk,) in cursor.fetchall()]
        for row, pk in zip(rows, ids, strict=True):
            row[0] = pk
        table.insert()
        return ids
    keys = [row[key_index] for row in rows]
    table.insert()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT last_insert_rowid()")
            last = cursor.fetchone()[0]
            first = last - len(keys) + 1
            cursor.execute(
                f"SELECT id, {quote(key)} FROM {name} WHERE id IN (%s, %s)", [first, last]
            )
            if dict(cursor.fetchall()) == {first: keys[0], last: keys[-1]}:
                return list(range(first, last + 1))
    pairs = _select_pairs(table.model, key, "id", keys)
    return [pairs[value] for value in keys]


def _select_pairs(model, key: str, value: str, keys: list) -> dict:
    """{key: value} of the rows of `model` whose `key` column is in `keys` (adapted already)."""
    table = connection.ops.quote_name(model._meta.db_table)
    quote = connection.ops.quote_name
    pairs = {}
    with connection.cursor() as cursor:
        for chunk in _chunks(keys):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT {quote(key)}, {quote(value)} FROM {table} WHERE {quote(key)} IN ({marks})",
                chunk,
            )
            pairs.update(cursor.fetchall())
    return pairs


def contact_values(customer_name: str, row: Row, *, is_primary: bool = True) -> dict:
    """The field values of a new contact from `row` for a customer called `customer_name`."""
    data = dict(row.contact)
    data.setdefault("name", customer_name[:150])
    if data.get("phone") and not data.get("whatsapp"):
        # Indonesian mobile numbers are nearly always WhatsApp numbers too.
        data["whatsapp"] = data["phone"]
    if data.get("whatsapp") and not data.get("phone"):
        data["phone"] = data["whatsapp"]
    return {"is_primary": is_primary, **data}


def subscription_values(row: Row) -> dict:
    """The field values of a new subscription from `row`: a year from its start by default."""
    data = dict(row.subscription)
    started = data.get("started_on") or timezone.localdate()
    data["started_on"] = started
    if "renews_on" not in data:
        try:
            data["renews_on"] = started.replace(year=started.year + 1)
        except ValueError:  # 29 February
            data["renews_on"] = started.replace(year=started.year + 1, day=28)
    data.setdefault("monthly_price", 0)
    return data


def _update_customers(plan: Plan, rows: list[Row], history: _History, now) -> list[int]:
    changed_customers, changed_contacts, changed_subscriptions = [], [], []
    new_objects: list[Contact | Store | Subscription] = []
    domains = _existing_domains(plan)
    for row in rows:
        customer = plan.customers[row.matched_id]
        before = fast_snapshot(customer)
        data = dict(row.customer)
        if row.extra:
            merged = dict(customer.extra or {})
            merged.update(row.extra)
            data["extra"] = merged
        raw = _assign(customer, data)
        if raw:
            history.updated(customer.pk, customer, before, raw)
            changed_customers.append(customer)
        if row.contact:
            contact = _contact_for(plan, row)
            if contact is None:
                new_objects.append(Contact(customer=customer, **contact_values(customer.name, row)))
            else:
                before = fast_snapshot(contact)
                raw = _assign(contact, row.contact)
                if raw:
                    history.updated(customer.pk, contact, before, raw)
                    changed_contacts.append(contact)
        if row.store and row.store[1] not in domains:
            url, domain, kind = row.store
            new_objects.append(Store(customer=customer, url=url, domain=domain, kind=kind))
        if row.subscription:
            subscription = plan.subscriptions.get(customer.pk)
            if subscription is None:
                if row.subscription.get("plan"):
                    new_objects.append(Subscription(customer=customer, **subscription_values(row)))
            else:
                before = fast_snapshot(subscription)
                raw = _assign(subscription, row.subscription)
                if raw:
                    history.updated(customer.pk, subscription, before, raw)
                    changed_subscriptions.append(subscription)
    for customer in changed_customers:
        customer.updated_at = now
        # The optimistic lock: a form opened before the import will refuse to overwrite it.
        customer.version = F("version") + 1
    updates: list[tuple[type[models.Model], list, list[str]]] = [
        (Customer, changed_customers, [*CUSTOMER_FIELDS, "extra", "version"]),
        (Contact, changed_contacts, list(CONTACT_FIELDS)),
        (Subscription, changed_subscriptions, list(SUBSCRIPTION_FIELDS)),
    ]
    for model, objects, fields in updates:
        for obj in objects:
            obj.updated_at = now
        if objects:
            model._default_manager.bulk_update(objects, [*fields, "updated_at"], batch_size=BATCH)
    new_models: tuple[type[models.Model], ...] = (Contact, Store, Subscription)
    for new_model in new_models:
        created = [obj for obj in new_objects if isinstance(obj, new_model)]
        if created:
            new_model._default_manager.bulk_create(created, batch_size=BATCH)
            for new_obj in created:
                history.created(new_obj.customer.pk, new_obj, tracked=True)
    history.flush()
    return [row.matched_id for row in rows]
