from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from setia.lib.dates import month_start
from setia.metrics.actions import recompute_rollups
from setia.metrics.models import CustomerMonthlyMetric, CustomerRollup, StoreDailyMetric
from setia.metrics.tasks import recompute_nightly
from setia.test import make_customer, make_store

TODAY = date(2026, 6, 15)
FIELDS = [
    "gmv_30d", "gmv_90d", "gmv_prev_90d", "orders_30d", "orders_90d", "orders_prev_90d",
    "gmv_growth_pct",
]  # fmt: skip


@pytest.fixture(autouse=True)
def _metrics_steps_only(settings):
    """Other apps append their own steps to RECOMPUTE_STEPS; these tests are about metrics'."""
    settings.RECOMPUTE_STEPS = ["setia.metrics.actions.recompute_rollups"]


@pytest.fixture
def shops(db):
    """Three customers: two stores, one store, and none."""
    customers = [make_customer() for _ in range(3)]
    stores = [
        make_store(customers[0]),
        make_store(customers[0]),
        make_store(customers[1]),
    ]
    return customers, stores


def expected_rollups(customers, stores, metrics, today):
    """The brute-force definition: plain Python over every row."""
    owner = {store.pk: store.customer_id for store in stores}
    totals = {customer.pk: defaultdict(int) for customer in customers}
    for store_id, day, gmv, orders in metrics:
        age = (today - day).days  # 1 = yesterday; today and the future do not count
        figures = totals[owner[store_id]]
        if 1 <= age <= 30:
            figures["gmv_30d"] += gmv
            figures["orders_30d"] += orders
        if 1 <= age <= 90:
            figures["gmv_90d"] += gmv
            figures["orders_90d"] += orders
        elif 91 <= age <= 180:
            figures["gmv_prev_90d"] += gmv
            figures["orders_prev_90d"] += orders
    result = {}
    for customer_id, figures in totals.items():
        previous = figures["gmv_prev_90d"]
        growth = (figures["gmv_90d"] - previous) * 100 / previous if previous else None
        result[customer_id] = (
            figures["gmv_30d"], figures["gmv_90d"], previous,
            figures["orders_30d"], figures["orders_90d"], figures["orders_prev_90d"], growth,
        )  # fmt: skip
    return result


def expected_months(stores, metrics, today):
    owner = {store.pk: store.customer_id for store in stores}
    start = month_start(today, -12)
    months = defaultdict(lambda: [0, 0])
    for store_id, day, gmv, orders in metrics:
        if start <= day < today:
            key = (owner[store_id], day.replace(day=1))
            months[key][0] += gmv
            months[key][1] += orders
    return {key: tuple(value) for key, value in months.items()}


metric_rows = st.lists(
    st.tuples(
        st.integers(0, 2),  # which store
        # days before `today` (negative: the future), often right on a window's edge
        st.one_of(st.sampled_from([0, 1, 30, 31, 90, 91, 180, 181]), st.integers(-3, 400)),
        st.integers(0, 5_000_000_000),  # GMV in rupiah
        st.integers(0, 5_000),  # orders
    ),
    max_size=60,
    unique_by=lambda row: (row[0], row[1]),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=metric_rows, today_shift=st.integers(0, 40))
def test_rollups_and_months_equal_a_brute_force_computation(shops, rows, today_shift):
    customers, stores = shops
    today = TODAY + timedelta(days=today_shift)
    StoreDailyMetric.objects.all().delete()
    CustomerMonthlyMetric.objects.all().delete()  # months before the window are kept
    metrics = [
        (stores[index].pk, today - timedelta(days=age), gmv, orders)
        for index, age, gmv, orders in rows
    ]
    StoreDailyMetric.objects.bulk_create(
        StoreDailyMetric(
            store_id=store_id, day=day, gmv=gmv, orders=orders, visitors=1, uptime_pct=100,
            errors=0,
        )
        for store_id, day, gmv, orders in metrics
    )  # fmt: skip

    written = recompute_rollups(today=today)

    assert written == 3
    actual = {
        rollup.customer_id: tuple(getattr(rollup, name) for name in FIELDS)
        for rollup in CustomerRollup.objects.all()
    }
    expected = expected_rollups(customers, stores, metrics, today)
    for customer_id, row in expected.items():
        *sums, growth = row
        assert list(actual[customer_id][:6]) == sums
        assert actual[customer_id][6] == (pytest.approx(growth) if growth is not None else None)
    assert CustomerRollup.objects.filter(as_of=today).count() == 3
    months = {
        (month.customer_id, month.month): (month.gmv, month.orders)
        for month in CustomerMonthlyMetric.objects.all()
    }
    assert months == expected_months(stores, metrics, today)


def test_it_overwrites_yesterdays_rollup(shops):
    customers, stores = shops
    StoreDailyMetric.objects.create(
        store=stores[2], day=TODAY - timedelta(days=1), gmv=700, orders=7, visitors=1,
        uptime_pct=100, errors=0,
    )  # fmt: skip
    recompute_rollups(today=TODAY)

    recompute_rollups(today=TODAY + timedelta(days=31))

    rollup = CustomerRollup.objects.get(customer=customers[1])
    assert (rollup.gmv_30d, rollup.gmv_90d, rollup.as_of) == (0, 700, TODAY + timedelta(days=31))
    assert rollup.gmv_growth_pct is None


def test_monthly_keeps_months_older_than_its_window(shops):
    customers, _stores = shops
    old = CustomerMonthlyMetric.objects.create(
        customer=customers[0], month=date(2024, 1, 1), gmv=5, orders=1
    )

    recompute_rollups(today=TODAY)

    assert CustomerMonthlyMetric.objects.get(pk=old.pk).gmv == 5


def test_a_second_run_rewrites_only_the_months_that_changed(shops):
    customers, stores = shops

    def metric(day, gmv):
        return StoreDailyMetric(
            store=stores[0], day=day, gmv=gmv, orders=1, visitors=1, uptime_pct=100, errors=0
        )

    StoreDailyMetric.objects.bulk_create(
        [metric(date(2026, 4, 10), 100), metric(date(2026, 5, 10), 200)]
    )
    recompute_rollups(today=TODAY)
    april = CustomerMonthlyMetric.objects.get(customer=customers[0], month=date(2026, 4, 1))
    StoreDailyMetric.objects.filter(day=date(2026, 5, 10)).update(gmv=250)
    StoreDailyMetric.objects.filter(day=date(2026, 4, 10)).delete()
    StoreDailyMetric.objects.bulk_create([metric(date(2026, 6, 1), 300)])

    recompute_rollups(today=TODAY)

    months = dict(
        CustomerMonthlyMetric.objects.filter(customer=customers[0]).values_list("month", "gmv")
    )
    assert months == {date(2026, 5, 1): 250, date(2026, 6, 1): 300}
    assert not CustomerMonthlyMetric.objects.filter(pk=april.pk).exists()
    assert CustomerRollup.objects.get(customer=customers[0]).gmv_90d == 550


@time_machine.travel(datetime(2026, 6, 15, 3, 0, tzinfo=UTC), tick=False)
def test_the_command_prints_each_steps_rows_and_time(shops):
    stdout = StringIO()

    call_command("recompute", "--today", "2026-06-15", stdout=stdout)

    lines = stdout.getvalue().splitlines()
    assert lines[0].startswith("setia.metrics.actions.recompute_rollups: rows=3 seconds=")
    assert lines[1].startswith("recompute as of 2026-06-15: seconds=")
    rollup = CustomerRollup.objects.first()
    assert rollup.computed_at == datetime(2026, 6, 15, 3, 0, tzinfo=UTC)


def test_the_command_runs_the_configured_steps(shops, settings):
    settings.RECOMPUTE_STEPS = ["setia.tiers.actions.assign_tiers"]
    stdout = StringIO()

    call_command("recompute", stdout=stdout)

    assert stdout.getvalue().startswith("setia.tiers.actions.assign_tiers: rows=")
    assert not CustomerRollup.objects.exists()


@time_machine.travel(datetime(2026, 6, 15, 19, 0, tzinfo=UTC), tick=False)
def test_the_nightly_job_computes_as_of_today_in_jakarta(shops):
    steps = recompute_nightly()

    assert [name for name, _rows, _seconds in steps] == ["setia.metrics.actions.recompute_rollups"]
    # 19:00 UTC is 02:00 the next day in Jakarta.
    assert CustomerRollup.objects.first().as_of == date(2026, 6, 16)


def test_the_nightly_job_is_on_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["metrics-recompute-nightly"]

    assert entry["task"] == recompute_nightly.name
