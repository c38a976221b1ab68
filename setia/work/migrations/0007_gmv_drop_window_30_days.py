from django.db import migrations

# The GMV-drop rule now compares the last `window_days` days with the 90 before them; the seeded
# rule's 1 day (unused until now) becomes 30. A rule a manager already changed keeps its days.


def widen(apps, schema_editor):
    TriggerRule = apps.get_model("work", "TriggerRule")
    TriggerRule.objects.filter(kind="gmv_drop", window_days=1).update(window_days=30)


def narrow(apps, schema_editor):
    TriggerRule = apps.get_model("work", "TriggerRule")
    TriggerRule.objects.filter(kind="gmv_drop", window_days=30).update(window_days=1)


class Migration(migrations.Migration):
    dependencies = [("work", "0006_default_playbooks")]

    operations = [migrations.RunPython(widen, narrow)]
