import uuid
from datetime import date

import pytest
from django.db.models import Avg, Sum
from rich.progress import Progress

from setia.customers.demo_load import DEMO_SOURCE
from setia.history.actions import record_change
from setia.history.models import AuditEntry
from setia.metrics import demo_load
from setia.metrics.models import CustomerMonthlyMetric, CustomerRollup, StoreDailyMetric
from setia.test import make_customer, make_store

REFERENCE = date(2026, 11, 29)


@pytest.fixture
def shops(db):
    """Twenty demo customers with fixed codes (the demo draws each one's profile from its
    code)."""
    stores = []
    for number in range(20):
        customer = make_customer(status="active", code=uuid.UUID(int=number + 1))
        record_change(
            customer=customer,
            actor=None,
            action=AuditEntry.Action.CREATE,
            instance=customer,
            source=DEMO_SOURCE,
        )
        stores.append(
            make_store(customer, launched_on=date(2024, 1, 1), code=uuid.UUID(int=100 + number))
        )
        if number % 4 == 0:
            stores.append(make_store(customer, kind="marketplace", launched_on=None))
    return stores


def load():
    return demo_load.load(seed=1, people=None, reference=REFERENCE, progress=Progress(disable=True))


def snapshot():
    return list(StoreDailyMetric.objects.order_by("store_id", "day").values_list())


def test_it_loads_a_year_for_each_launched_store_then_recomputes(shops):
    summary = load()

    launched = [store for store in shops if store.launched_on]
    for store in launched:
        days = StoreDailyMetric.objects.filter(store=store)
        assert days.count() == 365
        assert days.order_by("day").first().day == date(2025, 11, 29)
        assert days.order_by("day").last().day == date(2026, 11, 28)
    assert summary.startswith(f"metrics days created={StoreDailyMetric.objects.count()} ")
    assert CustomerRollup.objects.filter(as_of=REFERENCE).count() == 20
    assert CustomerMonthlyMetric.objects.exists()


def test_it_is_deterministic_and_skips_when_loaded(shops):
    load()
    first = snapshot()

    assert load() == "metrics skipped: already loaded"
    StoreDailyMetric.objects.all().delete()
    load()
    assert snapshot() == first


def test_it_has_the_sales_peaks_and_ramadan(shops):
    load()

    def average(**filters):
        return StoreDailyMetric.objects.filter(**filters).aggregate(Avg("gmv"))["gmv__avg"]

    usual = average(day__range=(date(2026, 9, 1), date(2026, 10, 31)))
    assert average(day=date(2026, 11, 11)) > 2 * usual
    assert average(day=date(2025, 12, 12)) > 2 * usual
    before = average(day__range=(date(2026, 1, 15), date(2026, 2, 10)))
    assert average(day__range=(date(2026, 3, 6), date(2026, 3, 19))) > 1.3 * before
    assert average(day__range=(date(2026, 3, 21), date(2026, 3, 26))) < 0.8 * before


def test_customers_grow_stay_flat_or_decline(shops):
    load()

    def total(**filters):
        return StoreDailyMetric.objects.filter(**filters).aggregate(Sum("gmv"))["gmv__sum"]

    ratios = []
    for store in [store for store in shops if store.launched_on]:
        early = total(store=store, day__range=(date(2025, 12, 15), date(2026, 1, 31)))
        late = total(store=store, day__range=(date(2026, 9, 15), date(2026, 10, 31)))
        ratios.append(late / early)
    assert min(ratios) < 0.85
    assert max(ratios) > 1.2
