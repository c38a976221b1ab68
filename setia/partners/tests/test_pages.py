import pytest
from django.urls import reverse

from setia.history.models import EventKind, TimelineEvent
from setia.partners import actions
from setia.partners.models import Partner, Referral
from setia.partners.stages import Stage
from setia.partners.tests.factories import make_partner, make_programme, set_tier
from setia.test import make_customer

LIST = reverse("partners:partner-list")


@pytest.fixture
def offered(customer, team_b, other_executive, manager):
    """A Gold-and-up programme offered to one merchant of team A and one of team B."""
    set_tier(customer, "gold")
    theirs = set_tier(make_customer(team=team_b, owner=other_executive, name="Toko B"), "gold")
    programme = make_programme(min_tier="gold")
    actions.offer_programme(programme=programme, actor=manager)
    return programme, Referral.objects.get(customer=customer), Referral.objects.get(customer=theirs)


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("persona", ["manager", "executive", "intern", "viewer"])
def test_every_page_opens_for_every_role_in_both_languages(
    client, request, persona, language, offered
):
    programme, _ours, _theirs = offered
    user = request.getfixturevalue(persona)
    user.language = language
    user.save()
    client.force_login(user)

    for url in (
        LIST,
        programme.partner.get_absolute_url(),
        programme.get_absolute_url(),
        reverse("partners:meeting-list"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Content-Language"] == language
    title = {"id": "Mitra", "en": "Partners"}[language]
    assert f"<h1>{title}</h1>" in client.get(LIST).text


def test_the_programme_page_shows_only_the_merchants_the_reader_may_see(
    client, executive, other_executive, offered
):
    programme, ours, _theirs = offered
    client.force_login(executive)

    response = client.get(programme.get_absolute_url())

    assert [r.pk for r in response.context["page"].object_list] == [ours.pk]
    assert {value: count for value, _label, count in response.context["funnel"]} == {
        "offered": 1,
        "interested": 0,
        "referred": 0,
        "active": 0,
    }
    assert "Toko B" not in response.text


def test_another_teams_referral_cannot_be_moved(client, other_executive, offered):
    _programme, ours, _theirs = offered
    client.force_login(other_executive)

    response = client.post(
        reverse("partners:referral-advance", args=[ours.pk]), {"stage": "interested"}
    )

    assert response.status_code == 404
    ours.refresh_from_db()
    assert ours.stage == Stage.OFFERED


def test_moving_a_merchant_puts_the_step_on_its_timeline(client, executive, customer, offered):
    _programme, ours, _theirs = offered
    client.force_login(executive)

    response = client.post(
        reverse("partners:referral-advance", args=[ours.pk]), {"stage": "interested"}
    )

    assert response.status_code == 302
    ours.refresh_from_db()
    assert ours.stage == Stage.INTERESTED
    assert TimelineEvent.objects.filter(
        customer=customer, kind=EventKind.PARTNER, data__stage="interested"
    ).exists()
    timeline = client.get(reverse("engagement:timeline", args=[customer.code]))
    assert "JNE — Diskon ongkir 20%" in timeline.text


def test_a_skipped_step_is_refused_with_a_message(client, executive, offered):
    _programme, ours, _theirs = offered
    client.force_login(executive)

    response = client.post(
        reverse("partners:referral-advance", args=[ours.pk]), {"stage": "active"}, follow=True
    )

    ours.refresh_from_db()
    assert ours.stage == Stage.OFFERED
    assert "cannot move" in response.text or "tidak bisa" in response.text


def test_a_viewer_reads_but_cannot_offer_or_move(client, viewer, offered):
    programme, ours, _theirs = offered
    client.force_login(viewer)

    assert client.post(reverse("partners:programme-offer", args=[programme.pk])).status_code == 403
    assert (
        client.post(
            reverse("partners:referral-advance", args=[ours.pk]), {"stage": "interested"}
        ).status_code
        == 403
    )


def test_the_offer_button_offers_the_visible_eligible_merchants(client, executive, team_a):
    programme = make_programme(min_tier="gold")
    set_tier(make_customer(team=team_a, owner=executive), "platinum")
    set_tier(make_customer(team=team_a, owner=executive), "bronze")
    client.force_login(executive)

    page = client.get(programme.get_absolute_url())
    assert page.context["eligible_new"] == 1
    client.post(reverse("partners:programme-offer", args=[programme.pk]))

    assert Referral.objects.filter(programme=programme).count() == 1


def test_partners_are_created_with_contacts_agreements_and_programmes(client, manager):
    client.force_login(manager)

    response = client.post(
        reverse("partners:partner-create"),
        {"name": "SAP Express", "kind": "logistics", "status": "active", "website": "sap.id"},
    )
    partner = Partner.objects.get()
    assert response.status_code == 302
    assert partner.website == "https://sap.id"
    client.post(
        reverse("partners:contact-add", args=[partner.pk]),
        {"name": "Dewi", "phone": "0812-3456-7890"},
    )
    bad = client.post(
        reverse("partners:agreement-add", args=[partner.pk]),
        {"title": "PKS", "starts_on": "01/12/2026", "ends_on": "01/11/2026"},
    )
    client.post(
        reverse("partners:programme-add", args=[partner.pk]),
        {"name": "Ongkir hemat", "offer": "Diskon 10%", "min_tier": "", "starts_on": "2026-12-01"},
    )

    assert partner.contacts.get().phone == "+6281234567890"
    assert bad.status_code == 200 and "ends_on" in bad.context["form"].errors
    assert not partner.agreements.exists()
    assert partner.programmes.get().name == "Ongkir hemat"


def test_the_partner_list_reads_a_fixed_number_of_queries(
    client, executive, django_assert_num_queries
):
    for name in ("JNE", "OCBC", "Midtrans"):
        make_programme(make_partner(name=name))
    client.force_login(executive)
    client.get(LIST)

    with django_assert_num_queries(5) as context:
        response = client.get(LIST)

    assert len(response.context["page"].object_list) == 3
    make_partner(name="Intive Studio", kind=Partner.Kind.AGENCY)
    with django_assert_num_queries(len(context.captured_queries)):
        client.get(LIST)


def test_the_programme_page_reads_a_fixed_number_of_queries(
    client, manager, team_a, django_assert_num_queries
):
    programme = make_programme()
    for _ in range(3):
        make_customer(team=team_a)
    actions.offer_programme(programme=programme, actor=manager)
    client.force_login(manager)
    client.get(programme.get_absolute_url())

    with django_assert_num_queries(10) as context:
        client.get(programme.get_absolute_url())

    for _ in range(3):
        make_customer(team=team_a)
    actions.offer_programme(programme=programme, actor=manager)
    with django_assert_num_queries(len(context.captured_queries)):
        client.get(programme.get_absolute_url())
