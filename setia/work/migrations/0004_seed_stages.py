from django.db import migrations

from setia.lib.migrations import grant_permissions

# Checklist task titles are data, in the team's language (Indonesian).
# (English, Indonesian, days before a customer is stalled there, final, checklist tasks with
# the days they are due in). Admins edit them afterwards.
STAGES = [
    ("Signed", "Tanda tangan", 3, False, [("Telepon sambutan dan tentukan tanggal kickoff", 1)]),
    ("Kickoff", "Kickoff", 5, False, [("Rapat kickoff: tujuan dan rencana toko", 2), ("Kirim panduan onboarding", 1)]),
    ("Store setup", "Setup toko", 10, False, [("Cek pengaturan domain, pembayaran, dan pengiriman", 3)]),
    ("First product", "Produk pertama", 7, False, [("Review foto dan harga produk pertama", 2)]),
    ("First order", "Pesanan pertama", 14, False, [("Ucapkan selamat atas pesanan pertama; cek alurnya", 1)]),
    ("Live", "Live", 0, True, [("Serahkan ke pemilik akun; jadwalkan review pertama", 7)]),
]  # fmt: skip

GRANTS = {
    "manager": ["view_onboarding", "change_onboarding", "view_intake_report", "view_stage"],
    "executive": ["view_onboarding", "change_onboarding", "view_intake_report", "view_stage"],
    "intern": ["view_onboarding", "view_stage"],
    "viewer": ["view_onboarding", "view_stage"],
}


def seed(apps, schema_editor):
    Stage = apps.get_model("work", "Stage")
    StageTaskTemplate = apps.get_model("work", "StageTaskTemplate")
    if not Stage.objects.exists():
        for position, (english, indonesian, days, final, tasks) in enumerate(STAGES):
            stage = Stage.objects.create(
                name_en=english,
                name_id=indonesian,
                position=position,
                stalled_after_days=days,
                is_final=final,
            )
            for order, (title, due) in enumerate(tasks):
                StageTaskTemplate.objects.create(
                    stage=stage, title=title, due_in_days=due, position=order
                )
    grant_permissions(apps, "work", GRANTS)


def unseed(apps, schema_editor):
    apps.get_model("work", "StageTaskTemplate").objects.all().delete()
    apps.get_model("work", "Onboarding").objects.all().delete()
    apps.get_model("work", "Stage").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("work", "0003_onboarding"),
        ("accounts", "0002_create_roles"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
