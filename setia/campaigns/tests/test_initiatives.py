"""Initiatives: a programme for an audience of tiers and categories, enrolled merchants,
milestones, and its outcome measured as a campaign's (checked against a brute-force
computation on planted data); their pages and record rules."""

import datetime

import pytest
from django.urls import reverse

from setia.campaigns import actions, results
from setia.campaigns.models import Campaign, Milestone, Participant
from setia.campaigns.statuses import CampaignKind
from setia.campaigns.tests.factories import make_campaign, plant_gmv
from setia.campaigns.tests.test_results import DAYS, END, START, TODAY, _brute_force
from setia.customers.models import Category, Customer
from setia.partners.tests.factories import set_tier
from setia.test import make_customer
from setia.tiers.models import Tier

LIST = reverse("campaigns:initiative-list")


def _initiative(tiers=("bronze", "silver"), categories=(), **fields) -> Campaign:
    initiative = make_campaign(kind=CampaignKind.INITIATIVE, name="Program TikTok", **fields)
    initiative.audience_tiers.set(Tier.objects.filter(slug__in=tiers))
    initiative.audience_categories.set(Category.objects.filter(slug__in=categories))
    return initiative


@pytest.fixture
def programme(team_a, team_b, executive, other_executive):
    """The TikTok programme for Bronze and Silver fashion merchants: low-tier fashion
    merchants that enrol grow 20% from the start, the others stay flat; a Gold merchant and a
    Bronze food merchant are outside the audience; one Bronze merchant is another team's."""
    fashion = Category.objects.get(slug="fashion")
    food = Category.objects.get(slug="food-beverage")
    initiative = _initiative(categories=["fashion"])

    def merchant(name, tier, category=fashion, base=1_000_000, lift=1.0, team=team_a, seed=0):
        owner = executive if team == team_a else other_executive
        customer = set_tier(
            make_customer(team=team, owner=owner, name=name, category=category), tier
        )
        plant_gmv(customer, DAYS, lambda day: base * (lift if day >= START else 1), seed=seed)
        return customer

    enrolling = [
        merchant("Bronze 1", "bronze", base=400_000, lift=1.2, seed=1),
        merchant("Silver 1", "silver", base=900_000, lift=1.2, seed=2),
        merchant("Bronze 2", "bronze", base=600_000, lift=1.2, seed=3),
    ]
    flat = [
        merchant("Bronze 3", "bronze", base=500_000, seed=4),
        merchant("Silver 2", "silver", base=1_100_000, seed=5),
        merchant("Silver 3", "silver", base=700_000, seed=6),
    ]
    merchant("Gold", "gold", base=5_000_000, lift=2.0, seed=7)
    merchant("Food", "bronze", category=food, base=300_000, lift=2.0, seed=8)
    merchant("Team B", "bronze", base=450_000, lift=1.2, team=team_b, seed=9)
    return initiative, enrolling, flat


def _enrol(initiative, customers, actor):
    actions.invite_audience(
        campaign=initiative,
        actor=actor,
        customers=Customer.objects.filter(pk__in=[c.pk for c in customers]),
    )
    invited = initiative.participants.filter(status="invited")
    for participant in invited.select_related("customer", "campaign"):
        actions.join(participant=participant, actor=actor)


def test_the_audience_is_the_visible_merchants_of_its_tiers_and_categories(
    programme, executive, manager
):
    initiative, enrolling, flat = programme

    mine = set(actions.audience(initiative, executive).values_list("name", flat=True))
    every = set(actions.audience(initiative, manager).values_list("name", flat=True))

    assert mine == {c.name for c in enrolling + flat}
    assert every == mine | {"Team B"}


def test_an_audience_of_nothing_cannot_be_invited(executive):
    initiative = _initiative(tiers=())

    with pytest.raises(actions.CampaignError):
        actions.invite_audience(campaign=initiative, actor=executive)


def test_the_outcome_matches_a_brute_force_computation_and_finds_the_planted_20_percent(
    programme, executive
):
    initiative, enrolling, flat = programme
    _enrol(initiative, enrolling, executive)

    uplift = results.measure(initiative, Customer.objects.visible_to(executive), TODAY)

    assert (uplift.participants.merchants, uplift.comparison.merchants) == (3, 3)
    assert (uplift.during_from, uplift.during_to) == (START, END)
    difference, percent = _brute_force(
        {c.pk for c in enrolling}, {c.pk for c in flat}, uplift.before_from, START, END
    )
    assert uplift.difference == pytest.approx(difference, rel=1e-9)
    assert uplift.percent == pytest.approx(percent, rel=1e-9)
    assert uplift.percent == pytest.approx(20, abs=1.5)


def test_milestones_are_added_ticked_off_and_reopened(client, programme, executive):
    initiative, _enrolling, _flat = programme
    client.force_login(executive)
    add = reverse("campaigns:milestone-add", args=[initiative.pk])

    client.post(add, {"title": "Kelas live shopping", "due_on": "2026-11-05"})
    client.post(add, {"title": "", "due_on": "bukan tanggal"})  # refused, nothing saved
    milestone = Milestone.objects.get()
    client.post(reverse("campaigns:milestone-mark", args=[milestone.pk]), {"done": "1"})
    milestone.refresh_from_db()
    assert (milestone.title, milestone.due_on) == (
        "Kelas live shopping",
        datetime.date(2026, 11, 5),
    )
    assert milestone.done_at is not None and milestone.done_by == executive

    client.post(reverse("campaigns:milestone-mark", args=[milestone.pk]), {"done": "0"})
    milestone.refresh_from_db()
    assert milestone.done_at is None and milestone.done_by is None


def test_viewers_read_but_do_not_add_milestones(client, programme, viewer):
    initiative, _enrolling, _flat = programme
    client.force_login(viewer)

    assert client.get(initiative.get_absolute_url()).status_code == 200
    response = client.post(
        reverse("campaigns:milestone-add", args=[initiative.pk]),
        {"title": "X", "due_on": "2026-11-05"},
    )
    assert response.status_code == 403
    assert not Milestone.objects.exists()


def test_creating_an_initiative_keeps_its_kind_and_audience(client, executive):
    client.force_login(executive)
    silver = Tier.objects.get(slug="silver")

    response = client.post(
        reverse("campaigns:initiative-create"),
        {
            "name": "Program TikTok",
            "objective": "Live shopping",
            "audience_tiers": [silver.pk],
            "starts_on": "2026-11-01",
            "ends_on": "2026-12-31",
        },
    )

    initiative = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"] == initiative.get_absolute_url()
    assert initiative.is_initiative
    assert list(initiative.audience_tiers.all()) == [silver]


def test_the_lists_keep_campaigns_and_initiatives_apart(client, executive):
    make_campaign(name="Frame a Trip")
    _initiative()
    client.force_login(executive)

    campaigns = client.get(reverse("campaigns:campaign-list")).content.decode()
    initiatives = client.get(LIST).content.decode()

    assert "Frame a Trip" in campaigns and "Program TikTok" not in campaigns
    assert "Program TikTok" in initiatives and "Frame a Trip" not in initiatives


def test_the_initiative_page_shows_only_the_readers_enrolled_merchants(
    client, programme, manager, other_executive
):
    initiative, enrolling, _flat = programme
    _enrol(initiative, Customer.objects.filter(name__in=["Bronze 1", "Team B"]), manager)
    client.force_login(other_executive)

    page = client.get(initiative.get_absolute_url()).content.decode()

    assert "Team B" in page and "Bronze 1" not in page
    participant = Participant.objects.get(customer__name="Bronze 1")
    assert participant.status == "joined"
    # Another team's merchant cannot be marked through this team's user.
    invited = Participant.objects.create(
        campaign=initiative,
        customer=enrolling[1],
        status="invited",
        invited_at=participant.invited_at,
    )
    join = reverse("campaigns:participant-join", args=[invited.pk])
    assert client.post(join).status_code == 404


def test_the_initiatives_list_reads_a_fixed_number_of_queries(
    client, executive, django_assert_num_queries
):
    for number in range(2):
        actions.add_milestone(
            campaign=_initiative(), title=f"M{number}", due_on=START, actor=executive
        )
    client.force_login(executive)
    client.get(LIST)

    with django_assert_num_queries(5) as context:
        client.get(LIST)

    _initiative()
    with django_assert_num_queries(len(context.captured_queries)):
        client.get(LIST)


def test_the_initiative_page_reads_a_fixed_number_of_queries(
    client, programme, executive, django_assert_num_queries
):
    initiative, enrolling, _flat = programme
    _enrol(initiative, enrolling[:1], executive)
    actions.add_milestone(campaign=initiative, title="M", due_on=START, actor=executive)
    client.force_login(executive)
    client.get(initiative.get_absolute_url())

    with django_assert_num_queries(11) as context:
        client.get(initiative.get_absolute_url())

    _enrol(initiative, enrolling[1:], executive)
    actions.add_milestone(campaign=initiative, title="N", due_on=END, actor=executive)
    with django_assert_num_queries(len(context.captured_queries)):
        client.get(initiative.get_absolute_url())
