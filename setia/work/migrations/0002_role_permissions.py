from django.db import migrations

from setia.lib.migrations import grant_permissions, revoke_permissions

# Managers see and assign every team's work; executives assign to their team (interns
# included); interns work their own tasks; viewers have none.
GRANTS = {
    "manager": [
        "view_task", "add_task", "change_task", "view_all_tasks", "assign_task", "assign_fairly",
    ],
    "executive": ["view_task", "add_task", "change_task", "assign_task"],
    "intern": ["view_task", "add_task", "change_task"],
}  # fmt: skip


def grant(apps, schema_editor):
    grant_permissions(apps, "work", GRANTS)


def revoke(apps, schema_editor):
    revoke_permissions(apps, "work")


class Migration(migrations.Migration):
    dependencies = [
        ("work", "0001_tasks"),
        ("accounts", "0002_create_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
