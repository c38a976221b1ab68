"""The timeline event model now belongs to the history app (label "audit"), which took it over
in its migration 0003: forget it here, in Django's state only, so its table stays."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("engagement", "0009_bulk_sends"),
        ("audit", "0003_timeline_event_moves_here"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="TimelineEvent")],
            database_operations=[],
        ),
    ]
