from django.db import migrations

from setia.lib.migrations import grant_permissions, revoke_permissions

# Everyone reads the sales library (sales colleagues are viewers); executives and managers keep
# it up to date and publish it.
_READ = ["view_guide", "view_guideversion"]
_WRITE = [*_READ, "change_guide", "add_guideversion"]
GRANTS = {"manager": _WRITE, "executive": _WRITE, "intern": _READ, "viewer": _READ}


def grant(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    # A database that had the playbook app got its permissions, with the grants its admins
    # made, from the previous migration; granting again would undo what they revoked.
    if Permission.objects.filter(content_type__app_label="library", group__isnull=False).exists():
        return
    grant_permissions(apps, "library", GRANTS)


def revoke(apps, schema_editor):
    revoke_permissions(apps, "library")


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0002_move_from_playbook"),
        ("accounts", "0002_create_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
