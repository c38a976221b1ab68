from django.db import migrations

from setia.lib.migrations import grant_permissions, revoke_permissions


# Webhooks see every customer: only administrators manage them.
def grant(apps, schema_editor):
    grant_permissions(apps, "webhooks", {})


def revoke(apps, schema_editor):
    revoke_permissions(apps, "webhooks")


class Migration(migrations.Migration):
    dependencies = [
        ("webhooks", "0001_webhooks"),
        ("accounts", "0002_create_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
