from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from setia.customers.models import Category
from setia.history.models import TimelineEvent
from setia.test import make_customer
from setia.tiers.actions import assign_tiers
from setia.tiers.models import CustomerTier, Tier, TierChange, TierRule, TierSnapshot
from setia.tiers.tests.factories import set_gmv

DAY = date(2026, 11, 1)
# The seeded general thresholds (migration 0002): Platinum 1.5 bn, Gold 300 M, Silver 60 M.
GOLD = 300_000_000
SILVER = 60_000_000


def _tier(customer) -> str:
    return CustomerTier.objects.select_related("tier").get(customer=customer).tier.slug


def _run(days: int = 0) -> int:
    return assign_tiers(today=DAY + timedelta(days=days))


@pytest.fixture
def shop(db):
    return make_customer(name="Toko Emas")


def test_it_assigns_the_highest_tier_reached(shop):
    set_gmv(shop, GOLD)
    no_rollup = make_customer(name="Baru")

    moved = _run()

    assert moved == 2
    assert _tier(shop) == "gold"
    assert _tier(no_rollup) == "bronze"
    change = TierChange.objects.get(customer=shop)
    assert (change.old_tier, change.new_tier.slug) == (None, "gold")
    assert (change.direction, change.reason) == ("new", "first")
    assert (change.gmv_90d, change.threshold, change.rule.tier.slug) == (GOLD, GOLD, "gold")
    assert change.rule_category is None


def test_it_moves_up_at_once(shop):
    set_gmv(shop, SILVER)
    _run()
    set_gmv(shop, 1_500_000_000)

    moved = _run(1)

    assert moved == 1
    assert _tier(shop) == "platinum"
    change = TierChange.objects.filter(customer=shop).first()
    assert (change.old_tier.slug, change.new_tier.slug) == ("silver", "platinum")
    assert (change.direction, change.reason) == ("up", "reached")
    assert (change.gmv_90d, change.threshold) == (1_500_000_000, 1_500_000_000)
    assert CustomerTier.objects.get(customer=shop).since == DAY + timedelta(days=1)


def test_it_keeps_the_tier_within_the_ten_percent_buffer(shop):
    set_gmv(shop, GOLD)
    _run()
    set_gmv(shop, GOLD * 90 // 100)  # exactly 10% below: not more than 10%

    for day in range(1, 5):
        assert _run(day) == 0

    assignment = CustomerTier.objects.get(customer=shop)
    assert (assignment.tier.slug, assignment.runs_below) == ("gold", 0)


def test_it_moves_down_after_two_runs_more_than_ten_percent_below(shop):
    set_gmv(shop, GOLD)
    _run()
    set_gmv(shop, GOLD * 90 // 100 - 1)

    first = _run(1)
    assignment = CustomerTier.objects.get(customer=shop)
    assert (first, assignment.tier.slug, assignment.runs_below) == (0, "gold", 1)

    second = _run(2)

    assert second == 1
    assignment.refresh_from_db()
    assert (assignment.tier.slug, assignment.runs_below) == ("silver", 0)
    assert (assignment.threshold, assignment.since) == (SILVER, DAY + timedelta(days=2))
    change = TierChange.objects.filter(customer=shop).first()
    assert (change.old_tier.slug, change.new_tier.slug) == ("gold", "silver")
    assert (change.direction, change.reason) == ("down", "fell_below")
    # The figures that caused the fall: the GMV against the old tier's threshold.
    assert (change.gmv_90d, change.threshold, change.rule.tier.slug) == (
        GOLD * 90 // 100 - 1,
        GOLD,
        "gold",
    )


def test_it_resets_the_count_when_a_run_is_back_within_the_buffer(shop):
    set_gmv(shop, GOLD)
    _run()
    set_gmv(shop, GOLD // 2)
    _run(1)  # one run below
    set_gmv(shop, GOLD * 95 // 100)
    _run(2)  # back within 10%: the count restarts
    set_gmv(shop, GOLD // 2)

    assert _run(3) == 0
    assert _tier(shop) == "gold"
    assert _run(4) == 1
    assert _tier(shop) == "silver"


def test_it_does_not_count_a_rerun_on_the_same_day_twice(shop):
    set_gmv(shop, GOLD)
    _run()
    set_gmv(shop, 1)

    _run(1)
    _run(1)
    _run(1)

    assignment = CustomerTier.objects.get(customer=shop)
    assert (assignment.tier.slug, assignment.runs_below) == ("gold", 1)
    assert _run(2) == 1
    assert _tier(shop) == "bronze"  # falls to the tier it qualifies for, skipping Silver


def test_it_applies_a_categorys_own_threshold(shop):
    fashion = Category.objects.get(slug="fashion")
    gold = Tier.objects.get(slug="gold")
    rule = TierRule.objects.create(tier=gold, category=fashion, min_gmv_90d=200_000_000)
    shop.category = fashion
    shop.save(update_fields=["category"])
    other = make_customer(category=Category.objects.get(slug="beauty"))
    set_gmv(shop, 250_000_000)
    set_gmv(other, 250_000_000)

    _run()

    assert (_tier(shop), _tier(other)) == ("gold", "silver")
    change = TierChange.objects.get(customer=shop)
    assert (change.threshold, change.rule, change.rule_category) == (200_000_000, rule, fashion)


def test_it_moves_at_once_when_the_current_tiers_rule_is_removed(shop):
    fashion = Category.objects.get(slug="fashion")
    shop.category = fashion
    shop.save(update_fields=["category"])
    set_gmv(shop, GOLD)
    _run()
    # Gold now exists only for beauty; fashion's general Gold rule is gone.
    TierRule.objects.filter(tier__slug="gold").update(category=Category.objects.get(slug="beauty"))

    assert _run(1) == 1

    change = TierChange.objects.filter(customer=shop).first()
    assert (change.reason, change.new_tier.slug) == ("rule_removed", "silver")


def test_it_skips_deleted_customers_and_snapshots_counts(shop):
    from django.utils import timezone

    set_gmv(shop, GOLD)
    make_customer(name="Gone", deleted_at=timezone.now())
    make_customer(name="Small")

    _run()

    assert CustomerTier.objects.count() == 2
    snapshot = dict(TierSnapshot.objects.filter(day=DAY).values_list("tier__slug", "customers"))
    assert snapshot == {"gold": 1, "bronze": 1}


def test_it_issues_a_constant_number_of_queries(db):
    def run_with(count: int, day: int) -> int:
        for number in range(count):
            set_gmv(make_customer(name=f"Q{day}-{number}"), number * 10_000_000)
        with CaptureQueriesContext(connection) as queries:
            _run(day)
        return len(queries.captured_queries)

    few = run_with(2, 0)
    many = run_with(60, 1)

    assert few == many
    assert few <= 14  # 12, and the two that copy the sort keys onto the customer rows
    assert CustomerTier.objects.count() == 62


def test_each_move_is_on_the_customers_timeline(shop):
    set_gmv(shop, SILVER)
    _run()
    set_gmv(shop, GOLD)

    _run(1)

    events = TimelineEvent.objects.filter(customer=shop, kind="tier").order_by("id")
    assert [event.summary for event in events] == ["Silver", "Silver → Gold"]
    latest = events.last()
    change = TierChange.objects.filter(customer=shop).first()
    assert (latest.source_type, latest.source_id) == ("tiers.tierchange", str(change.pk))
    assert latest.actor is None
    assert latest.data == {
        "old_tier": "Silver",
        "new_tier": "Gold",
        "old_tier_name_id": "Perak",
        "new_tier_name_id": "Emas",
        "direction": "up",
        "tier_reason": "reached",
        "gmv_90d": GOLD,
        "threshold": GOLD,
    }


def test_a_move_written_by_an_indonesian_run_names_the_tiers_in_indonesian(shop):
    set_gmv(shop, SILVER)
    with translation.override("id"):
        _run()
        set_gmv(shop, GOLD)
        _run(1)

    events = TimelineEvent.objects.filter(customer=shop, kind="tier").order_by("id")
    assert [event.summary for event in events] == ["Perak", "Perak → Emas"]


def test_a_second_run_on_the_same_day_puts_no_second_event(shop):
    set_gmv(shop, GOLD)
    _run()

    _run()

    assert TimelineEvent.objects.filter(customer=shop, kind="tier").count() == 1


def test_the_list_sort_keys_follow_the_run_on_the_customer_rows(shop):
    set_gmv(shop, GOLD)
    before = (shop.version, shop.updated_at)

    _run()
    set_gmv(shop, SILVER)
    _run(days=1)  # Gold falls only after two runs below its threshold
    later = make_customer(name="Belum Dinilai")

    shop.refresh_from_db()
    later.refresh_from_db()
    gold = Tier.objects.get(slug="gold")
    assert (shop.tier_rank, shop.gmv_90d) == (gold.position, SILVER)
    assert (later.tier_rank, later.gmv_90d) == (None, None)
    assert (shop.version, shop.updated_at) == before  # not an edit


def test_a_rank_changed_in_the_admin_reaches_the_customer_rows(shop, admin_client):
    set_gmv(shop, GOLD)
    _run()
    gold = Tier.objects.get(slug="gold")
    free = max(Tier.objects.values_list("position", flat=True)) + 1

    response = admin_client.post(
        f"/admin/tiers/tier/{gold.pk}/change/",
        {"name": gold.name, "slug": gold.slug, "colour": gold.colour, "position": free},
    )

    assert response.status_code == 302
    shop.refresh_from_db()
    assert shop.tier_rank == free


def test_a_run_for_a_past_day_dates_its_moves_on_that_day(shop):
    set_gmv(shop, SILVER)

    _run()

    event = TimelineEvent.objects.get(customer=shop, kind="tier")
    jakarta = ZoneInfo("Asia/Jakarta")
    assert event.occurred_at == datetime(2026, 11, 1, 2, 0, tzinfo=jakarta)


def test_todays_run_dates_its_moves_now(shop, time_machine):
    time_machine.move_to(datetime(2026, 11, 1, 3, 15, tzinfo=ZoneInfo("Asia/Jakarta")), tick=False)
    set_gmv(shop, SILVER)

    _run()

    event = TimelineEvent.objects.get(customer=shop, kind="tier")
    assert event.occurred_at == datetime(2026, 11, 1, 3, 15, tzinfo=ZoneInfo("Asia/Jakarta"))
