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
