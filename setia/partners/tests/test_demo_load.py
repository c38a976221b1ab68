import datetime

import pytest
from django.db.models import F
from rich.progress import Progress

from setia.customers.demo_load import load_demo_customers, load_demo_people
from setia.customers.models import Customer
from setia.history.models import EventKind, TimelineEvent
from setia.partners import demo_load, ratecards
from setia.partners.models import (
    ActionItem,
    Meeting,
    Partner,
    Programme,
    RateCardVersion,
    Referral,
)
from setia.partners.stages import Stage


@pytest.mark.django_db
def test_it_loads_the_seeds_partners_programmes_and_meetings_once():
    people = load_demo_people()
    reference = datetime.date(2026, 12, 1)
    with Progress(disable=True) as progress:
        load_demo_customers(
            count=60, seed=5, people=people, reference=reference, on_progress=lambda n: None
        )
        # Ranks 1 to 4 in turn, as the tier demo leaves them.
        Customer.objects.update(tier_rank=F("id") % 4 + 1)
        summary = demo_load.load(seed=5, people=people, reference=reference, progress=progress)
        again = demo_load.load(seed=5, people=people, reference=reference, progress=progress)

    assert set(Partner.objects.values_list("name", flat=True)) == {
        "JNE",
        "OCBC",
        "Frame a Trip",
        "SAP Express",
        "Midtrans",
        "Intive Studio",
    }
    assert summary.startswith("partners created=6")
    assert summary.endswith("rate_card_versions=4")
    assert again == "partners created=0 offered=0 meetings=0 rate_card_versions=0"
    # Two versions a courier, the second with changes of every kind, two weeks old.
    for courier in ("JNE", "SAP Express"):
        first, second = RateCardVersion.objects.filter(partner__name=courier).order_by("number")
        assert first.created_at < second.created_at
        assert second.created_at.date() == reference - datetime.timedelta(days=14)
        parts = ratecards.diff_parts(first.rows.all(), second.rows.all())
        assert all(part.exists() for part in parts.values()), courier
    jne = Programme.objects.get(partner__name="JNE")
    ranks = set(
        Referral.objects.filter(programme=jne).values_list("customer__tier_rank", flat=True)
    )
    assert ranks == {1, 2}
    for programme in Programme.objects.all():
        counts = {
            stage: Referral.objects.filter(programme=programme, stage=stage).count()
            for stage in Stage.values
        }
        total = sum(counts.values())
        assert total == programme.eligible_customers().count()
        # Every step a referral took is one event on its merchant's timeline.
        reached = {
            "offered": total,
            "interested": total - counts["offered"],
            "referred": counts["referred"] + counts["active"],
            "active": counts["active"],
        }
        for stage, number in reached.items():
            events = TimelineEvent.objects.filter(
                kind=EventKind.PARTNER, data__programme_id=programme.pk, data__stage=stage
            )
            assert events.count() == number, (programme.name, stage)
    assert Referral.objects.filter(stage=Stage.ACTIVE).exists()
    assert Meeting.objects.count() == 5
    assert Meeting.objects.filter(partner__isnull=True).count() == 1
    assert not ActionItem.objects.filter(task__isnull=True).exists()
    assert ActionItem.objects.count() == 7
