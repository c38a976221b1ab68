from django.db import migrations

from setia.lib.migrations import grant_permissions, revoke_permissions

# Everyone reads the announcements made to them; managers (and admins, who get every
# permission) publish them and read who has acknowledged them.
GRANTS = {
    "manager": ["view_announcement", "add_announcement", "view_acknowledgement"],
    "executive": ["view_announcement"],
    "intern": ["view_announcement"],
    "viewer": ["view_announcement"],
}


def grant(apps, schema_editor):
    grant_permissions(apps, "announcements", GRANTS)


def revoke(apps, schema_editor):
    revoke_permissions(apps, "announcements")


class Migration(migrations.Migration):
    dependencies = [
        ("announcements", "0001_announcements"),
        ("accounts", "0002_create_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
