from django.db import migrations

from setia.lib.migrations import grant_permissions, revoke_permissions

# Managers set targets and read every team's checkpoints; executives and interns see their
# targets' progress and write their own checkpoint; viewers have none.
GRANTS = {
    "manager": [
        "view_target", "add_target", "change_target", "delete_target",
        "view_checkpoint", "add_checkpoint",
    ],
    "executive": ["view_target", "add_checkpoint"],
    "intern": ["view_target", "add_checkpoint"],
}  # fmt: skip


def grant(apps, schema_editor):
    grant_permissions(apps, "cadence", GRANTS)


def revoke(apps, schema_editor):
    revoke_permissions(apps, "cadence")


class Migration(migrations.Migration):
    dependencies = [
        ("cadence", "0001_initial"),
        ("accounts", "0002_create_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
