"""Recording changes. Every action that writes a customer-facing record calls `record_change`."""

import datetime

from django.db import models

from setia.audit.models import AuditEntry
from setia.engagement.actions import record_event

_SKIPPED = {"id", "code", "created_at", "updated_at", "version", "customer", "deleted_by"}


def snapshot(instance: models.Model) -> dict[str, str | None]:
    """Return the audited fields of `instance` as text, the form kept in the history."""
    values = {}
    for field in instance._meta.concrete_fields:
        if field.name in _SKIPPED:
            continue
        if field.is_relation:
            related = getattr(instance, field.name)
            values[field.name] = str(related) if related is not None else None
            continue
        value = getattr(instance, field.attname)
        if value is None or value == "":
            values[field.name] = None
        elif isinstance(value, datetime.datetime | datetime.date):
            values[field.name] = value.isoformat()
        else:
            values[field.name] = str(value)
    return values


def record_change(
    *,
    customer,
    actor,
    action: str,
    instance: models.Model,
    before: dict | None = None,
    source: str = "web",
) -> AuditEntry | None:
    """Write one history entry for `instance`; for updates, only when something changed.

    `before` is the `snapshot()` taken before the change (None on create). Returns the entry,
    or None when an update changed nothing. The change also goes on the customer's timeline.
    """
    entry = build_change(
        customer=customer,
        actor=actor,
        action=action,
        instance=instance,
        before=before,
        source=source,
    )
    if entry is not None:
        entry.save()
        record_event(
            customer,
            "change",
            actor=entry.actor,
            summary=entry.object_repr,
            data=change_event_data(entry),
            occurred_at=entry.created_at,
            source_object=entry,
        )
    return entry


def change_event_data(entry: AuditEntry) -> dict:
    """What the timeline keeps about a history entry."""
    return {
        "action": entry.action,
        "object_type": entry.object_type,
        "changes": entry.changes,
        "source": entry.source,
    }


def build_change(
    *,
    customer,
    actor,
    action: str,
    instance: models.Model,
    before: dict | None = None,
    source: str = "web",
) -> AuditEntry | None:
    """The unsaved entry `record_change` would write, for callers that save many at once with
    `AuditEntry.objects.bulk_create` (imports). None when an update changed nothing.
    """
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
    return AuditEntry(
        customer=customer,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=instance._meta.label_lower,
        object_id=instance.pk,
        object_repr=str(instance)[:200],
        changes=changes,
        source=source,
    )
