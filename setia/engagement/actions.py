"""Writes to the timeline and the interactions recorded on it.

`record_event` is the one way any app puts something on a customer's timeline: audit changes,
interactions, messages, offers, and later imports, tasks and tier changes.
"""

from datetime import datetime

from django.db import models

from setia.engagement.models import EventKind, TimelineEvent
from setia.lib.dates import now


def record_event(
    customer,
    kind: str,
    *,
    actor=None,
    summary: str = "",
    data: dict | None = None,
    occurred_at: datetime | None = None,
    source_object: models.Model | None = None,
) -> TimelineEvent:
    """Put one event on `customer`'s timeline and return it.

    `kind` is an `EventKind` value (ValueError otherwise, so a typo cannot hide events from the
    kind filter). `data` must be JSON-serialisable; store choice values, not translated labels.
    `occurred_at` defaults to now; `source_object` is the saved row the event is about.
    An anonymous or missing `actor` is recorded as the system.
    """
    if kind not in EventKind.values:
        raise ValueError(f"unknown timeline event kind {kind!r}")
    if customer.pk is None:
        raise ValueError("record_event needs a saved customer")
    if source_object is not None and source_object.pk is None:
        raise ValueError("record_event needs a saved source_object")
    is_person = actor is not None and getattr(actor, "is_authenticated", False)
    return TimelineEvent.objects.create(
        customer=customer,
        kind=kind,
        actor=actor if is_person else None,
        summary=(summary or "")[:300],
        data=data or {},
        occurred_at=occurred_at or now(),
        source_type=source_object._meta.label_lower if source_object is not None else "",
        source_id=str(source_object.pk) if source_object is not None else "",
    )
