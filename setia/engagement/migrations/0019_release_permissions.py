from django.db import migrations

from setia.lib.migrations import grant_permissions, revoke_permissions

# Managers keep the list of releases; everyone reads it (the log form offers its releases).
_READ = ["view_release"]
GRANTS = {
    "admin": ["add_release", "change_release", *_READ],
    "manager": ["add_release", "change_release", *_READ],
    "executive": _READ,
    "intern": _READ,
    "viewer": _READ,
}


def grant(apps, schema_editor):
    grant_permissions(apps, "engagement", GRANTS, admin_gets_everything=False)


def revoke(apps, schema_editor):
    revoke_permissions(apps, "engagement", GRANTS)


class Migration(migrations.Migration):
    dependencies = [("engagement", "0018_releases_and_product_areas")]

    operations = [migrations.RunPython(grant, revoke)]
