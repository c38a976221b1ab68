import datetime

import pytest
from django.db.models import F
from rich.progress import Progress

from setia.campaigns import captions, demo_load
from setia.campaigns.models import Campaign, Participant, Promotion
from setia.customers.demo_load import load_demo_customers, load_demo_people
from setia.customers.models import Customer
from setia.history.models import EventKind, TimelineEvent
from setia.partners import demo_load as partners_demo


@pytest.mark.django_db
def test_it_loads_the_frame_a_trip_campaign_once():
    people = load_demo_people()
    reference = datetime.date(2026, 12, 1)
    with Progress(disable=True) as progress:
        load_demo_customers(
            count=60, seed=5, people=people, reference=reference, on_progress=lambda n: None
        )
        # Tiers as the nightly run leaves them (ranks 1 to 4 in turn): the initiative is for
        # the two lowest.
        Customer.objects.update(tier_rank=F("id") % 4 + 1)
        partners_demo.load(seed=5, people=people, reference=reference, progress=progress)
        summary = demo_load.load(seed=5, people=people, reference=reference, progress=progress)
        again = demo_load.load(seed=5, people=people, reference=reference, progress=progress)

    campaign = Campaign.objects.get(name=demo_load.NAME)
    fashion = Customer.objects.filter(category__slug="fashion").count()
    invited = Participant.objects.filter(campaign=campaign).count()
    joined = Participant.objects.filter(campaign=campaign, status="joined").count()
    initiative = Campaign.objects.get(name=demo_load.INITIATIVE)
    enrolled = initiative.participants.filter(status="joined").count()
    # A promotion for each of the first joined merchants, up to the demo's four.
    promotions = min(4, joined)
    assert summary == (
        f"campaigns created=1 invited={invited} joined={joined} promotions={promotions} "
        f"initiatives=1 enrolled={enrolled} milestones=4"
    )
    assert again == (
        "campaigns created=0 invited=0 joined=0 promotions=0 initiatives=0 enrolled=0 milestones=0"
    )
    # The promotions run in the reference week, so the weekly caption has something to list.
    monday = captions.week_start(reference)
    assert captions.running_in_week(Promotion.objects.all(), monday).count() == promotions
    # Half the segment is invited; the others are the comparison group the results need.
    assert 0 < joined < invited < fashion
    assert [p.name for p in campaign.partners.all()] == ["Frame a Trip"]
    # The TikTok programme: Bronze and Silver merchants only, some enrolled, two milestones done.
    assert initiative.is_initiative and enrolled > 0
    assert set(initiative.participants.values_list("customer__tier_rank", flat=True)) <= {3, 4}
    assert initiative.milestones.filter(done_at__isnull=False).count() == 2
    events = TimelineEvent.objects.filter(kind=EventKind.CAMPAIGN, data__campaign_id=campaign.pk)
    assert events.filter(data__status="invited").count() == invited
    assert events.filter(data__status="joined").count() == joined
