"""The import engine behind the command and the wizard.

Three stages, each set-based:

1. `plan_import` reads every row, normalises its cells, collapses duplicates inside the file and
   finds the existing customers the rows match (normalised phone or WhatsApp, e-mail, store
   domain, customer code; a row with none of these by its exact brand name), looking them up in
   chunks — never one query per row. It decides, for every row, created / updated / unchanged /
   duplicate / rejected, and writes nothing: a dry run is this stage alone.
2. `apply_plan` writes the plan with bulk_create / bulk_update in batches, with one audit entry
   per record created or changed (source `import:<code>`) and one ImportChange per record for
   undo. The caller runs it inside one transaction.
3. `undo_import` (actions.py) reverts exactly what ImportChange recorded.

The counts always add up: rows = created + updated + unchanged + duplicates + rejected.
"""

import csv
import datetime
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from setia.accounts.models import Team, User
from setia.audit.actions import build_change, snapshot
from setia.audit.models import AuditEntry
from setia.customers.models import Category, Contact, Customer, Store, Subscription
from setia.imports import values
from setia.imports.mapping import EXTRA, FIELDS
from setia.imports.models import Import, ImportChange
from setia.imports.reading import Table

CHUNK = 500  # keys per IN (...) lookup: under SQLite's bound-parameter limit, cheap on PostgreSQL
BATCH = 500  # rows per INSERT/UPDATE statement

Progress = Callable[[str, int, int], None]

CUSTOMER_FIELDS = ("name", "category", "status", "city", "province", "owner", "team", "notes")
CONTACT_FIELDS = ("name", "position", "phone", "whatsapp", "email")
SUBSCRIPTION_FIELDS = ("plan", "monthly_price", "renews_on", "started_on")


def _no_progress(phase: str, done: int, total: int) -> None:
    pass


@dataclass
class Row:
    number: int  # row number in the spreadsheet (the header is row 1)
    cells: list[str]
    customer: dict = field(default_factory=dict)  # model field → value (objects for FKs)
    contact: dict = field(default_factory=dict)
    store: tuple[str, str, str] | None = None  # (url, domain, kind)
    subscription: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)
    code: str = ""
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, reason)
    match_id: int | None = None
    outcome: str = ""  # created / updated / unchanged / duplicate / rejected

    def keys(self) -> list[tuple[str, str]]:
        keys = []
        if self.code:
            keys.append(("code", self.code))
        for name in ("phone", "whatsapp"):
            if value := self.contact.get(name):
                keys.append(("phone", value))
        if email := self.contact.get("email"):
            keys.append(("email", email))
        if self.store:
            keys.append(("domain", self.store[1]))
        return keys

    def absorb(self, other: "Row") -> None:
        """Fill this row's blanks from a duplicate of it further down the file."""
        for mine, theirs in (
            (self.customer, other.customer),
            (self.contact, other.contact),
            (self.subscription, other.subscription),
            (self.extra, other.extra),
        ):
            for name, value in theirs.items():
                mine.setdefault(name, value)
        if self.store is None:
            self.store = other.store
        if not self.code:
            self.code = other.code


@dataclass
class Plan:
    header: list[str]
    mapping: dict[str, str]
    rows: list[Row]
    kept: list[Row]  # rows that create or update a customer, or leave it unchanged
    counts: dict[str, int]
    customers: dict[int, Customer] = field(default_factory=dict)  # matched, by pk
    contacts: dict[int, list[Contact]] = field(default_factory=dict)  # by customer pk
    subscriptions: dict[int, Subscription] = field(default_factory=dict)
    editable: set[int] | None = None  # matched customers the actor may change (None: all)
    domains: set[str] | None = None  # existing store domains named by matched rows

    def summary(self) -> str:
        c = self.counts
        return (
            f"rows={c['rows']} created={c['created']} updated={c['updated']} "
            f"unchanged={c['unchanged']} duplicates={c['duplicates']} rejected={c['rejected']}"
        )

    @property
    def rejected_rows(self) -> list[Row]:
        return [row for row in self.rows if row.outcome == "rejected"]


class Context:
    """What row parsing needs from the database, loaded once: categories, people, teams, and
    the acting user's scope."""

    def __init__(self, *, actor: User | None, default_owner: User | None):
        self.actor = actor
        self.categories = values.Categories(list(Category.objects.filter(is_active=True)))
        users = list(User.objects.filter(is_active=True).select_related("team"))
        self.users_by_email = {user.email.lower(): user for user in users}
        self.users_by_name = {" ".join(user.full_name.lower().split()): user for user in users}
        self.teams = {team.name.lower(): team for team in Team.objects.all()}
        # Executives import for their own team only (managers and admins for everyone).
        self.limited = actor is not None and not actor.has_perm("customers.view_all_customers")
        if self.limited:
            self.allowed_owner_ids = {
                user.pk
                for user in users
                if user.pk == actor.pk or (actor.team_id and user.team_id == actor.team_id)
            }
        self.default_owner = default_owner or (actor if self.limited else None)

    def owner(self, value: str) -> User:
        text = " ".join(value.lower().split())
        user = self.users_by_email.get(text) or self.users_by_name.get(text)
        if user is None:
            raise values.CellError(_("No active user has the e-mail %(value)s.") % {"value": value})
        if self.limited and user.pk not in self.allowed_owner_ids:
            raise values.CellError(
                _("%(value)s is not in your team; you can import customers for your team only.")
                % {"value": value}
            )
        return user

    def team(self, value: str) -> Team:
        team = self.teams.get(" ".join(value.lower().split()))
        if team is None:
            raise values.CellError(_("There is no team called %(value)s.") % {"value": value})
        if self.limited and team.pk != self.actor.team_id:
            raise values.CellError(
                _("%(value)s is not your team; you can import customers for your team only.")
                % {"value": value}
            )
        return team


def _parse_row(number: int, cells: list[str], columns: list[tuple[int, str, str]], ctx) -> Row:
    row = Row(number=number, cells=cells)
    first_name = last_name = ""
    for index, header, key in columns:
        raw = cells[index] if index < len(cells) else ""
        value = values.unneutralise(raw)
        if not value:
            continue
        try:
            if key == EXTRA:
                row.extra[header or f"#{index + 1}"] = value
            elif key == "code":
                row.code = value.lower()
            elif key == "name":
                row.customer["name"] = values.clean_text(value, max_length=200)
            elif key == "category":
                row.customer["category"] = ctx.categories.clean(value)
            elif key == "status":
                row.customer["status"] = values.clean_status(value)
            elif key == "city":
                row.customer["city"] = values.clean_city(value)
            elif key == "province":
                row.customer["province"] = values.clean_province(value)
            elif key == "account_owner":
                row.customer["owner"] = ctx.owner(value)
            elif key == "team":
                row.customer["team"] = ctx.team(value)
            elif key == "notes":
                row.customer["notes"] = value.strip()
            elif key == "contact_name":
                row.contact["name"] = values.clean_text(value, max_length=150)
            elif key == "contact_first_name":
                first_name = value
            elif key == "contact_last_name":
                last_name = value
            elif key == "position":
                row.contact["position"] = values.clean_text(value, max_length=100)
            elif key in ("phone", "whatsapp"):
                row.contact[key] = values.clean_phone(value)
            elif key == "email":
                row.contact["email"] = values.clean_email(value)
            elif key == "store_url":
                row.store = values.clean_store_url(value)
            elif key == "plan":
                row.subscription["plan"] = values.clean_plan(value)
            elif key == "monthly_price":
                row.subscription["monthly_price"] = values.clean_amount(value)
            elif key in ("renews_on", "started_on"):
                row.subscription[key] = values.clean_date(value)
        except values.CellError as error:
            row.errors.append((header, str(error.message)))
    if (first_name or last_name) and "name" not in row.contact:
        try:
            row.contact["name"] = values.clean_text(f"{first_name} {last_name}", max_length=150)
        except values.CellError as error:
            row.errors.append((_("Contact name"), str(error.message)))
    started, renews = row.subscription.get("started_on"), row.subscription.get("renews_on")
    if started and renews and renews < started:
        row.errors.append(
            (_("Renewal date"), _("The renewal date cannot be before the start date."))
        )
    return row


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _columns(table: Table, mapping: dict[str, str]) -> list[tuple[int, str, str]]:
    """(index, header, field key) of the columns read: all but the ignored ones."""
    columns = [
        (index, header, mapping.get(header, EXTRA)) for index, header in enumerate(table.header)
    ]
    return [(i, h, k) for i, h, k in columns if k == EXTRA or k in FIELDS]


def preview_rows(table: Table, mapping: dict[str, str], *, actor: User | None) -> list[Row]:
    """The rows of `table` parsed as the import will read them, with their cell errors; no
    matching against existing customers (that is the dry run's work)."""
    ctx = Context(actor=actor, default_owner=None)
    columns = _columns(table, mapping)
    return [_parse_row(number, cells, columns, ctx) for number, cells in table.rows]


def plan_import(
    table: Table,
    mapping: dict[str, str],
    *,
    actor: User | None = None,
    default_owner: User | None = None,
    progress: Progress = _no_progress,
) -> Plan:
    """Decide what importing `table` with `mapping` would do, without writing anything."""
    ctx = Context(actor=actor, default_owner=default_owner)
    columns = _columns(table, mapping)
    total = len(table.rows)
    rows = []
    for done, (number, cells) in enumerate(table.rows, start=1):
        rows.append(_parse_row(number, cells, columns, ctx))
        if done % 1000 == 0:
            progress("read", done, total)
    progress("read", total, total)

    valid = []
    for row in rows:
        if row.errors:
            row.outcome = "rejected"
        elif not (row.keys() or row.customer.get("name")):
            row.errors.append(("", _("The row has no brand name, phone, e-mail or store URL.")))
            row.outcome = "rejected"
        else:
            valid.append(row)

    kept = _collapse(valid, key_of=lambda row: row.keys() or [("name", row.customer["name"])])
    _match_existing(kept)
    # Two rows with different keys may still be the same existing customer.
    by_customer: dict[int, Row] = {}
    unique = []
    for row in kept:
        if row.outcome:
            continue
        if row.match_id is not None:
            first = by_customer.get(row.match_id)
            if first is not None:
                first.absorb(row)
                row.outcome = "duplicate"
                continue
            by_customer[row.match_id] = row
        unique.append(row)
    progress("match", total, total)

    plan = Plan(header=table.header, mapping=mapping, rows=rows, kept=[], counts={})
    _load_matched(plan, [row.match_id for row in unique if row.match_id is not None], ctx)
    for row in unique:
        _decide(plan, row, ctx)
    plan.kept = [row for row in unique if row.outcome in ("created", "updated", "unchanged")]
    counts = dict.fromkeys(("created", "updated", "unchanged", "duplicates", "rejected"), 0)
    for row in rows:
        counts["duplicates" if row.outcome == "duplicate" else row.outcome] += 1
    plan.counts = {"rows": len(rows), **counts}
    assert sum(counts.values()) == len(rows), plan.counts
    progress("plan", total, total)
    return plan


def _collapse(rows: list[Row], *, key_of) -> list[Row]:
    """Keep the first row of each group sharing any key; later ones are absorbed into it."""
    owner_of: dict[tuple[str, str], Row] = {}
    kept = []
    for row in rows:
        keys = key_of(row)
        first = next((owner_of[key] for key in keys if key in owner_of), None)
        if first is None:
            kept.append(row)
            first = row
        else:
            first.absorb(row)
            row.outcome = "duplicate"
        for key in keys:
            owner_of.setdefault(key, first)
    return kept


def _match_existing(rows: list[Row]) -> None:
    """Set `match_id` from existing records, by chunks of keys; reject ambiguous rows."""
    wanted: dict[str, set[str]] = {"code": set(), "phone": set(), "email": set(), "domain": set()}
    names: set[str] = set()
    for row in rows:
        keys = row.keys()
        for kind, value in keys:
            wanted[kind].add(value)
        if not keys:
            names.add(row.customer["name"])
    found: dict[tuple[str, str], set[int]] = {}

    def add(kind, value, customer_id):
        found.setdefault((kind, value), set()).add(customer_id)

    for chunk in _chunks(sorted(wanted["code"])):
        valid = [code for code in chunk if _is_uuid(code)]
        for code, pk in Customer.objects.filter(code__in=valid).values_list("code", "pk"):
            add("code", str(code), pk)
    for chunk in _chunks(sorted(wanted["phone"])):
        for phone, customer_id in Contact.objects.filter(phone__in=chunk).values_list(
            "phone", "customer_id"
        ):
            add("phone", phone, customer_id)
        for whatsapp, customer_id in Contact.objects.filter(whatsapp__in=chunk).values_list(
            "whatsapp", "customer_id"
        ):
            add("phone", whatsapp, customer_id)
    for chunk in _chunks(sorted(wanted["email"])):
        for email, customer_id in Contact.objects.filter(email__in=chunk).values_list(
            "email", "customer_id"
        ):
            add("email", email, customer_id)
    for chunk in _chunks(sorted(wanted["domain"])):
        for domain, customer_id in Store.objects.filter(domain__in=chunk).values_list(
            "domain", "customer_id"
        ):
            add("domain", domain, customer_id)
    for chunk in _chunks(sorted(names)):
        for name, pk in Customer.objects.filter(name__in=chunk).values_list("name", "pk"):
            add("name", name, pk)

    for row in rows:
        keys = row.keys() or [("name", row.customer["name"])]
        matches = set()
        for key in keys:
            matches |= found.get(key, set())
        if len(matches) > 1:
            row.errors.append(
                (
                    "",
                    _(
                        "The phone, e-mail or store URL of this row belong to %(count)s different "
                        "customers; merge them first or correct the row."
                    )
                    % {"count": len(matches)},
                )
            )
            row.outcome = "rejected"
        elif matches:
            row.match_id = matches.pop()


def _is_uuid(text: str) -> bool:
    import uuid

    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _load_matched(plan: Plan, ids: list[int], ctx: Context) -> None:
    editable = None
    if ctx.actor is not None:
        editable = set()
    for chunk in _chunks(sorted(ids)):
        customers = Customer.objects.filter(pk__in=chunk).select_related(
            "category", "owner", "team"
        )
        for customer in customers:
            plan.customers[customer.pk] = customer
        for contact in Contact.objects.filter(customer_id__in=chunk).order_by("-is_primary", "id"):
            plan.contacts.setdefault(contact.customer_id, []).append(contact)
        for subscription in Subscription.objects.filter(customer_id__in=chunk):
            plan.subscriptions[subscription.customer_id] = subscription
        if editable is not None:
            editable.update(
                Customer.objects.editable_by(ctx.actor)
                .filter(pk__in=chunk)
                .values_list("pk", flat=True)
            )
    plan.editable = editable


def _reject(row: Row, reason: str) -> None:
    row.errors.append(("", reason))
    row.outcome = "rejected"


def _decide(plan: Plan, row: Row, ctx: Context) -> None:
    """created / updated / unchanged for a row that survived collapsing and matching."""
    if row.match_id is None:
        if not row.customer.get("name"):
            _reject(row, _("A new customer needs a brand name."))
        elif not row.customer.get("category"):
            _reject(row, _("A new customer needs a category."))
        else:
            row.outcome = "created"
        return
    customer = plan.customers[row.match_id]
    if customer.deleted_at is not None:
        _reject(
            row,
            _("This row matches the deleted customer %(name)s; restore it first.")
            % {"name": customer.name},
        )
        return
    if plan.editable is not None and customer.pk not in plan.editable:
        _reject(row, _("This row matches a customer you may not change."))
        return
    row.outcome = "updated" if _changes(plan, row) else "unchanged"


def _contact_for(plan: Plan, row: Row) -> Contact | None:
    contacts = plan.contacts.get(row.match_id, [])
    for contact in contacts:
        for name in ("phone", "whatsapp"):
            value = row.contact.get(name)
            if value and value in (contact.phone, contact.whatsapp):
                return contact
        if row.contact.get("email") and row.contact["email"] == contact.email:
            return contact
    return contacts[0] if contacts else None


def _changes(plan: Plan, row: Row) -> bool:
    """Whether applying `row` to its matched customer changes anything (filled cells only:
    an empty cell never blanks a stored value)."""
    customer = plan.customers[row.match_id]
    for name, value in row.customer.items():
        if getattr(customer, name) != value:
            return True
    if row.extra and any((customer.extra or {}).get(k) != v for k, v in row.extra.items()):
        return True
    contact = _contact_for(plan, row)
    if row.contact:
        if contact is None:
            return True
        if any(getattr(contact, name) != value for name, value in row.contact.items()):
            return True
    if row.store and row.store[1] not in _existing_domains(plan):
        return True
    subscription = plan.subscriptions.get(row.match_id)
    if row.subscription:
        if subscription is None:
            return bool(row.subscription.get("plan"))
        if any(getattr(subscription, name) != value for name, value in row.subscription.items()):
            return True
    return False


def _existing_domains(plan: Plan) -> set[str]:
    if plan.domains is None:
        domains = {row.store[1] for row in plan.rows if row.store and row.match_id}
        existing: set[str] = set()
        for chunk in _chunks(sorted(domains)):
            existing.update(Store.objects.filter(domain__in=chunk).values_list("domain", flat=True))
        plan.domains = existing
    return plan.domains


# --- writing ---------------------------------------------------------------------------------


def _json(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


class _Writer:
    def __init__(self, batch: Import, actor):
        self.batch = batch
        self.actor = actor
        self.source = batch.source_label
        self.entries: list[AuditEntry] = []
        self.changes: list[ImportChange] = []

    def created(self, customer: Customer, instance, *, track: bool) -> None:
        entry = build_change(
            customer=customer,
            actor=self.actor,
            action="create",
            instance=instance,
            source=self.source,
        )
        self.entries.append(entry)
        if track:
            self.changes.append(
                ImportChange(
                    batch=self.batch,
                    action=ImportChange.Action.CREATE,
                    object_type=instance._meta.label_lower,
                    object_id=instance.pk,
                    customer_id=customer.pk,
                )
            )

    def updated(self, customer: Customer, instance, before: dict, raw: dict) -> None:
        entry = build_change(
            customer=customer,
            actor=self.actor,
            action="update",
            instance=instance,
            before=before,
            source=self.source,
        )
        if entry is not None:
            self.entries.append(entry)
        self.changes.append(
            ImportChange(
                batch=self.batch,
                action=ImportChange.Action.UPDATE,
                object_type=instance._meta.label_lower,
                object_id=instance.pk,
                customer_id=customer.pk,
                fields=raw,
            )
        )

    def flush(self) -> None:
        AuditEntry.objects.bulk_create(self.entries, batch_size=BATCH)
        ImportChange.objects.bulk_create(self.changes, batch_size=BATCH)
        self.entries, self.changes = [], []


def _assign(instance, data: dict) -> dict:
    """Set `data` on `instance`; return {attname: [before, after]} of what really changed."""
    raw = {}
    for name, value in data.items():
        model_field = instance._meta.get_field(name)
        before = getattr(instance, model_field.attname)
        after = value.pk if model_field.is_relation and value is not None else value
        if before != after:
            raw[model_field.attname] = [_json(before), _json(after)]
            setattr(instance, name, value)
    return raw


def apply_plan(plan: Plan, batch: Import, *, actor, progress: Progress = _no_progress) -> None:
    """Write `plan`. Call inside one transaction.atomic(); `batch` is saved already."""
    now = timezone.now()
    writer = _Writer(batch, actor)
    total = len(plan.kept)
    done = 0
    created_rows = [row for row in plan.kept if row.outcome == "created"]
    for rows in _chunks(created_rows, BATCH):
        _create_customers(rows, batch, writer)
        done += len(rows)
        progress("write", done, total)
    updated_rows = [row for row in plan.kept if row.outcome == "updated"]
    for rows in _chunks(updated_rows, BATCH):
        _update_customers(plan, rows, writer, now)
        done += len(rows)
        progress("write", done, total)
    progress("write", total, total)


def _create_customers(rows: list[Row], batch: Import, writer: _Writer) -> None:
    customers = []
    for row in rows:
        data = dict(row.customer)
        owner = data.get("owner") or batch.default_owner
        data["owner"] = owner
        data.setdefault("team", owner.team if owner is not None else None)
        customer = Customer(**data, extra=row.extra or None)
        if row.code and _is_uuid(row.code):
            customer.code = row.code
        customers.append(customer)
    Customer.objects.bulk_create(customers, batch_size=BATCH)
    contacts, stores, subscriptions = [], [], []
    for row, customer in zip(rows, customers, strict=True):
        writer.created(customer, customer, track=True)
        if row.contact:
            contact = _new_contact(customer, row)
            contacts.append((customer, contact))
        if row.store:
            url, domain, kind = row.store
            stores.append((customer, Store(customer=customer, url=url, domain=domain, kind=kind)))
        if row.subscription.get("plan"):
            subscriptions.append((customer, _new_subscription(customer, row)))
    for objects in (contacts, stores, subscriptions):
        if objects:
            type(objects[0][1]).objects.bulk_create([obj for _c, obj in objects], batch_size=BATCH)
            for customer, obj in objects:
                # Deleting the customer on undo takes these with it: no ImportChange needed.
                writer.created(customer, obj, track=False)
    writer.flush()


def _new_contact(customer: Customer, row: Row, *, is_primary: bool = True) -> Contact:
    data = dict(row.contact)
    data.setdefault("name", customer.name[:150])
    if data.get("phone") and not data.get("whatsapp"):
        # Indonesian mobile numbers are nearly always WhatsApp numbers too.
        data["whatsapp"] = data["phone"]
    if data.get("whatsapp") and not data.get("phone"):
        data["phone"] = data["whatsapp"]
    return Contact(customer=customer, is_primary=is_primary, **data)


def _new_subscription(customer: Customer, row: Row) -> Subscription:
    data = dict(row.subscription)
    started = data.get("started_on") or timezone.localdate()
    data["started_on"] = started
    if "renews_on" not in data:
        try:
            data["renews_on"] = started.replace(year=started.year + 1)
        except ValueError:  # 29 February
            data["renews_on"] = started.replace(year=started.year + 1, day=28)
    data.setdefault("monthly_price", 0)
    return Subscription(customer=customer, **data)


def _update_customers(plan: Plan, rows: list[Row], writer: _Writer, now) -> None:
    changed_customers, changed_contacts, changed_subscriptions = [], [], []
    new_contacts, new_stores, new_subscriptions = [], [], []
    domains = _existing_domains(plan)
    for row in rows:
        customer = plan.customers[row.match_id]
        before = snapshot(customer)
        data = dict(row.customer)
        if row.extra:
            merged = dict(customer.extra or {})
            merged.update(row.extra)
            data["extra"] = merged
        raw = _assign(customer, data)
        if raw:
            writer.updated(customer, customer, before, raw)
            changed_customers.append(customer)
        if row.contact:
            contact = _contact_for(plan, row)
            if contact is None:
                contact = _new_contact(customer, row, is_primary=True)
                new_contacts.append((customer, contact))
            else:
                before = snapshot(contact)
                raw = _assign(contact, row.contact)
                if raw:
                    writer.updated(customer, contact, before, raw)
                    changed_contacts.append(contact)
        if row.store and row.store[1] not in domains:
            url, domain, kind = row.store
            new_stores.append(
                (customer, Store(customer=customer, url=url, domain=domain, kind=kind))
            )
        if row.subscription:
            subscription = plan.subscriptions.get(customer.pk)
            if subscription is None:
                if row.subscription.get("plan"):
                    new_subscriptions.append((customer, _new_subscription(customer, row)))
            else:
                before = snapshot(subscription)
                raw = _assign(subscription, row.subscription)
                if raw:
                    writer.updated(customer, subscription, before, raw)
                    changed_subscriptions.append(subscription)
    for customer in changed_customers:
        customer.updated_at = now
        # The optimistic lock: a form opened before the import will refuse to overwrite it.
        customer.version = F("version") + 1
    if changed_customers:
        Customer.objects.bulk_update(
            changed_customers,
            [*CUSTOMER_FIELDS, "extra", "updated_at", "version"],
            batch_size=BATCH,
        )
    for contact in changed_contacts:
        contact.updated_at = now
    if changed_contacts:
        Contact.objects.bulk_update(
            changed_contacts, [*CONTACT_FIELDS, "updated_at"], batch_size=BATCH
        )
    for subscription in changed_subscriptions:
        subscription.updated_at = now
    if changed_subscriptions:
        Subscription.objects.bulk_update(
            changed_subscriptions, [*SUBSCRIPTION_FIELDS, "updated_at"], batch_size=BATCH
        )
    for objects in (new_contacts, new_stores, new_subscriptions):
        if objects:
            type(objects[0][1]).objects.bulk_create([obj for _c, obj in objects], batch_size=BATCH)
            for customer, obj in objects:
                writer.created(customer, obj, track=True)
    writer.flush()


# --- the error file --------------------------------------------------------------------------


def error_file(plan: Plan) -> bytes:
    """A CSV (UTF-8 with BOM, for Excel) of the rejected rows: their original cells, then the
    row number, column and reason in the user's language. One line per reason."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([*plan.header, _("Row"), _("Column"), _("Reason")])
    width = len(plan.header)
    for row in plan.rejected_rows:
        # Neutralised like an export, so that opening the file runs no formula; re-importing
        # the corrected file strips the `'` again.
        cells = [_neutralise(cell) for cell in (row.cells + [""] * width)[:width]]
        for column, reason in row.errors:
            writer.writerow([*cells, row.number, column, reason])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _neutralise(cell: str) -> str:
    return f"'{cell}" if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell
