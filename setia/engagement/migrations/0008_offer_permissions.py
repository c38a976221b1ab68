from django.contrib.auth.management import create_permissions
from django.db import migrations

# Executives propose retention offers and record the customer's answer; managers (and admins)
# also approve discounts above the threshold. Interns and viewers only read them.
_EXECUTIVE = ["add_retentionoffer", "change_retentionoffer", "view_retentionoffer"]
GRANTS = {
    "admin": [*_EXECUTIVE, "approve_retentionoffer"],
    "manager": [*_EXECUTIVE, "approve_retentionoffer"],
    "executive": _EXECUTIVE,
    "intern": ["view_retentionoffer"],
    "viewer": ["view_retentionoffer"],
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
    codenames = {codename for codenames in GRANTS.values() for codename in codenames}
    permissions = Permission.objects.filter(
        content_type__app_label="engagement", codename__in=codenames
    )
    for group in Group.objects.filter(name__in=GRANTS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [("engagement", "0007_retention_offers")]

    operations = [migrations.RunPython(grant, revoke)]
