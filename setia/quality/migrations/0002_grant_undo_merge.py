from django.contrib.auth.management import create_permissions
from django.db import migrations

# Undoing a merge is a manager's decision (issue 3): the manager role gets the permission; the
# admin role holds every permission.
GRANTS = {"manager": ["undo_merge"], "admin": ["undo_merge"]}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("quality")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in GRANTS.items():
        group = Group.objects.filter(name=role).first()
        if group is None:
            continue
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="quality", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="quality", codename__in=["undo_merge"]
    )
    for group in Group.objects.filter(name__in=GRANTS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("quality", "0001_create_quality"),
        ("accounts", "0002_create_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
