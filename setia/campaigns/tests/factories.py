import datetime
import random

from setia.campaigns.models import Campaign
from setia.metrics.models import StoreDailyMetric
from setia.test import make_store


def make_campaign(**fields) -> Campaign:
    fields.setdefault("name", "Frame a Trip Instagram")
    fields.setdefault("objective", "Naikkan penjualan lewat foto produk baru")
    fields.setdefault("starts_on", datetime.date(2026, 11, 1))
    fields.setdefault("ends_on", datetime.date(2026, 11, 14))
    fields.setdefault("channels", ["instagram_post", "admin_banner"])
    return Campaign.objects.create(**fields)


def plant_gmv(customer, days, gmv_of_day, *, seed: int = 0, noise: float = 0.02) -> None:
    """One store for `customer` with a daily GMV of `gmv_of_day(day)`, give or take `noise`
    (a share, uniformly drawn per day)."""
    rng = random.Random(seed)
    store = make_store(customer)
    StoreDailyMetric.objects.bulk_create(
        StoreDailyMetric(
            store=store,
            day=day,
            gmv=round(gmv_of_day(day) * rng.uniform(1 - noise, 1 + noise)),
            orders=10,
            visitors=100,
            uptime_pct=100,
            errors=0,
        )
        for day in days
    )
