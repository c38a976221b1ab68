from django.db import migrations

from setia.lib.migrations import grant_permissions, revoke_permissions

# Managers reassign customers, hand over a leaving person's work and undo either.
GRANTS = {"manager": ["view_reassignment", "add_reassignment"]}


def grant(apps, schema_editor):
    grant_permissions(apps, "cadence", GRANTS)


def revoke(apps, schema_editor):
    models = ("reassignment", "reassignedcustomer", "reassignedtask")
    every = [f"{verb}_{model}" for model in models for verb in ("view", "add", "change", "delete")]
    revoke_permissions(apps, "cadence", {**GRANTS, "admin": every})


class Migration(migrations.Migration):
    dependencies = [
        ("cadence", "0003_reassignments"),
        ("accounts", "0002_create_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
