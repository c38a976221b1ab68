import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from setia.customers.models import Category
from setia.history.models import EventKind, TimelineEvent
from setia.partners import actions
from setia.partners.models import Programme, Referral
from setia.partners.stages import Stage
from setia.partners.tests.factories import make_programme, set_tier
from setia.test import make_customer


@pytest.fixture
def fashion(db):
    return Category.objects.get(slug="fashion")


@pytest.fixture
def food(db):
    return Category.objects.get(slug="food-beverage")


@pytest.fixture
def merchants(team_a, executive, fashion, food):
    """One merchant per case of a "Gold and up, fashion only" programme."""
    cases = {
        "platinum_fashion": ("platinum", fashion),
        "gold_fashion": ("gold", fashion),
        "silver_fashion": ("silver", fashion),
        "gold_food": ("gold", food),
        "untiered_fashion": (None, fashion),
    }
    return {
        key: set_tier(make_customer(team=team_a, owner=executive, name=key, category=cat), tier)
        for key, (tier, cat) in cases.items()
    }


# Eligibility by tier and category


def test_gold_and_up_in_a_category_takes_gold_and_platinum_of_that_category(merchants, fashion):
    programme = make_programme(min_tier="gold", categories=[fashion])

    eligible = set(programme.eligible_customers().values_list("name", flat=True))

    assert eligible == {"platinum_fashion", "gold_fashion"}
    for key, customer in merchants.items():
        assert programme.is_eligible(customer) is (key in eligible), key
        assert (programme in Programme.objects.eligible_for(customer)) is (key in eligible), key


def test_without_rules_every_live_merchant_is_eligible_even_without_a_tier(merchants):
    programme = make_programme()

    assert set(programme.eligible_customers()) == set(merchants.values())
    assert all(programme.is_eligible(customer) for customer in merchants.values())


def test_a_tier_rule_alone_takes_every_category(merchants):
    programme = make_programme(min_tier="gold")

    assert set(programme.eligible_customers().values_list("name", flat=True)) == {
        "platinum_fashion",
        "gold_fashion",
        "gold_food",
    }


def test_deleted_merchants_are_not_eligible(merchants):
    programme = make_programme()
    merchants["gold_food"].deleted_at = merchants["gold_food"].created_at
    merchants["gold_food"].save()

    assert merchants["gold_food"] not in programme.eligible_customers()


# Offering


def test_offering_puts_each_eligible_merchant_at_offered_with_an_event(merchants, executive):
    programme = make_programme(min_tier="gold")

    offered = actions.offer_programme(programme=programme, actor=executive)

    assert offered == 3
    rows = Referral.objects.filter(programme=programme)
    assert {r.customer.name for r in rows} == {"platinum_fashion", "gold_fashion", "gold_food"}
    assert {r.stage for r in rows} == {Stage.OFFERED}
    events = TimelineEvent.objects.filter(kind=EventKind.PARTNER)
    assert {e.customer_id for e in events} == {r.customer_id for r in rows}
    event = events.first()
    assert event.actor == executive
    assert event.source_type == "partners.referral"
    assert event.data["stage"] == "offered"
    assert event.data["partner"] == "JNE"


def test_offering_again_offers_only_the_new_ones(merchants, executive):
    programme = make_programme(min_tier="gold")
    actions.offer_programme(programme=programme, actor=executive)
    set_tier(merchants["silver_fashion"], "gold")

    assert actions.offer_programme(programme=programme, actor=executive) == 1
    assert TimelineEvent.objects.filter(kind=EventKind.PARTNER).count() == 4


def test_offering_skips_merchants_the_actor_cannot_see(merchants, other_executive):
    programme = make_programme()

    assert actions.offer_programme(programme=programme, actor=other_executive) == 0
    assert not Referral.objects.exists()


def test_offering_takes_the_same_queries_for_many_merchants(team_a, executive, fashion):
    def queries_for(count: int) -> int:
        programme = make_programme(name=f"Programme for {count}")
        for _ in range(count):
            make_customer(team=team_a, owner=executive, category=fashion)
        with CaptureQueriesContext(connection) as context:
            actions.offer_programme(programme=programme, actor=executive)
        return len(context.captured_queries)

    queries_for(1)  # the actor's permissions are read once, then cached on the user

    assert queries_for(2) == queries_for(20)


# The funnel


def _offered(customer, executive, **programme_fields):
    programme = make_programme(**programme_fields)
    actions.offer_programme(programme=programme, actor=executive)
    return Referral.objects.get(programme=programme, customer=customer)


def test_the_funnel_moves_one_step_at_a_time_each_on_the_timeline(customer, executive):
    referral = _offered(customer, executive)

    for stage in (Stage.INTERESTED, Stage.REFERRED, Stage.ACTIVE):
        actions.advance_referral(referral=referral, stage=stage, actor=executive)

    referral.refresh_from_db()
    assert referral.stage == Stage.ACTIVE
    assert referral.offered_at <= referral.interested_at <= referral.referred_at
    assert referral.referred_at <= referral.activated_at
    stages = list(
        TimelineEvent.objects.filter(customer=customer, kind=EventKind.PARTNER)
        .order_by("occurred_at", "id")
        .values_list("data__stage", flat=True)
    )
    assert stages == ["offered", "interested", "referred", "active"]


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (Stage.OFFERED, Stage.REFERRED),  # skips a step
        (Stage.OFFERED, Stage.ACTIVE),
        (Stage.REFERRED, Stage.INTERESTED),  # backwards
        (Stage.ACTIVE, Stage.ACTIVE),  # already at the end
        (Stage.OFFERED, Stage.OFFERED),
        (Stage.OFFERED, "declined"),  # no such stage
    ],
)
def test_invalid_transitions_are_refused_and_change_nothing(customer, executive, start, target):
    referral = _offered(customer, executive)
    Referral.objects.filter(pk=referral.pk).update(stage=start)
    referral.refresh_from_db()
    events_before = TimelineEvent.objects.count()

    with pytest.raises(actions.PartnerError):
        actions.advance_referral(referral=referral, stage=target, actor=executive)

    referral.refresh_from_db()
    assert referral.stage == start
    assert TimelineEvent.objects.count() == events_before


def test_the_step_reads_in_the_readers_language(customer, executive):
    referral = _offered(customer, executive, name="Diskon ongkir")
    actions.advance_referral(referral=referral, stage=Stage.INTERESTED, actor=executive)
    event = TimelineEvent.objects.filter(kind=EventKind.PARTNER, data__stage="interested").get()

    with translation.override("en"):
        assert event.text == "JNE — Diskon ongkir: Interested"
    with translation.override("id"):
        assert event.text == "JNE — Diskon ongkir: Tertarik"
