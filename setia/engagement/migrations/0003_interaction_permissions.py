from django.contrib.auth.management import create_permissions
from django.db import migrations

# Interns record interactions (DESIGN §1); viewers only read them.
GRANTS = {
    "admin": ["add_interaction", "view_interaction", "view_timelineevent", "view_theme"],
    "manager": ["add_interaction", "view_interaction", "view_timelineevent", "view_theme"],
    "executive": ["add_interaction", "view_interaction", "view_timelineevent", "view_theme"],
    "intern": ["add_interaction", "view_interaction", "view_timelineevent", "view_theme"],
    "viewer": ["view_interaction", "view_timelineevent", "view_theme"],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("engagement")
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
            *Permission.objects.filter(content_type__app_label="engagement", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    permissions = Permission.objects.filter(content_type__app_label="engagement")
    for group in Group.objects.filter(name__in=GRANTS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("engagement", "0002_interactions"),
        ("accounts", "0002_create_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
