"""Demo tiers with a history, and a few segments (load_demo runs this after metrics' demo)."""

from datetime import date, timedelta

from rich.progress import Progress

from setia.customers.demo_load import only_demo_customers
from setia.lib.dates import month_start
from setia.metrics.actions import recompute_rollups, replay_gmv_90d
from setia.segments.models import Segment
from setia.tiers.actions import assign_tiers
from setia.tiers.models import CustomerTier, TierChange, TierSnapshot

HISTORY_MONTHS = 6

# (owner index in DemoPeople.users, name, query, shared)
SEGMENTS = [
    (1, "Platinum di Jakarta Selatan", "city=Jakarta+Selatan&tier=platinum", True),
    (1, "Fashion at risk", "category=fashion&status=at_risk", True),
    (1, "Gold, GMV tertinggi", "sort=-gmv&tier=gold", True),
    (2, "Silver di Bandung", "city=Bandung&tier=silver", False),
    (4, "F&B yang masih onboarding", "category=food-beverage&status=onboarding", False),
]


def _run_days(reference: date) -> list[date]:
    """The first of each of the last months, then yesterday and today.

    The two last runs show the buffer at work: customers that grew move up at once, while
    those that fell more than 10% below their tier's threshold move down only at the second.
    """
    months = [month_start(reference, -back) for back in range(HISTORY_MONTHS, 0, -1)]
    return [*months, reference - timedelta(days=1), reference]


def load(*, seed: int, people, reference: date, progress: Progress) -> str:
    """Compute tiers as the nightly job would have over the last months, then today's.

    The metrics demo's recompute has usually assigned today's tiers already; without any history
    before today, that single run is replaced by the replay. Once a history exists only today's
    run happens (idempotent): replaying the past over a newer state would write a false history.
    Rollups end as of `reference`, as the metrics demo leaves them. Skipped next to customers
    the demo did not create: tiering is over all customers and puts their moves on their
    timelines, so it is left to the nightly job.
    """
    if not only_demo_customers():
        return (
            f"tiers skipped: customers not from the demo; segments created={_load_segments(people)}"
        )
    replay = not TierChange.objects.filter(changed_on__lt=reference).exists()
    if replay:
        TierChange.objects.all().delete()
        TierSnapshot.objects.all().delete()
        CustomerTier.objects.all().delete()
    days = _run_days(reference) if replay else [reference]
    bar = progress.add_task("Demo tiers", total=len(days))
    # The past runs need only the 90-day GMV tiers are assigned by, all from one scan of the
    # daily figures; today's run recomputes every rollup as the nightly job does.
    for day in replay_gmv_90d(days=days[:-1]):
        # The list's sort keys only at today's run: each run would rewrite every customer.
        assign_tiers(today=day, sort_keys=False)
        progress.advance(bar)
    recompute_rollups(today=reference)
    assign_tiers(today=reference)
    progress.advance(bar)
    created = _load_segments(people)
    moves = TierChange.objects.exclude(direction=TierChange.Direction.NEW).count()
    return (
        f"tiers runs={len(days)} assigned={CustomerTier.objects.count()} moves={moves} "
        f"segments created={created}"
    )


def _load_segments(people) -> int:
    created = 0
    for owner_index, name, query, shared in SEGMENTS:
        _segment, was_created = Segment.objects.get_or_create(
            owner=people.users[owner_index],
            name=name,
            defaults={"query": query, "is_shared": shared},
        )
        created += was_created
    return created
