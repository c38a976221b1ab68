import datetime

from setia.customers.models import Customer
from setia.partners.models import Partner, Programme
from setia.tiers.models import Tier


def make_partner(**fields) -> Partner:
    name = fields.pop("name", "JNE")
    fields.setdefault("kind", Partner.Kind.LOGISTICS)
    return Partner.objects.get_or_create(name=name, defaults=fields)[0]


def make_programme(
    partner: Partner | None = None, *, min_tier: str | None = None, categories=(), **fields
) -> Programme:
    fields.setdefault("name", "Diskon ongkir 20%")
    fields.setdefault("offer", "Potongan ongkir 20% untuk semua layanan reguler.")
    fields.setdefault("starts_on", datetime.date(2026, 1, 1))
    programme = Programme.objects.create(
        partner=partner or make_partner(),
        min_tier=Tier.objects.get(slug=min_tier) if min_tier else None,
        **fields,
    )
    programme.categories.set(categories)
    return programme


def set_tier(customer: Customer, slug: str | None) -> Customer:
    """Give `customer` the rank of tier `slug` as the nightly tier run keeps it on its row."""
    rank = Tier.objects.get(slug=slug).position if slug else None
    Customer.objects.filter(pk=customer.pk).update(tier_rank=rank)
    customer.tier_rank = rank
    return customer
