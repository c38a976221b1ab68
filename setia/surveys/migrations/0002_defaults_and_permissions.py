from django.db import migrations

from setia.lib.migrations import grant_permissions, revoke_permissions

# Managers set surveys up and read the report; executives read the report.
GRANTS = {
    "manager": ["view_surveyresponse", "change_survey", "add_survey"],
    "executive": ["view_surveyresponse"],
}
SURVEYS = [
    {
        "kind": "nps",
        "name": "NPS",
        "question": "How likely are you to recommend us to another store owner?",
        "question_id": "Seberapa besar kemungkinan Anda merekomendasikan kami kepada pemilik toko lain?",
        "why": "What is the main reason for your score?",
        "why_id": "Apa alasan utama nilai Anda?",
    },
    {
        "kind": "csat",
        "name": "CSAT",
        "question": "How satisfied are you with our service?",
        "question_id": "Seberapa puas Anda dengan layanan kami?",
        "why": "What could we do better?",
        "why_id": "Apa yang bisa kami perbaiki?",
    },
]


def seed(apps, schema_editor):
    grant_permissions(apps, "surveys", GRANTS)
    Survey = apps.get_model("surveys", "Survey")
    for values in SURVEYS:
        Survey.objects.get_or_create(name=values["name"], defaults=values)


def unseed(apps, schema_editor):
    revoke_permissions(apps, "surveys")
    Survey = apps.get_model("surveys", "Survey")
    Survey.objects.filter(
        name__in=[values["name"] for values in SURVEYS], invitations__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0001_initial"),
        ("accounts", "0002_create_roles"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
