from django.db import migrations

from setia.lib.migrations import grant_permissions

# Only admins keep the Monday e-mail's extra addresses: the admin group gets every permission
# of the app (the new ones included); no other role is given any of them.
GRANTS: dict[str, list[str]] = {}


def grant(apps, schema_editor):
    grant_permissions(apps, "cadence", GRANTS)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    added = Permission.objects.filter(
        content_type__app_label="cadence",
        content_type__model__in=["weeklyrecipient", "weeklysend"],
    )
    for group in Group.objects.filter(name="admin"):
        group.permissions.remove(*added)


class Migration(migrations.Migration):
    dependencies = [
        ("cadence", "0007_weekly_delivery"),
        ("accounts", "0002_create_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
