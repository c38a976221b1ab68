import django.core.serializers.json
from django.db import migrations, models

# The four lists of one merge become one record of every moved row, keyed by model label and
# field, as `setia.lib.merging` writes it; reversing writes the four lists back (rows of
# other models than those four were never recorded before, so there is nothing else to keep).
OLD_LISTS = {
    "customers.contact": "moved_contacts",
    "customers.store": "moved_stores",
    "audit.auditentry": "moved_audit_entries",
}


def lists_to_record(apps, schema_editor):
    Merge = apps.get_model("quality", "Merge")
    for merge in Merge.objects.all():
        moved = {
            label: {"customer": getattr(merge, name)}
            for label, name in OLD_LISTS.items()
            if getattr(merge, name)
        }
        if merge.moved_subscription is not None:
            moved["customers.subscription"] = {"customer": [merge.moved_subscription]}
        merge.moved = moved
        merge.save(update_fields=["moved"])


def record_to_lists(apps, schema_editor):
    Merge = apps.get_model("quality", "Merge")
    for merge in Merge.objects.all():
        for label, name in OLD_LISTS.items():
            setattr(merge, name, merge.moved.get(label, {}).get("customer", []))
        subscription = merge.moved.get("customers.subscription", {}).get("customer", [])
        merge.moved_subscription = subscription[0] if subscription else None
        merge.save(update_fields=[*OLD_LISTS.values(), "moved_subscription"])


class Migration(migrations.Migration):
    dependencies = [("quality", "0002_grant_undo_merge")]

    operations = [
        migrations.AddField(
            model_name="merge",
            name="moved",
            field=models.JSONField(
                default=dict, encoder=django.core.serializers.json.DjangoJSONEncoder
            ),
        ),
        migrations.RunPython(lists_to_record, record_to_lists),
        migrations.RemoveField(model_name="merge", name="moved_audit_entries"),
        migrations.RemoveField(model_name="merge", name="moved_contacts"),
        migrations.RemoveField(model_name="merge", name="moved_stores"),
        migrations.RemoveField(model_name="merge", name="moved_subscription"),
    ]
