"""The org chart, its history, the move and lead forms, the people pages and directory."""

import xml.etree.ElementTree as ET
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from setia.accounts.models import Role, Team, User
from setia.cadence.models import TeamMembership
from setia.cadence.org import actions
from setia.cadence.org.chart import org_chart, render_svg
from setia.cadence.org.models import Expertise, OrgChange
from setia.knowledge.tests.factories import make_article
from setia.partners.models import Meeting as PartnerMeeting
from setia.partners.tests.factories import make_partner
from setia.test import make_customer, make_team, make_user

CHART = reverse("cadence:org-chart")
HISTORY = reverse("cadence:org-history")
MOVE = reverse("cadence:org-change")
LEAD = reverse("cadence:org-lead")
PEOPLE = reverse("cadence:people")
SVG = "{http://www.w3.org/2000/svg}"


def _person_url(user):
    return reverse("cadence:person", args=[user.pk])


@pytest.fixture
def org(team_a, team_b, manager, executive, intern, other_executive):
    """Team A led by the executive (3 customers) with an intern; team B with its executive
    (1 customer, 1 deleted) and no lead; the manager in no team, owning 2."""
    team_a.lead = executive
    team_a.save()
    for _n in range(3):
        make_customer(team=team_a, owner=executive)
    make_customer(team=team_b, owner=other_executive)
    make_customer(team=team_b, owner=other_executive, deleted_at=timezone.now())
    for _n in range(2):
        make_customer(team=team_b, owner=manager)
    return {"a": team_a, "b": team_b}


def test_the_chart_has_every_team_lead_and_member_with_their_counts(
    org, manager, executive, intern, other_executive
):
    columns = org_chart()

    assert [column.team for column in columns] == [org["a"], org["b"], None]
    team_a, team_b, loose = columns
    assert team_a.lead.user == executive
    assert team_a.lead.role == Role.EXECUTIVE
    assert team_a.lead.owned == 3
    assert [(p.user, p.role, p.owned) for p in team_a.members] == [(intern, Role.INTERN, 0)]
    assert team_a.owned == 3
    assert team_b.lead is None
    assert [(p.user, p.owned) for p in team_b.members] == [(other_executive, 1)]  # deleted: not
    assert [(p.user, p.role, p.owned) for p in loose.members] == [(manager, Role.MANAGER, 2)]


def test_the_svg_is_well_formed_and_draws_every_person(org, team_a):
    odd = make_user(Role.EXECUTIVE, team=team_a, full_name='Ani & <Budi> "Toko"')

    svg = render_svg(org_chart(), "Setia")
    root = ET.fromstring(svg)

    assert root.tag == f"{SVG}svg"
    texts = [element.text for element in root.iter(f"{SVG}text")]
    for user in (odd, *team_a.members.all()):
        assert str(user) in texts
    assert "Team A" in texts and "Team B" in texts
    assert "script" not in svg and "href" not in svg  # nothing to run, nothing fetched


def test_the_page_shows_the_chart_and_the_list_to_everyone_signed_in(client, org, viewer):
    client.force_login(viewer)

    response = client.get(CHART)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and 'id="org-list"' in html
    assert _person_url(org["a"].lead) in html
    assert reverse("cadence:org-change") not in html  # no change for a viewer
    client.logout()
    assert client.get(CHART).status_code == 302


def test_the_chart_is_a_fixed_number_of_queries(client, org, manager, django_assert_num_queries):
    client.force_login(manager)
    client.get(CHART)
    with django_assert_num_queries(QUERIES_CHART):
        client.get(CHART)
    for _n in range(6):
        person = make_user(Role.EXECUTIVE, team=make_team())
        make_customer(team=person.team, owner=person)

    with django_assert_num_queries(QUERIES_CHART):
        response = client.get(CHART)

    assert len(response.context["columns"]) == 9


QUERIES_CHART = 5


def test_a_manager_moves_a_person_from_the_form_with_history(client, org, manager, executive):
    client.force_login(manager)

    response = client.post(MOVE, {"person": executive.pk, "team": org["b"].pk})

    assert response.status_code == 302
    executive.refresh_from_db()
    org["a"].refresh_from_db()
    assert executive.team == org["b"]
    assert org["a"].lead is None  # a lead who leaves stops leading
    stretches = list(TeamMembership.objects.filter(user=executive).order_by("started_at"))
    assert [s.team for s in stretches] == [org["a"], org["b"]]
    assert stretches[0].ended_at == stretches[1].started_at
    kinds = list(OrgChange.objects.order_by("id").values_list("kind", "team", "actor"))
    assert kinds == [("lead", org["a"].pk, manager.pk), ("moved", org["b"].pk, manager.pk)]
    history = client.get(HISTORY).content.decode()
    assert f"{executive} pindah dari Team A ke Team B" in history  # in the reader's language
    assert "Team A tanpa ketua" in history


def test_moving_nowhere_changes_nothing(client, org, manager, intern):
    client.force_login(manager)

    response = client.post(MOVE, {"person": intern.pk, "team": org["a"].pk})

    assert response.status_code == 302
    assert not OrgChange.objects.exists()
    assert not TeamMembership.objects.exists()


def test_a_manager_sets_a_teams_lead_among_its_members(client, org, manager, other_executive):
    client.force_login(manager)

    refused = client.post(LEAD, {"team": org["a"].pk, "lead": other_executive.pk})
    done = client.post(LEAD, {"team": org["b"].pk, "lead": other_executive.pk})

    assert refused.status_code == 400
    assert "Hanya anggota tim yang dapat memimpinnya" in refused.content.decode()
    assert done.status_code == 302
    org["a"].refresh_from_db()
    org["b"].refresh_from_db()
    assert org["a"].lead != other_executive
    assert org["b"].lead == other_executive
    change = OrgChange.objects.get()
    assert (change.kind, change.person, change.previous_person) == ("lead", other_executive, None)


@pytest.mark.parametrize("role", ["executive", "intern", "viewer"])
def test_only_managers_and_admins_change_teams(client, org, role, team_a, intern):
    client.force_login(make_user(role, team=team_a))

    assert client.get(MOVE).status_code == 403
    assert client.post(MOVE, {"person": intern.pk, "team": ""}).status_code == 403
    assert client.post(LEAD, {"team": team_a.pk, "lead": ""}).status_code == 403
    intern.refresh_from_db()
    assert intern.team == team_a
    assert not OrgChange.objects.exists()


def test_only_admins_change_roles(client, org, manager, admin_user, intern):
    client.force_login(manager)
    assert "role" not in client.get(MOVE).context["form"].fields
    client.post(MOVE, {"person": intern.pk, "team": org["a"].pk, "role": Role.ADMIN})
    assert intern.role == Role.INTERN

    client.force_login(admin_user)
    response = client.post(MOVE, {"person": intern.pk, "team": org["a"].pk, "role": "executive"})
    own = client.post(MOVE, {"person": admin_user.pk, "team": org["a"].pk, "role": "viewer"})

    assert response.status_code == 302
    assert User.objects.get(pk=intern.pk).role == Role.EXECUTIVE
    change = OrgChange.objects.get()
    assert (change.kind, change.role_before, change.role_after) == ("role", "intern", "executive")
    assert own.status_code == 400
    assert OrgChange.objects.count() == 1  # nothing half-saved: not even the team move
    admin_user.refresh_from_db()
    assert admin_user.team is None


def test_a_person_page_says_who_to_ask_for_what(client, org, manager, executive, viewer):
    make_article(
        actor=manager,
        owner=executive,
        key="cod",
        area="payment",
        question_id="Apakah toko bisa menerima COD?",
    )
    partner = make_partner(name="JNE")
    meeting = PartnerMeeting.objects.create(partner=partner, title="QBR", held_at=timezone.now())
    meeting.attendees.add(executive)
    actions.set_expertise(person=executive, topics=["COD", "Shopee"], actor=executive)
    viewer.language = "en"
    viewer.save(update_fields=["language"])
    client.force_login(viewer)

    response = client.get(_person_url(executive))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Team A" in html and "Executive" in html
    assert f"{reverse('customers:customer-list')}?owner={executive.pk}" in html
    assert "3 customers" in html
    assert "COD" in html and "Shopee" in html and "JNE" in html
    assert f"{reverse('knowledge:article-list')}?area=payment" in html
    assert response.context["form"] is None  # not theirs to edit


def test_people_edit_their_own_topics_and_managers_anyones(client, org, manager, executive, intern):
    client.force_login(intern)
    assert client.post(_person_url(executive), {"topics": "x"}).status_code == 403
    response = client.post(_person_url(intern), {"topics": "COD, Midtrans\ncod\n  Foto  produk "})
    assert response.status_code == 302
    assert list(intern.expertise.values_list("topic", flat=True)) == [
        "COD",
        "Foto produk",
        "Midtrans",
    ]
    too_long = client.post(_person_url(intern), {"topics": "x" * 61})
    assert too_long.status_code == 400
    assert intern.expertise.count() == 3

    client.force_login(manager)
    assert client.post(_person_url(executive), {"topics": "Shopee"}).status_code == 302
    assert list(Expertise.objects.filter(person=executive).values_list("topic", flat=True)) == [
        "Shopee"
    ]


def test_the_directory_finds_who_knows_about_a_topic(
    client, org, manager, executive, intern, other_executive, django_assert_num_queries
):
    make_article(
        actor=manager,
        owner=other_executive,
        key="cod",
        area="payment",
        question_id="Apakah toko bisa menerima COD?",
    )
    actions.set_expertise(person=intern, topics=["cod"], actor=intern)
    partner = make_partner(name="SiCepat")
    meeting = PartnerMeeting.objects.create(partner=partner, title="QBR", held_at=timezone.now())
    meeting.attendees.add(executive)
    client.force_login(manager)
    client.get(PEOPLE)

    with django_assert_num_queries(QUERIES_DIRECTORY):
        cod = client.get(PEOPLE, {"q": "COD"})
    cepat = client.get(PEOPLE, {"q": "sicepat"})
    everyone = client.get(PEOPLE)

    assert [row[0] for row in cod.context["rows"]] == sorted(
        [intern, other_executive], key=lambda user: user.full_name
    )
    assert [row[0] for row in cepat.context["rows"]] == [executive]
    assert len(everyone.context["rows"]) == 4
    assert "Tidak ada orang untuk" in client.get(PEOPLE, {"q": "zzz"}).content.decode()


QUERIES_DIRECTORY = 8


def test_the_demo_builds_a_team_with_history_once(db):
    call_command("load_demo", customers=24, seed=5, verbosity=0, stdout=StringIO())
    changes = OrgChange.objects.count()
    out = StringIO()
    call_command("load_demo", customers=24, seed=5, verbosity=0, stdout=out)

    team = Team.objects.get(name="Tim Onboarding")
    assert team.lead.full_name == "Nadia Rahmawati"
    assert set(OrgChange.objects.values_list("kind", flat=True)) == {"moved", "lead", "role"}
    assert changes == 4 and OrgChange.objects.count() == 4
    assert "org chart: 0 changes, 0 topics listed" in out.getvalue()
    assert Expertise.objects.filter(topic="COD").count() == 2


def test_the_person_and_history_pages_are_a_fixed_number_of_queries(
    client, org, manager, executive, intern, django_assert_num_queries
):
    client.force_login(manager)
    client.get(_person_url(executive))
    with django_assert_num_queries(QUERIES_PERSON):
        client.get(_person_url(executive))
    with django_assert_num_queries(QUERIES_HISTORY - 1):  # nothing counted: no rows read
        client.get(HISTORY)
    for team in (org["b"], org["a"], None, org["b"]):
        actions.move_person(person=executive, team=team, actor=manager)
        actions.move_person(person=intern, team=team, actor=manager)
    actions.set_expertise(person=executive, topics=["COD", "Shopee", "Midtrans"], actor=manager)

    with django_assert_num_queries(QUERIES_PERSON):
        client.get(_person_url(executive))
    with django_assert_num_queries(QUERIES_HISTORY):
        response = client.get(HISTORY)

    assert len(response.context["page"].object_list) == 9  # the lead's leaving, then 8 moves


QUERIES_PERSON = 11
QUERIES_HISTORY = 5
