from django.db import migrations

from setia.lib.migrations import grant_permissions, revoke_permissions

# Everyone who reads customers saves private segments; executives and managers share them;
# managers change anyone's. Editing one's own needs no permission (Segment.can_change).
_EVERYONE = ["view_segment", "add_segment"]
GRANTS = {
    "manager": [*_EVERYONE, "share_segment", "manage_all_segments"],
    "executive": [*_EVERYONE, "share_segment"],
    "intern": _EVERYONE,
    "viewer": _EVERYONE,
}


def grant(apps, schema_editor):
    grant_permissions(apps, "segments", GRANTS)


def revoke(apps, schema_editor):
    revoke_permissions(apps, "segments")


class Migration(migrations.Migration):
    dependencies = [
        ("segments", "0001_initial"),
        ("accounts", "0002_create_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
