"""Move the sales library's rows out of the tables of the app it was before: "playbook".

Until the sales library had a name of its own, it was the Django app `playbook` (tables
`playbook_*`, models PlaybookEntry and PlaybookVersion). On a database that ran that app's
migrations, this one

1. copies every row into the `library_*` tables, keeping the ids, and moves the id sequences on
   past them (PostgreSQL; SQLite's AUTOINCREMENT counter follows explicit ids by itself);
2. renames the old content types to this app's models, so that their Permission rows, every
   group's and user's grants of them, and the admin log entries that point at them carry over
   unchanged. Renaming rather than creating matters: after `migrate`, Django's post_migrate
   handler creates the content types and permissions of installed models that lack them; it
   finds the renamed ones and creates nothing, and the roles keep what their admins gave them;
3. drops the old tables and forgets the `playbook` app's applied migrations.

On a fresh database (no `playbook_*` tables) it does nothing. Uploaded screenshots keep their
stored names (`playbook/...` under MEDIA_ROOT), which still resolve.

The reverse does nothing: the playbook app no longer exists to take its rows back. Unapplying
this app's first migration drops the library tables and the data with them.
"""

from django.core.management.color import no_style
from django.db import migrations
from django.db.migrations.recorder import MigrationRecorder

OLD_APP = "playbook"

# Old model name -> this app's model name.
MODELS = {
    "playbookentry": "guide",
    "examplestore": "examplestore",
    "objection": "objection",
    "playbookversion": "guideversion",
}

# A column of this app -> its name in the old table, where they differ.
RENAMED_COLUMNS = {"guide_id": "entry_id"}


def _copy_rows(apps, schema_editor, tables: set[str]) -> list:
    """Copy each old table's rows into its new table, ids included; return the models filled."""
    quote = schema_editor.quote_name
    filled = []
    # Guides first: the other three point at them.
    for old_model, new_model in MODELS.items():
        old_table = f"{OLD_APP}_{old_model}"
        if old_table not in tables:
            continue
        model = apps.get_model("library", new_model)
        columns = [field.column for field in model._meta.concrete_fields]
        sources = [RENAMED_COLUMNS.get(column, column) for column in columns]
        schema_editor.execute(
            f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, columns))}) "
            f"SELECT {', '.join(map(quote, sources))} FROM {quote(old_table)}"
        )
        filled.append(model)
    for statement in schema_editor.connection.ops.sequence_reset_sql(no_style(), filled):
        schema_editor.execute(statement)
    return filled


def _move_permissions(apps) -> None:
    """Re-point the old content types (and so their permissions and grants) to this app."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    for old_model, new_model in MODELS.items():
        old = ContentType.objects.filter(app_label=OLD_APP, model=old_model).first()
        if old is None:
            continue
        verbose_name = apps.get_model("library", new_model)._meta.verbose_name_raw
        new = ContentType.objects.filter(app_label="library", model=new_model).first()
        if new is None:
            old.app_label, old.model = "library", new_model
            old.save(update_fields=["app_label", "model"])
            new = old
        for permission in Permission.objects.filter(content_type=old):
            action = permission.codename.removesuffix(f"_{old_model}")
            codename, name = f"{action}_{new_model}", f"Can {action} {verbose_name}"
            if new is old:
                permission.codename, permission.name = codename, name
                permission.save(update_fields=["codename", "name"])
                continue
            # Both exist only when post_migrate ran between this app's first migration and
            # this one: give the holders of the old permission the new one.
            target, _created = Permission.objects.get_or_create(
                content_type=new, codename=codename, defaults={"name": name}
            )
            for group in permission.group_set.all():
                group.permissions.add(target)
            for user in permission.user_set.all():
                user.user_permissions.add(target)
        if new is not old:
            old.delete()
    ContentType.objects.clear_cache()


def move_from_playbook(apps, schema_editor):
    tables = set(schema_editor.connection.introspection.table_names())
    _copy_rows(apps, schema_editor, tables)
    _move_permissions(apps)
    # Children before the guides they point at.
    for old_model in reversed(MODELS):
        table = f"{OLD_APP}_{old_model}"
        if table in tables:
            schema_editor.execute(
                schema_editor.sql_delete_table % {"table": schema_editor.quote_name(table)}
            )
    MigrationRecorder(schema_editor.connection).migration_qs.filter(app=OLD_APP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(move_from_playbook, migrations.RunPython.noop)]
