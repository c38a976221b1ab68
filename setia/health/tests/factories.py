import datetime
from decimal import Decimal

from setia.engagement.models import Interaction
from setia.health.models import FACTOR_ORDER, FactorSetting
from setia.metrics.models import StoreDailyMetric
from setia.test import make_store
from setia.work.tests.factories import at

DAY = datetime.date(2026, 11, 10)
MOMENT = at(10, 9)


def only_factors(*factors: str) -> None:
    """Count only `factors` (the others' settings rows say "not counted")."""
    for factor in FACTOR_ORDER:
        if factor not in factors:
            FactorSetting.objects.update_or_create(
                factor=factor, defaults={"is_active": False, "good": 0, "poor": 0}
            )


def contact(customer, days_ago: float, *, kind: str = "call", **fields) -> Interaction:
    return Interaction.objects.create(
        customer=customer,
        kind=kind,
        occurred_at=MOMENT - datetime.timedelta(days=days_ago),
        **fields,
    )


def uptime(customer, pct: str, *, days: int = 5, errors: int = 0) -> None:
    """A store of `customer` with `days` days of figures before DAY at `pct` uptime."""
    store = make_store(customer)
    StoreDailyMetric.objects.bulk_create(
        StoreDailyMetric(
            store=store,
            day=DAY - datetime.timedelta(days=n),
            gmv=100_000,
            orders=1,
            visitors=10,
            uptime_pct=Decimal(pct),
            errors=errors,
        )
        for n in range(1, days + 1)
    )
