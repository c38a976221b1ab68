from django.db import migrations

from setia.lib.migrations import grant_permissions, revoke_permissions

# Default tiers and their general thresholds on 90-day GMV, in rupiah. A small merchant on the
# platform sells a few million rupiah a month; the seed sheet's top stores sell several hundred
# million. Managers change these on the tiers page.
TIERS = [
    ("platinum", "Platinum", "#5b6b8c", 1, 1_500_000_000),
    ("gold", "Gold", "#b8860b", 2, 300_000_000),
    ("silver", "Silver", "#7c8794", 3, 60_000_000),
    ("bronze", "Bronze", "#a0522d", 4, 0),
]
GRANTS = {
    "manager": [
        "view_tier",
        "change_tier",
        "view_tierrule",
        "add_tierrule",
        "change_tierrule",
        "delete_tierrule",
    ],
    "executive": ["view_tier", "view_tierrule"],
    "intern": ["view_tier", "view_tierrule"],
    "viewer": ["view_tier", "view_tierrule"],
}


def create_tiers(apps, schema_editor):
    Tier = apps.get_model("tiers", "Tier")
    TierRule = apps.get_model("tiers", "TierRule")
    for slug, name, colour, position, minimum in TIERS:
        tier, created = Tier.objects.get_or_create(
            slug=slug, defaults={"name": name, "colour": colour, "position": position}
        )
        if created:
            TierRule.objects.create(tier=tier, category=None, min_gmv_90d=minimum)
    grant_permissions(apps, "tiers", GRANTS)


def remove_tiers(apps, schema_editor):
    revoke_permissions(apps, "tiers")
    apps.get_model("tiers", "Tier").objects.filter(
        slug__in=[slug for slug, *_rest in TIERS], assignments__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tiers", "0001_initial"),
        ("accounts", "0002_create_roles"),
    ]

    operations = [migrations.RunPython(create_tiers, remove_tiers)]
