from django.db import migrations

from setia.lib.migrations import grant_permissions, revoke_permissions

# Managers configure the factors; managers and executives read the distribution page.
GRANTS = {
    "manager": ["view_customerhealth", "change_factorsetting"],
    "executive": ["view_customerhealth"],
}


def grant(apps, schema_editor):
    grant_permissions(apps, "health", GRANTS)


def revoke(apps, schema_editor):
    revoke_permissions(apps, "health")


class Migration(migrations.Migration):
    dependencies = [
        ("health", "0001_health_scores"),
        ("accounts", "0002_create_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
