from django.db import migrations

from setia.lib.migrations import grant_permissions

# Playbook names and task titles are data, in the team's language (Indonesian); managers edit
# them in the admin and the thresholds on the triggers page.
PLAYBOOKS = {
    "Website bermasalah": [
        ("Telepon pemilik toko soal website", 0, "owner"),
        ("Cek toko bersama tim teknis", 0, "lead"),
    ],
    "Pemulihan GMV": [
        ("Review penurunan GMV lalu telepon pemilik", 1, "owner"),
        ("Siapkan ide promo untuk toko", 3, "intern"),
    ],
    "Onboarding macet": [("Telepon untuk membuka hambatan onboarding", 1, "owner")],
    "Perpanjangan langganan": [
        ("Siapkan penawaran perpanjangan", 1, "intern"),
        ("Telepon perpanjangan langganan", 2, "owner"),
    ],
    "Sapa pelanggan": [("Telepon sapa dan cek kabar toko", 2, "owner")],
}
# (kind, playbook, threshold, days, tier name or None)
RULES = [
    ("website_down", "Website bermasalah", 95, 2, None),
    ("error_spike", "Website bermasalah", 100, 1, None),
    ("gmv_drop", "Pemulihan GMV", 30, 1, None),
    ("onboarding_stalled", "Onboarding macet", 0, 1, None),
    ("renewal_due", "Perpanjangan langganan", 0, 30, None),
    ("no_interaction", "Sapa pelanggan", 0, 14, "Platinum"),
    ("no_interaction", "Sapa pelanggan", 0, 30, "Gold"),
    ("no_interaction", "Sapa pelanggan", 0, 45, "Silver"),
    ("no_interaction", "Sapa pelanggan", 0, 60, "Bronze"),
]
GRANTS = {
    "manager": ["view_playbookrun", "change_playbookrun", "change_triggerrule", "view_triggerrule"],
    "executive": ["view_playbookrun", "change_playbookrun", "view_triggerrule"],
    "intern": ["view_playbookrun"],
}


def seed(apps, schema_editor):
    Playbook = apps.get_model("work", "Playbook")
    PlaybookStep = apps.get_model("work", "PlaybookStep")
    TriggerRule = apps.get_model("work", "TriggerRule")
    Tier = apps.get_model("tiers", "Tier")
    if not Playbook.objects.exists():
        for name, steps in PLAYBOOKS.items():
            playbook = Playbook.objects.create(name=name)
            for position, (title, days, role) in enumerate(steps):
                PlaybookStep.objects.create(
                    playbook=playbook, title=title, due_in_days=days, assign_to=role, position=position
                )
    if not TriggerRule.objects.exists():
        for kind, playbook, threshold, days, tier in RULES:
            tier_row = Tier.objects.filter(name=tier).first() if tier else None
            if tier and tier_row is None:
                continue
            TriggerRule.objects.create(
                kind=kind,
                playbook=Playbook.objects.get(name=playbook),
                threshold=threshold,
                window_days=days,
                tier=tier_row,
            )
    grant_permissions(apps, "work", GRANTS)


def unseed(apps, schema_editor):
    apps.get_model("work", "TriggerRule").objects.all().delete()
    apps.get_model("work", "PlaybookRun").objects.all().delete()
    apps.get_model("work", "Playbook").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("work", "0005_playbooks"),
        ("tiers", "0002_default_tiers"),
        ("accounts", "0002_create_roles"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
