import pytest
from django.urls import reverse

from setia.campaigns import actions
from setia.campaigns.models import Campaign, Participant
from setia.campaigns.statuses import ParticipantStatus
from setia.campaigns.tests.factories import make_campaign
from setia.customers.models import Category
from setia.history.models import EventKind, TimelineEvent
from setia.segments.tests.factories import make_segment
from setia.test import make_customer

LIST = reverse("campaigns:campaign-list")


@pytest.fixture
def audience(customer, team_a, team_b, executive, other_executive):
    """A fashion segment: two fashion merchants of team A, one of team B, one F&B of team A."""
    fashion = Category.objects.get(slug="fashion")
    customer.category = fashion
    customer.save()
    make_customer(team=team_a, owner=executive, name="Kain Kirana", category=fashion)
    make_customer(team=team_b, owner=other_executive, name="Toko B", category=fashion)
    make_customer(team=team_a, owner=executive, category=Category.objects.get(slug="beauty"))
    segment = make_segment(executive, name="Fashion", query="category=fashion", is_shared=True)
    return make_campaign(segment=segment)


def test_inviting_the_segment_invites_its_visible_merchants_once(audience, executive):
    invited = actions.invite_audience(campaign=audience, actor=executive)
    again = actions.invite_audience(campaign=audience, actor=executive)

    assert (invited, again) == (2, 0)
    assert set(Participant.objects.values_list("customer__name", flat=True)) == {
        "Batik Lestari",
        "Kain Kirana",
    }
    events = TimelineEvent.objects.filter(kind=EventKind.CAMPAIGN)
    assert events.count() == 2
    assert {e.data["status"] for e in events} == {"invited"}


def test_a_campaign_without_a_segment_cannot_invite(executive):
    with pytest.raises(actions.CampaignError):
        actions.invite_audience(campaign=make_campaign(), actor=executive)


def test_joining_is_recorded_once_on_the_timeline(audience, executive, customer):
    actions.invite_audience(campaign=audience, actor=executive)
    participant = Participant.objects.get(customer=customer)

    actions.join(participant=participant, actor=executive)
    with pytest.raises(actions.CampaignError):
        actions.join(participant=participant, actor=executive)

    participant.refresh_from_db()
    assert participant.status == ParticipantStatus.JOINED and participant.joined_at
    assert TimelineEvent.objects.filter(customer=customer, data__status="joined").count() == 1


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("persona", ["manager", "executive", "intern", "viewer"])
def test_the_pages_open_for_every_role_in_both_languages(
    client, request, persona, language, audience, manager
):
    actions.invite_audience(campaign=audience, actor=manager)
    user = request.getfixturevalue(persona)
    user.language = language
    user.save()
    client.force_login(user)

    for url in (LIST, audience.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Content-Language"] == language
    title = {"id": "Kampanye", "en": "Campaigns"}[language]
    assert f"<h1>{title}</h1>" in client.get(LIST).text


def test_the_page_lists_only_the_readers_participants(client, audience, manager, executive):
    actions.invite_audience(campaign=audience, actor=manager)
    client.force_login(executive)

    response = client.get(audience.get_absolute_url())

    assert response.context["counts"] == {"invited": 2, "joined": 0}
    assert "Toko B" not in response.text


def test_another_teams_participant_cannot_be_marked_joined(
    client, audience, manager, other_executive, customer
):
    actions.invite_audience(campaign=audience, actor=manager)
    ours = Participant.objects.get(customer=customer)
    client.force_login(other_executive)

    response = client.post(reverse("campaigns:participant-join", args=[ours.pk]))

    assert response.status_code == 404
    ours.refresh_from_db()
    assert ours.status == ParticipantStatus.INVITED


def test_a_campaign_is_created_from_the_form(client, executive):
    segment = make_segment(executive)
    client.force_login(executive)

    response = client.post(
        reverse("campaigns:campaign-create"),
        {
            "name": "Midtrans pemulihan UMKM",
            "objective": "Ajak UMKM terdampak memakai harga khusus",
            "channels": ["whatsapp", "instagram_story"],
            "segment": segment.pk,
            "starts_on": "01/12/2026",
            "ends_on": "31/12/2026",
        },
    )
    bad = client.post(
        reverse("campaigns:campaign-create"),
        {"name": "X", "objective": "Y", "starts_on": "2026-12-10", "ends_on": "2026-12-01"},
    )

    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert campaign.channels == ["whatsapp", "instagram_story"]
    assert campaign.created_by == executive
    assert bad.status_code == 200 and "ends_on" in bad.context["form"].errors


def test_someone_elses_private_segment_cannot_be_the_audience(client, executive, manager):
    theirs = make_segment(manager, name="Private")
    client.force_login(executive)

    response = client.post(
        reverse("campaigns:campaign-create"),
        {
            "name": "X",
            "objective": "Y",
            "segment": theirs.pk,
            "starts_on": "2026-12-01",
            "ends_on": "2026-12-02",
        },
    )

    assert "segment" in response.context["form"].errors


def test_the_list_reads_a_fixed_number_of_queries(client, executive, django_assert_num_queries):
    for number in range(3):
        make_campaign(name=f"C{number}")
    client.force_login(executive)
    client.get(LIST)

    with django_assert_num_queries(5) as context:
        client.get(LIST)

    make_campaign(name="Another")
    with django_assert_num_queries(len(context.captured_queries)):
        client.get(LIST)


def test_the_campaign_page_reads_a_fixed_number_of_queries(
    client, audience, manager, team_a, django_assert_num_queries
):
    actions.invite_audience(campaign=audience, actor=manager)
    client.force_login(manager)
    client.get(audience.get_absolute_url())

    with django_assert_num_queries(11) as context:
        client.get(audience.get_absolute_url())

    fashion = Category.objects.get(slug="fashion")
    for _ in range(3):
        make_customer(team=team_a, category=fashion)
    actions.invite_audience(campaign=audience, actor=manager)
    with django_assert_num_queries(len(context.captured_queries)):
        client.get(audience.get_absolute_url())
