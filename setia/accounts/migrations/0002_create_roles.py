from django.contrib.auth.management import create_permissions
from django.db import migrations

# The five roles (see setia/accounts/models.py) as groups. Later apps add their permissions to these groups in
# their own migrations.
_RECORDS = ["customer", "contact", "store", "subscription"]
_READ = [f"customers.view_{name}" for name in [*_RECORDS, "category"]] + ["audit.view_auditentry"]
_WRITE = [f"customers.{verb}_{name}" for name in _RECORDS for verb in ("add", "change", "delete")]

ROLES = {
    "admin": None,  # every permission
    "manager": [
        *_READ,
        *_WRITE,
        "customers.view_all_customers",
        "customers.restore_customer",
        "customers.export_customer",
        "customers.add_category",
        "customers.change_category",
    ],
    "executive": [*_READ, *_WRITE, "customers.export_customer"],
    "intern": _READ,
    "viewer": _READ,
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations ran; create them now so the
    # groups can reference them on a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLES.items():
        group, _created = Group.objects.get_or_create(name=role)
        if codenames is None:
            group.permissions.set(Permission.objects.all())
            continue
        permissions = []
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            permissions.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("customers", "0001_initial"),
        ("audit", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
