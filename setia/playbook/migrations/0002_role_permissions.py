from django.db import migrations

from setia.lib.migrations import grant_permissions, revoke_permissions

# Everyone reads the playbook (sales colleagues are viewers); executives and managers keep it
# up to date and publish it.
_READ = ["view_playbookentry", "view_playbookversion"]
_WRITE = [*_READ, "change_playbookentry", "add_playbookversion"]
GRANTS = {"manager": _WRITE, "executive": _WRITE, "intern": _READ, "viewer": _READ}


def grant(apps, schema_editor):
    grant_permissions(apps, "playbook", GRANTS)


def revoke(apps, schema_editor):
    revoke_permissions(apps, "playbook")


class Migration(migrations.Migration):
    dependencies = [
        ("playbook", "0001_initial"),
        ("accounts", "0002_create_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
