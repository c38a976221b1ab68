from django.db import migrations

from setia.lib.migrations import grant_permissions, revoke_permissions

# Everyone with a role may be the member of a 1:1 and read their own; managers and executives
# (those who lead teams) start them. Who sees a 1:1 is its two people alone, whatever the role.
GRANTS = {
    "manager": ["view_oneonone", "add_oneonone"],
    "executive": ["view_oneonone", "add_oneonone"],
    "intern": ["view_oneonone"],
    "viewer": ["view_oneonone"],
}


def grant(apps, schema_editor):
    grant_permissions(apps, "cadence", GRANTS)


def revoke(apps, schema_editor):
    models = ("oneonone", "meeting", "agendaitem", "privatenote", "actionitem")
    every = [f"{verb}_{model}" for model in models for verb in ("view", "add", "change", "delete")]
    revoke_permissions(apps, "cadence", {**GRANTS, "admin": every})


class Migration(migrations.Migration):
    dependencies = [
        ("cadence", "0005_one_on_ones"),
        ("accounts", "0002_create_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
