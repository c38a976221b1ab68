from django.db import migrations

from setia.lib.migrations import grant_permissions, revoke_permissions

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
    grant_permissions(apps, "engagement", GRANTS, admin_gets_everything=False)


def revoke(apps, schema_editor):
    revoke_permissions(apps, "engagement", GRANTS)


class Migration(migrations.Migration):
    dependencies = [("engagement", "0007_retention_offers")]

    operations = [migrations.RunPython(grant, revoke)]
