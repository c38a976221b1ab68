from django.db import migrations

from setia.lib.migrations import grant_permissions, revoke_permissions

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
    grant_permissions(apps, "engagement", GRANTS, admin_gets_everything=False)


def revoke(apps, schema_editor):
    revoke_permissions(apps, "engagement", GRANTS)


class Migration(migrations.Migration):
    dependencies = [("engagement", "0004_message_templates")]

    operations = [migrations.RunPython(grant, revoke)]
