from django.db import migrations

from setia.lib.migrations import grant_permissions, revoke_permissions

# Everyone reads partners, programmes and meetings (partnerships colleagues are viewers);
# executives and managers keep the registry, offer programmes and record meetings; interns move
# their merchants through a programme's funnel.
_READ = ["view_partner", "view_programme", "view_referral", "view_meeting"]
_WORK = [*_READ, "change_referral"]
_WRITE = [
    *_WORK,
    "add_partner",
    "change_partner",
    "add_programme",
    "change_programme",
    "add_referral",
    "add_meeting",
    "change_meeting",
]
GRANTS = {"manager": _WRITE, "executive": _WRITE, "intern": _WORK, "viewer": _READ}


def grant(apps, schema_editor):
    grant_permissions(apps, "partners", GRANTS)


def revoke(apps, schema_editor):
    revoke_permissions(apps, "partners")


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0001_initial"),
        ("accounts", "0002_create_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
