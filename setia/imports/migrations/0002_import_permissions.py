from django.contrib.auth.management import create_permissions
from django.db import migrations

# Who may import (DESIGN §1, issue 3): admins and managers for anyone; executives too, but the
# engine limits them to their own team's customers, owned by a member of that team. Interns and
# viewers may not. Undoing an import is for managers and admins.
GRANTS = {
    "admin": ["add_import", "view_import", "undo_import"],
    "manager": ["add_import", "view_import", "undo_import"],
    "executive": ["add_import", "view_import"],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("imports")
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
            *Permission.objects.filter(content_type__app_label="imports", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    permissions = Permission.objects.filter(content_type__app_label="imports")
    for group in Group.objects.filter(name__in=GRANTS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0001_initial"),
        ("accounts", "0002_create_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
