from django.db import migrations

# The Indonesian names of the seeded categories, and the other names sheets use for them (in
# either language). A category renamed by an admin keeps its name: only blanks are filled.
NAMES = {
    "fashion": ("Fesyen", "Fashion, Pakaian, Baju, Busana"),
    "plus-size-fashion": ("Fesyen Plus Size", "Plus Size, Big Size, Jumbo, Ukuran Besar"),
    "muslim-fashion": (
        "Fesyen Muslim",
        "Busana Muslim, Fashion Muslim, Modest Fashion, Hijab, Gamis",
    ),
    "home-living": (
        "Perlengkapan Rumah",
        "Rumah Tangga, Perabot, Perabotan, Home Decor, Dekorasi Rumah, Furnitur",
    ),
    "food-beverage": (
        "Makanan & Minuman",
        "F&B, FnB, Food, Food & Beverage, Food and Beverage, Makanan, Minuman, Kuliner",
    ),
    "beauty": ("Kecantikan", "Kosmetik, Skincare, Perawatan Kulit, Make Up"),
    "health": ("Kesehatan & Kebugaran", "Kesehatan, Health, Wellness, Herbal, Jamu"),
    "accessories": ("Aksesori", "Aksesoris, Asesoris, Perhiasan"),
    "kids-baby": ("Anak & Bayi", "Anak, Bayi, Ibu & Bayi, Ibu dan Anak, Mainan Anak"),
    "electronics": ("Elektronik", "Gadget, Elektronika"),
    "hobby": ("Hobi & Kerajinan", "Kerajinan, Hobi, Kriya, Craft, Handmade, Kerajinan Tangan"),
    "other": ("Lainnya", "Lain-lain, Lain, Others, Misc"),
}


def fill_names(apps, schema_editor):
    Category = apps.get_model("customers", "Category")
    for category in Category.objects.filter(slug__in=NAMES):
        name_id, aliases = NAMES[category.slug]
        category.name_id = category.name_id or name_id
        category.aliases = category.aliases or aliases
        category.save(update_fields=["name_id", "aliases"])


class Migration(migrations.Migration):
    dependencies = [("customers", "0008_category_names_in_both_languages")]

    operations = [migrations.RunPython(fill_names, migrations.RunPython.noop)]
