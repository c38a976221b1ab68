from django.db import migrations

from setia.lib.migrations import grant_permissions, revoke_permissions

# Everyone reads stories and questionnaires (the PR colleagues are viewers); interns help with
# interviews and drafts; executives also add merchants and edit questionnaires; only managers
# approve a story for publication.
_READ = ["view_story", "view_questionnaire"]
_WORK = [*_READ, "change_story"]
_WRITE = [*_WORK, "add_story", "add_questionnaire", "change_questionnaire"]
GRANTS = {
    "manager": [*_WRITE, "approve_story"],
    "executive": _WRITE,
    "intern": _WORK,
    "viewer": _READ,
}


def grant(apps, schema_editor):
    grant_permissions(apps, "stories", GRANTS)


def revoke(apps, schema_editor):
    revoke_permissions(apps, "stories")


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0001_initial"),
        ("accounts", "0002_create_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
