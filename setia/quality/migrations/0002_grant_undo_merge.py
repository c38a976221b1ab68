from django.db import migrations

from setia.lib.migrations import grant_permissions, revoke_permissions

# Undoing a merge is a manager's decision: the manager role gets the permission; the
# admin role holds every permission.
GRANTS = {"manager": ["undo_merge"], "admin": ["undo_merge"]}


def grant(apps, schema_editor):
    grant_permissions(apps, "quality", GRANTS, admin_gets_everything=False)


def revoke(apps, schema_editor):
    revoke_permissions(apps, "quality", GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("quality", "0001_create_quality"),
        ("accounts", "0002_create_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
