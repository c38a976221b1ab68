from datetime import date

from django.utils import timezone

from setia.metrics.models import CustomerRollup


def set_gmv(customer, gmv_90d: int, *, as_of: date = date(2026, 11, 1)) -> CustomerRollup:
    """Give `customer` a 90-day GMV rollup (replacing any)."""
    rollup, _created = CustomerRollup.objects.update_or_create(
        customer=customer,
        defaults={"gmv_90d": gmv_90d, "as_of": as_of, "computed_at": timezone.now()},
    )
    return rollup


def restore_reference_data() -> None:
    """Recreate what migrations seed (role groups with their permissions, categories, tiers).

    A transactional test (the browser tests) flushes the database afterwards; Django then
    recreates content types and permissions but not the data migrations' rows. Idempotent.
    """
    import importlib

    from django.contrib.auth.models import Group, Permission

    from setia.customers.models import Category
    from setia.tiers.models import Tier, TierRule

    def migration(dotted):
        return importlib.import_module(dotted)

    roles = migration("setia.accounts.migrations.0002_create_roles").ROLES
    grants = [
        ("segments", migration("setia.segments.migrations.0002_role_permissions").GRANTS),
        ("tiers", migration("setia.tiers.migrations.0002_default_tiers").GRANTS),
        ("playbook", migration("setia.playbook.migrations.0002_role_permissions").GRANTS),
    ]
    for role, dotted_names in roles.items():
        group, _created = Group.objects.get_or_create(name=role)
        if dotted_names is None:
            group.permissions.set(Permission.objects.all())
            continue
        names = [name.split(".") for name in dotted_names]
        names += [(app, codename) for app, table in grants for codename in table.get(role, [])]
        for app_label, codename in names:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
    for position, (slug, name) in enumerate(
        migration("setia.customers.migrations.0002_seed_categories").CATEGORIES
    ):
        Category.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})
    for slug, name, colour, position, minimum in migration(
        "setia.tiers.migrations.0002_default_tiers"
    ).TIERS:
        tier, created = Tier.objects.get_or_create(
            slug=slug, defaults={"name": name, "colour": colour, "position": position}
        )
        if created:
            TierRule.objects.create(tier=tier, category=None, min_gmv_90d=minimum)
