"""The events a webhook may subscribe to, and where each comes from.

Events are read from what the history already records, not announced by every action: an audit
entry (a customer created, a subscription renewed), a timeline event (a tier move, a task
step), an import's row, and the health grades the nightly computation writes on the customers.
Each event kind is one `register` line naming its source; `dispatch` turns the new rows of
every source into deliveries with one `INSERT … SELECT` per subscribed kind.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from setia.customers.models import Customer
from setia.history.models import AuditEntry, EventKind, TimelineEvent
from setia.imports.models import Import
from setia.webhooks.models import Delivery, NotifiedGrade, Webhook

# The columns every source's SELECT produces, in this order (see `_insert`).
DELIVERY_COLUMNS = (
    "webhook_id",
    "event",
    "key",
    "customer_code",
    "data",
    "occurred_at",
    "state",
    "attempts",
    "created_at",
)

# A row committed after rows with higher ids (a long transaction) would be behind the cursor:
# each pass reads this many ids before it again; the unique key keeps them from doubling.
OVERLAP = 1000

# The sources written in bulk by an import (and its undo) and by the demo data: an import is
# reported once, by `import.finished`, not by one event per row it wrote.
BULK_SOURCES_SQL = "a.source NOT LIKE 'import%%' AND a.source <> 'demo'"

TEST_EVENT = "webhook.test"


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def json_text(column: str, *path: str | int) -> str:
    """SQL for the text at `path` inside the JSON `column` (`changes`, "status", 1)."""
    if _postgres():
        steps = [f"'{step}'" if isinstance(step, str) else str(step) for step in path]
        return f"({column}{''.join(f'->{s}' for s in steps[:-1])}->>{steps[-1]})"
    dotted = "".join(f".{step}" if isinstance(step, str) else f"[{step}]" for step in path)
    return f"json_extract({column}, '${dotted}')"


def json_object(**members: tuple[str, bool]) -> str:
    """SQL building a JSON object from {key: (SQL expression, whether it is JSON already)}."""
    if _postgres():
        inner = ", ".join(f"'{key}', {sql}" for key, (sql, _is_json) in members.items())
        return f"jsonb_build_object({inner})"
    inner = ", ".join(
        f"'{key}', {f'json({sql})' if is_json else sql}" for key, (sql, is_json) in members.items()
    )
    return f"json_object({inner})"


def _text(sql: str) -> str:
    return f"CAST({sql} AS varchar(40))"


@dataclass(frozen=True)
class Source:
    """Where an event kind's rows come from: `table` is a cursor name (`audit`, `timeline`) or
    a source of its own (`health`, `imports`); `where` filters its rows (SQL on alias `a` for
    audit entries, `t` for timeline events)."""

    table: str
    where: Callable[[], str] = lambda: "1 = 1"


def audit(object_type: str, action: str, where: Callable[[], str] | None = None) -> Source:
    """Audit entries of `object_type` with `action`, and `where` (SQL on alias `a`)."""
    test = f"a.object_type = '{object_type}' AND a.action = '{action}'"
    return Source("audit", lambda: f"{test} AND ({where()})" if where else test)


def timeline(kind: str, where: Callable[[], str] | None = None) -> Source:
    """Timeline events of `kind`, and `where` (SQL on alias `t`)."""
    test = f"t.kind = '{kind}'"
    return Source("timeline", lambda: f"{test} AND ({where()})" if where else test)


@dataclass(frozen=True)
class EventType:
    name: str
    label: str | Promise
    source: Source


EVENTS: dict[str, EventType] = {}
_NAME = re.compile(r"^[a-z_]+\.[a-z_]+$")


def register(name: str, label: str | Promise, source: Source) -> None:
    """Offer the event kind `name` (`thing.happened`) to webhooks, read from `source`."""
    if not _NAME.match(name):
        raise ValueError(f"bad event name {name!r}")
    EVENTS[name] = EventType(name, label, source)


def choices() -> list[tuple[str, str | Promise]]:
    return [(event.name, event.label) for event in EVENTS.values()]


def _renewed() -> str:
    return f"{json_text('a.changes', 'renews_on', 1)} > {json_text('a.changes', 'renews_on', 0)}"


def _churned() -> str:
    return f"{json_text('a.changes', 'status', 1)} = 'churned'"


def _task(step: str) -> Callable[[], str]:
    return lambda: f"{json_text('t.data', 'task_action')} = '{step}'"


register("customer.created", _("Customer created"), audit("customers.customer", "create"))
register("customer.updated", _("Customer updated"), audit("customers.customer", "update"))
register("customer.deleted", _("Customer deleted"), audit("customers.customer", "delete"))
register("tier.changed", _("Tier changed"), timeline(EventKind.TIER))
register("health.changed", _("Health grade changed"), Source("health"))
register(
    "subscription.renewed",
    _("Subscription renewed"),
    audit("customers.subscription", "update", _renewed),
)
register(
    "subscription.cancelled",
    _("Subscription cancelled (customer churned)"),
    audit("customers.customer", "update", _churned),
)
register("task.created", _("Task created"), timeline(EventKind.TASK, _task("created")))
register("task.completed", _("Task completed"), timeline(EventKind.TASK, _task("completed")))
register("survey.answered", _("Survey answered"), timeline(EventKind.SURVEY))
register("import.finished", _("Import finished"), Source("imports"))


# The dispatcher


def _insert(select: str, params: dict) -> int:
    columns = ", ".join(connection.ops.quote_name(column) for column in DELIVERY_COLUMNS)
    with connection.cursor() as cursor:
        # SQLite needs a WHERE before ON CONFLICT in INSERT … SELECT: every select has one.
        cursor.execute(
            f"INSERT INTO {_t(Delivery)} ({columns}) {select} ON CONFLICT DO NOTHING", params
        )
        return cursor.rowcount


def _common(event: str, key: str, code: str, data: str, occurred: str) -> str:
    return (
        f"SELECT w.id, '{event}', '{event}:' || {key}, {code}, {data}, {occurred}, "
        f"'pending', 0, %(now)s"
    )


def _audit_select(event: EventType, webhooks: str) -> str:
    data = json_object(
        action=("a.action", False), changes=("a.changes", True), source=("a.source", False)
    )
    return (
        _common(event.name, _text("a.id"), _text("c.code"), data, "a.created_at")
        + f" FROM {_t(AuditEntry)} a JOIN {_t(Customer)} c ON c.id = a.customer_id"
        f" JOIN {_t(Webhook)} w ON w.id IN ({webhooks}) AND w.created_at <= a.created_at"
        f" WHERE a.id > %(low)s AND a.id <= %(high)s AND {BULK_SOURCES_SQL}"
        f" AND {event.source.where()}"
    )


def _timeline_select(event: EventType, webhooks: str) -> str:
    return (
        _common(event.name, _text("t.id"), _text("c.code"), "t.data", "t.occurred_at")
        + f" FROM {_t(TimelineEvent)} t JOIN {_t(Customer)} c ON c.id = t.customer_id"
        f" JOIN {_t(Webhook)} w ON w.id IN ({webhooks}) AND w.created_at <= t.created_at"
        f" WHERE t.id > %(low)s AND t.id <= %(high)s AND {event.source.where()}"
    )


def _import_select(event: EventType, webhooks: str) -> str:
    data = json_object(
        code=(_text("i.code"), False),
        file_name=("i.file_name", False),
        status=("i.status", False),
        **{name: (f"i.{name}", False) for name in Import.COUNTS},
    )
    return (
        _common(event.name, _text("i.id"), "''", data, "i.finished_at") + f" FROM {_t(Import)} i"
        f" JOIN {_t(Webhook)} w ON w.id IN ({webhooks}) AND w.created_at <= i.finished_at"
        f" WHERE i.status IN ('done', 'failed') AND i.finished_at >= %(since)s"
    )


def _health_select(event: EventType, webhooks: str) -> str:
    data = json_object(
        grade=("c.health_grade", False),
        score=("c.health_score", False),
        grade_before=("n.grade", False),
        score_before=("n.score", False),
    )
    return (
        _common(
            event.name,
            f"{_text('c.id')} || ':' || %(stamp)s",
            _text("c.code"),
            data,
            "%(now)s",
        )
        + f" FROM {_t(Customer)} c JOIN {_t(NotifiedGrade)} n ON n.customer_id = c.id"
        f" JOIN {_t(Webhook)} w ON w.id IN ({webhooks})"
        f" WHERE c.health_grade <> '' AND c.health_grade <> n.grade"
    )


_NOTE_GRADES = """
INSERT INTO {notified} (customer_id, grade, score)
SELECT id, health_grade, health_score FROM {customer} WHERE health_grade <> ''
ON CONFLICT (customer_id) DO UPDATE SET grade = excluded.grade, score = excluded.score
WHERE {notified}.grade <> excluded.grade
"""

SELECTS = {
    "audit": _audit_select,
    "timeline": _timeline_select,
    "imports": _import_select,
    "health": _health_select,
}
CURSOR_TABLES = {"audit": AuditEntry, "timeline": TimelineEvent}
