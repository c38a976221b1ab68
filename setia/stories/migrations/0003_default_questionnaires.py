from django.db import migrations

# The two questionnaires a new installation starts with, editable afterwards: the home-living
# campaign's interview (its sheet's columns: the brand, who speaks, the brand's background, its
# value proposition, best sellers, and what selling online changed) and a general one.
QUESTIONNAIRES = {
    "Home living": (
        "Wawancara merchant kategori home living untuk kampanye dan tim PR.",
        [
            ("Apa nama brand Anda?", "What is your brand called?"),
            (
                "Boleh perkenalkan diri: nama dan posisi Anda di brand ini?",
                "Please introduce yourself: your name and your role at the brand.",
            ),
            (
                "Bagaimana brand ini bermula, dan apa cerita di baliknya?",
                "How did the brand start, and what is the story behind it?",
            ),
            (
                "Apa yang membuat produk Anda berbeda dari yang lain?",
                "What sets your products apart from others?",
            ),
            (
                "Produk apa yang paling laris, dan mengapa pembeli menyukainya?",
                "Which products sell best, and why do buyers like them?",
            ),
            (
                "Apa yang berubah sejak berjualan lewat toko online Anda sendiri?",
                "What has changed since you started selling through your own online store?",
            ),
        ],
    ),
    "Umum": (
        "Pertanyaan kisah sukses untuk merchant kategori apa pun (newsletter, blog).",
        [
            (
                "Ceritakan singkat tentang usaha Anda dan siapa pembelinya.",
                "Tell us briefly about your business and who buys from you.",
            ),
            (
                "Bagaimana Anda berjualan sebelum punya toko online?",
                "How did you sell before you had an online store?",
            ),
            (
                "Apa yang membuat Anda memilih toko online sendiri?",
                "What made you choose an online store of your own?",
            ),
            (
                "Apa hasil yang paling terasa: pesanan, pembeli baru, atau waktu yang dihemat?",
                "What results do you feel most: orders, new buyers, or time saved?",
            ),
            (
                "Fitur apa yang paling membantu usaha Anda?",
                "Which feature helps your business most?",
            ),
            (
                "Apa saran Anda untuk pelaku UMKM yang baru mulai berjualan online?",
                "What would you tell small businesses just starting to sell online?",
            ),
        ],
    ),
}


def create(apps, schema_editor):
    Questionnaire = apps.get_model("stories", "Questionnaire")
    Question = apps.get_model("stories", "Question")
    for name, (description, questions) in QUESTIONNAIRES.items():
        questionnaire, created = Questionnaire.objects.get_or_create(
            name=name, defaults={"description": description}
        )
        if created:
            Question.objects.bulk_create(
                Question(questionnaire=questionnaire, position=n, text_id=text_id, text_en=text_en)
                for n, (text_id, text_en) in enumerate(questions)
            )


def remove(apps, schema_editor):
    Questionnaire = apps.get_model("stories", "Questionnaire")
    Questionnaire.objects.filter(name__in=QUESTIONNAIRES, stories__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("stories", "0002_role_permissions")]

    operations = [migrations.RunPython(create, remove)]
