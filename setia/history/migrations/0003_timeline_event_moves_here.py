"""The timeline event model moves here from the engagement app, in Django's state only: its
table keeps its name and its rows. Its content type (and so its permissions, and the role
groups that hold them) moves with it."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from setia.lib.migrations import grant_permissions


# Who reads the timeline: the grant the engagement app's migration 0003 made.
GRANTS = {
    role: ["view_timelineevent"] for role in ("admin", "manager", "executive", "intern", "viewer")
}


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    moved = ContentType.objects.filter(app_label="engagement", model="timelineevent")
    if moved.exists() and not ContentType.objects.filter(
        app_label="audit", model="timelineevent"
    ).exists():
        moved.update(app_label="audit")  # the permissions, and the groups holding them, follow
        return
    # A new database: permissions are created from the current models, so the engagement app's
    # grant found no timeline permission of its own to give; give this app's.
    grant_permissions(apps, "audit", GRANTS, admin_gets_everything=False)


def move_content_type_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="engagement", model="timelineevent").exists():
        ContentType.objects.filter(app_label="audit", model="timelineevent").update(
            app_label="engagement"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_create_roles"),
        ("audit", "0002_drop_redundant_fk_indexes"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("customers", "0004_customer_extra"),
        ("engagement", "0009_bulk_sends"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="TimelineEvent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("call", "Call"),
                                    ("whatsapp", "WhatsApp"),
                                    ("email", "Email"),
                                    ("meeting", "Meeting"),
                                    ("note", "Note"),
                                    ("website_issue", "Website issue"),
                                    ("change", "Change"),
                                    ("import", "Import"),
                                    ("task", "Task"),
                                    ("tier", "Tier change"),
                                    ("offer", "Retention offer"),
                                    ("survey", "Survey"),
                                ],
                                max_length=20,
                                verbose_name="kind",
                            ),
                        ),
                        (
                            "summary",
                            models.CharField(blank=True, max_length=300, verbose_name="summary"),
                        ),
                        ("data", models.JSONField(blank=True, default=dict)),
                        ("occurred_at", models.DateTimeField(verbose_name="when")),
                        ("source_type", models.CharField(blank=True, max_length=60)),
                        ("source_id", models.CharField(blank=True, max_length=64)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="timeline_events",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="by",
                            ),
                        ),
                        (
                            "customer",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="timeline_events",
                                to="customers.customer",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "timeline event",
                        "verbose_name_plural": "timeline events",
                        "db_table": "engagement_timelineevent",
                        "ordering": ["-occurred_at", "-id"],
                        "indexes": [
                            models.Index(
                                fields=["customer", "-occurred_at", "-id"],
                                name="timeline_customer_idx",
                            ),
                            models.Index(
                                fields=["customer", "kind", "-occurred_at", "-id"],
                                name="timeline_kind_idx",
                            ),
                            models.Index(
                                fields=["source_type", "source_id"], name="timeline_source_idx"
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
