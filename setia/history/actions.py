"""The one writer of a customer's history: audit entries and timeline events.

Nothing outside this module creates `AuditEntry` or `TimelineEvent` rows (a test reads every
app's source to keep it so). Each kind of write has a single-row and a bulk form:

- timeline events: `new_event` (unsaved, checked) → `record_event` (one) / `record_events`
  (many, a few INSERTs) / `record_events_unread` (many, by COPY, without their ids) /
  `record_events_select` (one INSERT … SELECT, for set-based writers
  over many customers) / `record_source_events` (one event per customer with history from a
  source);
- changes to a record: `snapshot` before, then `new_change` (unsaved) → `record_change` (one
  entry and its timeline event) / `record_changes` (many entries and their events, a few
  INSERTs).

None of these opens a transaction: callers write history inside their own, so a failure leaves
neither the record nor its history.
"""

import datetime
import json

from django.db import connection, models

from setia.history.models import AuditEntry, EventKind, TimelineEvent
from setia.lib.copy import copy_rows, insert_rows
from setia.lib.dates import now

# Fields a snapshot leaves out: identity, bookkeeping, the customer the entry is keyed by, and
# the sort keys a nightly job keeps on the customer row (`tier_rank`, `gmv_90d`), which no one
# edits.
SKIPPED_FIELDS = frozenset(
    {
        "id",
        "code",
        "created_at",
        "updated_at",
        "version",
        "customer",
        "deleted_by",
        "tier_rank",
        "gmv_90d",
    }
)

# The columns a SELECT given to `record_events_select` produces, in this order.
EVENT_COLUMNS = (
    "customer_id",
    "kind",
    "actor_id",
    "summary",
    "data",
    "occurred_at",
    "source_type",
    "source_id",
    "created_at",
    "updated_at",
)

BATCH_SIZE = 500


def _person(actor):
    """`actor` when it is a signed-in person; None (the system) otherwise."""
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _check_kind(kind: str) -> None:
    # A typo would hide events from the kind filter: refuse it.
    if kind not in EventKind.values:
        raise ValueError(f"unknown timeline event kind {kind!r}")


# Timeline events


def new_event(
    customer,
    kind: str,
    *,
    actor=None,
    summary: str = "",
    data: dict | None = None,
    occurred_at: datetime.datetime | None = None,
    source_object: models.Model | None = None,
) -> TimelineEvent:
    """A checked, unsaved event for `customer`'s timeline, to pass to `record_events`.

    `kind` is an `EventKind` value (ValueError otherwise). `customer` and `source_object` (the
    row the event is about, if any) must be saved (ValueError otherwise). `data` must be
    JSON-serialisable and hold choice values, not translated labels. `summary` is cut to 300
    characters; `occurred_at` defaults to now; an anonymous or missing `actor` is the system.
    """
    _check_kind(kind)
    if customer.pk is None:
        raise ValueError("a timeline event needs a saved customer")
    if source_object is not None and source_object.pk is None:
        raise ValueError("a timeline event needs a saved source_object")
    return TimelineEvent(
        customer=customer,
        kind=kind,
        actor=_person(actor),
        summary=(summary or "")[:300],
        data=data or {},
        occurred_at=occurred_at or now(),
        source_type=source_object._meta.label_lower if source_object is not None else "",
        source_id=str(source_object.pk) if source_object is not None else "",
    )


def record_event(customer, kind: str, **fields) -> TimelineEvent:
    """Put one event on `customer`'s timeline and return it (saved).

    Takes the arguments of `new_event`, with the same rules.
    """
    event = new_event(customer, kind, **fields)
    event.save()
    return event


def record_events(events: list[TimelineEvent]) -> list[TimelineEvent]:
    """Save events built by `new_event` in a few INSERTs and return them (with their ids on
    PostgreSQL and SQLite). For writers that put thousands of events at once (bulk sends, tasks
    created for many customers), which must not pay one query per event."""
    return TimelineEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)


def record_events_unread(events: list[TimelineEvent]) -> int:
    """Save events built by `new_event` whose ids nobody reads back; return how many. COPY on
    PostgreSQL, one compiled statement run for every event elsewhere (`setia.lib.copy`): for
    writers of hundreds of thousands of events (the demo data), where `record_events`' INSERTs
    are built value by value in Python."""
    insert_rows(TimelineEvent, events)
    return len(events)


def record_events_select(select: str, params: list | tuple | dict = ()) -> int:
    """Insert the rows of `select` as timeline events in one INSERT … SELECT; return how many.

    For set-based writers over many customers (triggers, tier assignment, import undo), which
    must not load every customer into Python. `select` is SQL producing exactly the columns of
    `EVENT_COLUMNS`, in that order: customer_id, kind (an `EventKind` value), actor_id (NULL for
    the system), summary (at most 300 characters), data (a JSON object: on PostgreSQL a jsonb
    value, on SQLite JSON text), occurred_at, source_type and source_id ('' when none),
    created_at, updated_at. Values go in `params` (`%s` placeholders, or `%(name)s` ones with a
    dict), never in the SQL text.
    Use `event_data_sql` to pass a fixed JSON object as a parameter.
    """
    columns = ", ".join(connection.ops.quote_name(column) for column in EVENT_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(TimelineEvent._meta.db_table)} "
            f"({columns}) {select}",
            params,
        )
        return cursor.rowcount


def event_data_sql() -> str:
    """The SQL placeholder for a `data` value given as JSON text in the parameters of
    `record_events_select`, cast to the column's type on PostgreSQL."""
    return "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"


def record_source_events(
    *,
    source: str,
    kind: str,
    summary: str,
    actor=None,
    source_object: models.Model,
    data: dict | None = None,
) -> int:
    """Put one `kind` event on the timeline of every customer with history from `source` (an
    import's `import:<code>`), pointing at `source_object`; return how many were written.

    One INSERT … SELECT over the audit entries (indexed by source), no loop over customers:
    an import touches thousands. The event's data is `data` (its parameters, see
    `setia.history.messages`) and `{"source": source}`.
    """
    _check_kind(kind)
    moment = now()
    actor = _person(actor)
    audit = connection.ops.quote_name(AuditEntry._meta.db_table)
    return record_events_select(
        f"SELECT customer_id, %s, %s, %s, {event_data_sql()}, %s, %s, %s, %s, %s "
        f"FROM {audit} WHERE source = %s GROUP BY customer_id",
        [
            kind,
            actor.pk if actor is not None else None,
            summary[:300],
            json.dumps({**(data or {}), "source": source}),
            moment,
            source_object._meta.label_lower,
            str(source_object.pk),
            moment,
            moment,
            source,
        ],
    )


# Changes to records


def snapshot(instance: models.Model) -> dict[str, str | None]:
    """The audited fields of `instance` as text, the form kept in the history: take one before
    changing a record and pass it to `record_change` as `before`."""
    values: dict[str, str | None] = {}
    for name, attname, is_relation in _audited_fields(type(instance)):
        if is_relation:
            related = getattr(instance, name)
            values[name] = str(related) if related is not None else None
            continue
        value = getattr(instance, attname)
        if value is None or value == "":
            values[name] = None
        elif isinstance(value, datetime.date):  # datetimes are dates too
            values[name] = value.isoformat()
        else:
            values[name] = str(value)
    return values


_AUDITED_FIELDS: dict[type, list[tuple[str, str, bool]]] = {}


def _audited_fields(model: type[models.Model]) -> list[tuple[str, str, bool]]:
    """(name, attname, is_relation) of the fields `snapshot` keeps, worked out once per model:
    an import takes a snapshot of every record it writes."""
    fields = _AUDITED_FIELDS.get(model)
    if fields is None:
        # A relation through a stable code (a subscription's plan) keeps the code, which
        # `AuditEntry.change_rows` names in the reader's language; other relations keep the
        # related row's text.
        fields = _AUDITED_FIELDS[model] = [
            (field.name, field.attname, bool(field.is_relation) and not _by_code(field))
            for field in model._meta.concrete_fields
            if field.name not in SKIPPED_FIELDS
        ]
    return fields


def _by_code(field) -> bool:
    """Whether `field` points at its related row through a field other than the primary key."""
    return bool(field.is_relation and field.to_fields and field.to_fields[0] not in (None, "id"))


def new_change(
    *,
    customer,
    actor,
    action: str,
    instance: models.Model,
    before: dict | None = None,
    source: str = "web",
    changes: dict | None = None,
    before_record: models.Model | None = None,
) -> AuditEntry | None:
    """The unsaved audit entry for `action` (an `AuditEntry.Action`) on `instance`, a record of
    `customer`; None when an update changed nothing. Pass entries to `record_changes`.

    `before` is the `snapshot()` taken before the change (None on create); the entry keeps the
    fields that differ as `{field: [before, after]}`. `source` says where the change came from
    ("web", "import:<code>", "merge", ...); an anonymous or missing `actor` is the system.
    `changes` given as `{field: [before, after]}` replaces the comparison of snapshots, for a
    change a snapshot does not show (a record moved to another customer). `before_record`, the
    record as it was (the one `before` was taken of), lets the timeline name what it pointed at
    in Indonesian too.
    """
    if changes is None:
        writes = (AuditEntry.Action.CREATE, AuditEntry.Action.UPDATE)
        after = snapshot(instance) if action in writes else {}
        before = before or {}
        changes = {
            name: [before.get(name), after.get(name)]
            for name in sorted(set(before) | set(after))
            if before.get(name) != after.get(name)
        }
    if action == AuditEntry.Action.UPDATE and not changes:
        return None
    entry = AuditEntry(
        customer=customer,
        actor=_person(actor),
        action=action,
        object_type=instance._meta.label_lower,
        object_id=instance.pk,
        object_repr=str(instance)[:200],
        changes=changes,
        source=source,
    )
    entry.names = _indonesian_names(instance, changes)
    if before_record is not None:
        entry.names.update(_indonesian_names(before_record, changes))
    return entry


def _indonesian_names(instance: models.Model, changes: dict) -> dict[str, str]:
    """{stored text: Indonesian name} of the records a change points at that are named in both
    languages (`name` and `name_id`, as a category): the history keeps the English text
    (`str()`), the timeline shows the Indonesian one to an Indonesian reader."""
    names = {}
    for name, _attname, is_relation in _audited_fields(type(instance)):
        if not is_relation or name not in changes:
            continue
        # Only a record already loaded (by the snapshot): never a query per entry.
        field = instance._meta.get_field(name)
        if not isinstance(field, models.ForeignObject) or not field.is_cached(instance):
            continue
        related = getattr(instance, name)
        translated = getattr(related, "name_id", "") if related is not None else ""
        if isinstance(translated, str) and translated and translated != str(related):
            names[str(related)] = translated
    return names


def record_change(
    *,
    customer,
    actor,
    action: str,
    instance: models.Model,
    before: dict | None = None,
    source: str = "web",
    changes: dict | None = None,
    on_timeline: bool = True,
    before_record: models.Model | None = None,
) -> AuditEntry | None:
    """Write the audit entry `new_change` builds, and its `change` event on the customer's
    timeline; return the entry, or None (and write nothing) when an update changed nothing.
    `on_timeline=False` writes the entry alone, for records whose steps already have their own
    timeline events (a task, an offer)."""
    entry = new_change(
        customer=customer,
        actor=actor,
        action=action,
        instance=instance,
        before=before,
        source=source,
        changes=changes,
        before_record=before_record,
    )
    if entry is not None:
        entry.save()
        if on_timeline:
            change_event(entry).save()
    return entry


def record_changes(entries: list[AuditEntry], *, on_timeline: bool = True) -> list[AuditEntry]:
    """Save audit entries built by `new_change` and, unless `on_timeline` is False, their
    `change` timeline events, in a few INSERTs; return the entries, saved. For writers that
    record thousands of changes at once.

    Entries are dated now (the database's `auto_now_add`), like `record_change`'s. With
    `on_timeline=False` the caller puts one summary event per customer instead, with
    `record_source_events` (an import and its undo: one event per customer, not one per field
    of every record); nothing then refers to the entries' ids, so on PostgreSQL they are
    written by COPY (`setia.lib.copy.copy_rows`) and come back without them.
    """
    if not on_timeline and connection.vendor == "postgresql":
        copy_rows(AuditEntry, entries)
        return entries
    saved = AuditEntry.objects.bulk_create(entries, batch_size=BATCH_SIZE)
    if on_timeline:
        record_events([change_event(entry) for entry in saved])
    return saved


def change_event(entry: AuditEntry) -> TimelineEvent:
    """The unsaved `change` timeline event of a saved audit entry: what the timeline keeps
    about it (action, object type, changes, source), dated like the entry."""
    return TimelineEvent(
        customer_id=entry.customer_id,
        kind=EventKind.CHANGE,
        actor_id=entry.actor_id,
        summary=entry.object_repr[:300],
        data=change_event_data(entry),
        occurred_at=entry.created_at,
        source_type=AuditEntry._meta.label_lower,
        source_id=str(entry.pk),
    )


def change_event_data(entry: AuditEntry) -> dict:
    """What the timeline keeps about an audit entry: with the Indonesian names of the records
    it points at, when `new_change` found some (an entry read back from the database has
    none: its records show as stored)."""
    data = {
        "action": entry.action,
        "object_type": entry.object_type,
        "changes": entry.changes,
        "source": entry.source,
    }
    if names := getattr(entry, "names", None):
        data["names"] = names
    return data
