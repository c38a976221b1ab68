from django.db import migrations

# Substring search (`icontains` is UPPER(col) LIKE UPPER('%…%') on PostgreSQL) cannot use a
# B-tree index; trigram GIN indexes make it fast at 100k customers. SQLite scans instead, which
# is fine at the sizes it serves.
INDEXES = [
    ("customer_name_trgm", "customers_customer", 'UPPER("name") gin_trgm_ops'),
    ("contact_name_trgm", "customers_contact", 'UPPER("name") gin_trgm_ops'),
    ("store_domain_trgm", "customers_store", '"domain" gin_trgm_ops'),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, expression in INDEXES:
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ({expression})')


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _expression in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_seed_categories")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
