from django.contrib.auth.management import create_permissions
from django.db import migrations

# Executives write templates and send, also in bulk; interns send one message at a time (a
# message is an interaction) but cannot bulk send; viewers read the templates.
_ALL = [
    "add_messagetemplate",
    "change_messagetemplate",
    "view_messagetemplate",
    "send_message",
    "bulk_send_message",
]
GRANTS = {
    "admin": _ALL,
    "manager": _ALL,
    "executive": _ALL,
    "intern": ["view_messagetemplate", "send_message"],
    "viewer": ["view_messagetemplate"],
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
    dependencies = [("engagement", "0004_message_templates")]

    operations = [migrations.RunPython(grant, revoke)]
