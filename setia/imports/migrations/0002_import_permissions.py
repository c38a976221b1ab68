from django.db import migrations

from setia.lib.migrations import grant_permissions, revoke_permissions

# Who may import: admins and managers for anyone; executives too, but the
# engine limits them to their own team's customers, owned by a member of that team. Interns and
# viewers may not. Undoing an import is for managers and admins.
GRANTS = {
    "admin": ["add_import", "view_import", "undo_import"],
    "manager": ["add_import", "view_import", "undo_import"],
    "executive": ["add_import", "view_import"],
}


def grant(apps, schema_editor):
    grant_permissions(apps, "imports", GRANTS, admin_gets_everything=False)


def revoke(apps, schema_editor):
    revoke_permissions(apps, "imports")


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0001_initial"),
        ("accounts", "0002_create_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
