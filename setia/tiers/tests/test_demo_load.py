from datetime import timedelta
from io import StringIO

from django.core.management import call_command

from setia.library.models import ExampleStore, Guide, GuideVersion
from setia.metrics.models import StoreDailyMetric
from setia.segments.models import Segment
from setia.tiers.models import CustomerTier, TierChange, TierSnapshot


def _load() -> str:
    out = StringIO()
    call_command("load_demo", customers=24, seed=5, verbosity=0, stdout=out)
    return out.getvalue()


def test_it_computes_tiers_with_a_history_and_creates_segments(db):
    output = _load()

    assert CustomerTier.objects.count() == 24
    assert "tiers runs=8 assigned=24" in output
    assert TierSnapshot.objects.values("day").distinct().count() == 8
    assert TierChange.objects.filter(direction="new").count() == 24
    shared = set(Segment.objects.filter(is_shared=True).values_list("name", flat=True))
    assert {"Platinum di Jakarta Selatan", "Fashion at risk"} <= shared
    assert Segment.objects.filter(is_shared=False).count() == 2


def test_it_fills_the_sales_library_in_indonesian_with_two_versions(db):
    output = _load()

    assert Guide.objects.count() == 12
    assert "library guides created=12" in output
    fashion = Guide.objects.get(category__slug="fashion")
    assert "Tabel ukuran" in fashion.talking_points
    versions = list(fashion.versions.order_by("number"))
    assert len(versions) == 2
    assert versions[1].published_at - versions[0].published_at == timedelta(days=31)
    assert ExampleStore.objects.filter(guide=fashion).count() == min(
        2, fashion.category.customers.count()
    )
    assert all(example.screenshot.name.endswith(".png") for example in ExampleStore.objects.all())


def test_it_adds_nothing_when_run_again(db):
    _load()
    counts = (
        CustomerTier.objects.count(),
        TierChange.objects.count(),
        Segment.objects.count(),
        GuideVersion.objects.count(),
        ExampleStore.objects.count(),
    )

    output = _load()

    assert "tiers runs=1" in output
    assert "segments created=0" in output
    assert "library guides created=0" in output
    assert (
        CustomerTier.objects.count(),
        TierChange.objects.count(),
        Segment.objects.count(),
        GuideVersion.objects.count(),
        ExampleStore.objects.count(),
    ) == counts


def test_it_replays_history_over_the_metrics_demo_and_ends_on_todays_rollups(db):
    from setia.lib.dates import today
    from setia.metrics.models import CustomerRollup

    _load()

    assert StoreDailyMetric.objects.exists()  # the metrics demo ran first
    assert set(CustomerRollup.objects.values_list("as_of", flat=True)) == {today()}
    assignments = CustomerTier.objects.select_related("customer__rollup")
    assert all(a.gmv_90d == a.customer.rollup.gmv_90d for a in assignments)
    assert all(a.computed_on == today() for a in assignments)
    first_day = TierChange.objects.order_by("changed_on").first().changed_on
    assert first_day < today() - timedelta(days=100)
