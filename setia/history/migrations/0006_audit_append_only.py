"""Audit entries are append-only in the database itself, whatever the code running on it does.

PostgreSQL: a row trigger refuses every DELETE and every UPDATE of the audit table, except an
UPDATE that changes nothing but `customer_id` (a merge moves a customer's history to the
survivor, and its undo moves it back; see the app's README). The error is a
`restrict_violation` (Django's IntegrityError). TRUNCATE is not refused: `manage.py flush`
and the test suite's transactional tests empty every table with it.

SQLite: a trigger refuses the same UPDATEs. DELETE is not refused there: SQLite has no
TRUNCATE, so `flush` empties tables with DELETE.
"""

from django.db import migrations

TABLE = "audit_auditentry"

POSTGRES_UP = f"""
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND (to_jsonb(NEW) - 'customer_id') = (to_jsonb(OLD) - 'customer_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit entries are append-only: % of entry % refused', TG_OP, OLD.id
        USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
"""

POSTGRES_DOWN = f"""
DROP TRIGGER IF EXISTS audit_append_only ON {TABLE};
DROP FUNCTION IF EXISTS audit_append_only();
"""

# Every column but customer_id; a column added later must be added here too.
SQLITE_COLUMNS = (
    "id",
    "actor_id",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "changes",
    "source",
    "created_at",
)

SQLITE_UP = f"""
CREATE TRIGGER audit_append_only BEFORE UPDATE ON {TABLE}
WHEN {" OR ".join(f"NEW.{column} IS NOT OLD.{column}" for column in SQLITE_COLUMNS)}
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only: UPDATE refused');
END;
"""

SQLITE_DOWN = "DROP TRIGGER IF EXISTS audit_append_only;"


def _run(schema_editor, sql: dict[str, str]) -> None:
    statement = sql.get(schema_editor.connection.vendor)
    if statement:
        # No parameters: the SQL keeps its `%` (PL/pgSQL's placeholders) as written.
        schema_editor.execute(statement, params=None)


def forwards(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRES_UP, "sqlite": SQLITE_UP})


def backwards(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRES_DOWN, "sqlite": SQLITE_DOWN})


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_audit_refused_action"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
