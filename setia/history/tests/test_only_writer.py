"""Only `setia.history` writes audit entries and timeline events.

Reads the source of every app (tests and migrations excepted) and fails on any other module
that builds an `AuditEntry` or a `TimelineEvent`, creates one through a manager, or holds SQL
inserting into their tables. A new writer must go through `setia.history.actions`.
"""

import ast
import re
from pathlib import Path

import setia
from setia.history.models import AuditEntry, TimelineEvent

SETIA = Path(setia.__file__).resolve().parent
MODELS = {"AuditEntry", "TimelineEvent"}
RELATED_MANAGERS = {"audit_entries", "timeline_events"}
CREATING = {"create", "bulk_create", "get_or_create", "update_or_create"}
TABLES = {AuditEntry._meta.db_table, TimelineEvent._meta.db_table}
# INSERT INTO followed by a table (or the expression naming it) that says audit or timeline.
INSERT_SQL = re.compile(r"\binsert\s+into\s+\S*(audit|timeline)", re.IGNORECASE)
# The raw writing of an import is being rewritten onto `setia.history.actions`; until then it
# is the one module allowed to name the audit table next to its own INSERT/COPY.
PENDING: set[str] = set()


def _is_exempt(path: Path, root: Path) -> bool:
    relative = path.relative_to(root)
    parts = relative.parts
    return (
        parts[0] == "history"
        or "tests" in parts
        or "migrations" in parts
        or relative.name.startswith(("test_", "conftest"))
        or relative.name in {"test.py", "test_settings.py"}
    )


def _name(node) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _writes(tree: ast.AST, source: str) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            called = node.func
            # AuditEntry(...) / TimelineEvent(...)
            if _name(called) in MODELS:
                found.append(f"line {node.lineno}: builds {_name(called)}")
            # AuditEntry.objects.create(...), customer.timeline_events.bulk_create(...)
            if isinstance(called, ast.Attribute) and called.attr in CREATING:
                owner = called.value
                if isinstance(owner, ast.Attribute) and owner.attr == "objects":
                    owner = owner.value
                if _name(owner) in MODELS | RELATED_MANAGERS:
                    found.append(f"line {node.lineno}: {_name(owner)}….{called.attr}()")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and INSERT_SQL.search(node.value)
        ):
            found.append(f"line {node.lineno}: SQL inserting into the history tables")
    # SQL assembled from pieces (an f-string around the table's name): the text as a whole.
    names_table = any(table in source for table in TABLES) or re.search(
        r"(AuditEntry|TimelineEvent)\)?\._meta\.db_table|_table\((AuditEntry|TimelineEvent)\)",
        source,
    )
    if names_table and re.search(r"\b(insert\s+into|copy\s+\S+\s*\()", source, re.IGNORECASE):
        found.append("names a history table and inserts with raw SQL")
    if INSERT_SQL.search(source) and not any("SQL inserting" in line for line in found):
        found.append("SQL inserting into the history tables")
    return found


def writers_outside_history(root: Path = SETIA) -> dict[str, list[str]]:
    """{module path: what it writes} for every module outside `root/history` that writes."""
    offenders = {}
    for path in sorted(root.rglob("*.py")):
        if _is_exempt(path, root):
            continue
        relative = path.relative_to(root).as_posix()
        if relative in PENDING:
            continue
        source = path.read_text(encoding="utf-8")
        found = _writes(ast.parse(source, filename=str(path)), source)
        if found:
            offenders[relative] = found
    return offenders


def test_it_finds_no_writer_of_history_outside_the_history_app():
    assert writers_outside_history() == {}


def test_it_catches_each_way_of_writing_history(tmp_path):
    (tmp_path / "history").mkdir()
    (tmp_path / "history" / "actions.py").write_text("TimelineEvent(kind='note')\n")
    (tmp_path / "app").mkdir()
    writers = {
        "builds.py": "event = TimelineEvent(kind='note')\n",
        "creates.py": "AuditEntry.objects.create(action='update')\n",
        "bulk.py": "models.TimelineEvent.objects.bulk_create(events)\n",
        "related.py": "customer.audit_entries.create(action='update')\n",
        "sql.py": 'cursor.execute("INSERT INTO engagement_timelineevent (kind) VALUES (%s)")\n',
        "pieces.py": (
            "table = TimelineEvent._meta.db_table\n"
            "cursor.execute(f'INSERT INTO {table} (kind) SELECT kind FROM other')\n"
        ),
    }
    for name, source in writers.items():
        (tmp_path / "app" / name).write_text(source)
    (tmp_path / "app" / "reads.py").write_text(
        "TimelineEvent.objects.filter(kind='note').update(summary='')\n"
        "AuditEntry.objects.filter(source='x').count()\n"
    )
    (tmp_path / "app" / "tests").mkdir()
    (tmp_path / "app" / "tests" / "test_it.py").write_text("TimelineEvent(kind='note')\n")

    assert sorted(writers_outside_history(tmp_path)) == sorted(f"app/{name}" for name in writers)
