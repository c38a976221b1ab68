from django.db import migrations

# The seed document's categories (fashion, plus-size fashion, home living, food) and the other
# usual UMKM verticals. Admins edit the list afterwards.
CATEGORIES = [
    ("fashion", "Fashion"),
    ("plus-size-fashion", "Plus-size Fashion"),
    ("muslim-fashion", "Muslim Fashion"),
    ("home-living", "Home Living"),
    ("food-beverage", "F&B"),
    ("beauty", "Beauty"),
    ("health", "Health & Wellness"),
    ("accessories", "Accessories"),
    ("kids-baby", "Kids & Baby"),
    ("electronics", "Electronics"),
    ("hobby", "Hobby & Craft"),
    ("other", "Other"),
]


def create_categories(apps, schema_editor):
    Category = apps.get_model("customers", "Category")
    for position, (slug, name) in enumerate(CATEGORIES):
        Category.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})


def remove_categories(apps, schema_editor):
    Category = apps.get_model("customers", "Category")
    Category.objects.filter(slug__in=[slug for slug, _name in CATEGORIES], customers__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]

    operations = [migrations.RunPython(create_categories, remove_categories)]
