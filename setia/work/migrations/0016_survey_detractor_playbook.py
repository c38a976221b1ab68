from django.db import migrations

# The "survey detractor" rule: an NPS of 0-6 or a CSAT of 1-2 in the last 2 days (the rule is
# evaluated on answering and again at night); its playbook asks the owner to call within a day.
PLAYBOOK = {
    "name": "Survey follow-up",
    "name_id": "Tindak lanjut survei",
    "description": "The customer gave a low survey score: call, listen and agree on a fix.",
    "description_id": "Pelanggan memberi nilai survei rendah: telepon, dengarkan, dan sepakati perbaikannya.",
}
STEP = {
    "title": "Call the customer about their survey answer",
    "title_id": "Telepon pelanggan tentang jawaban survei mereka",
    "due_in_days": 1,
    "assign_to": "owner",
}


def seed(apps, schema_editor):
    Playbook = apps.get_model("work", "Playbook")
    TriggerRule = apps.get_model("work", "TriggerRule")
    playbook, created = Playbook.objects.get_or_create(name=PLAYBOOK["name"], defaults=PLAYBOOK)
    if created:
        playbook.steps.create(position=0, **STEP)
    if not TriggerRule.objects.filter(kind="survey_detractor").exists():
        TriggerRule.objects.create(
            kind="survey_detractor", playbook=playbook, threshold=0, window_days=2
        )


def unseed(apps, schema_editor):
    apps.get_model("work", "TriggerRule").objects.filter(kind="survey_detractor").delete()
    apps.get_model("work", "Playbook").objects.filter(
        name=PLAYBOOK["name"], runs__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("work", "0015_survey_detractor_trigger"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
