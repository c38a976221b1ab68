from django.db import migrations

from setia.lib.migrations import grant_permissions, revoke_permissions

# Everyone reads campaigns (marketing colleagues are viewers); executives and managers run them
# (create, invite the audience); interns also mark their merchants as joined.
_READ = ["view_campaign", "view_participant"]
_WORK = [*_READ, "change_participant"]
_WRITE = [*_WORK, "add_campaign", "change_campaign", "add_participant"]
GRANTS = {"manager": _WRITE, "executive": _WRITE, "intern": _WORK, "viewer": _READ}


def grant(apps, schema_editor):
    grant_permissions(apps, "campaigns", GRANTS)


def revoke(apps, schema_editor):
    revoke_permissions(apps, "campaigns")


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0001_initial"),
        ("accounts", "0002_create_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
