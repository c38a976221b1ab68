from django.db import migrations

from setia.lib.migrations import grant_permissions, revoke_permissions

# Interns record interactions; viewers only read them.
GRANTS = {
    "admin": ["add_interaction", "view_interaction", "view_timelineevent", "view_theme"],
    "manager": ["add_interaction", "view_interaction", "view_timelineevent", "view_theme"],
    "executive": ["add_interaction", "view_interaction", "view_timelineevent", "view_theme"],
    "intern": ["add_interaction", "view_interaction", "view_timelineevent", "view_theme"],
    "viewer": ["view_interaction", "view_timelineevent", "view_theme"],
}


def grant(apps, schema_editor):
    grant_permissions(apps, "engagement", GRANTS, admin_gets_everything=False)


def revoke(apps, schema_editor):
    revoke_permissions(apps, "engagement")


class Migration(migrations.Migration):
    dependencies = [
        ("engagement", "0002_interactions"),
        ("accounts", "0002_create_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
