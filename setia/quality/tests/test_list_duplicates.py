import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from setia.quality import actions
from setia.quality.tests.factories import make_candidate
from setia.test import make_contact, make_customer, make_store

URL = reverse("quality:duplicate-list")


def _pairs(response) -> list[tuple[str, str]]:
    return [(c.customer_a.name, c.customer_b.name) for c in response.context["page"].object_list]


@pytest.fixture
def candidates(team_a, team_b):
    batik = make_customer(team=team_a, name="Batik Lestari")
    batik_official = make_customer(team=team_a, name="Batik Lestari Official")
    kopi = make_customer(team=team_a, name="Kopi Senja")
    kopi_store = make_customer(team=team_a, name="Kopi Senja Store")
    timur = make_customer(team=team_b, name="Rumah Timur")
    timur_official = make_customer(team=team_b, name="Rumah Timur Official")
    return {
        "batik": make_candidate(batik, batik_official, score=100),
        "kopi": make_candidate(kopi, kopi_store, score=92),
        "timur": make_candidate(timur, timur_official, score=97),
        "mixed": make_candidate(batik, timur, score=91),
    }


def test_it_lists_open_candidates_the_executive_may_see_best_first(client, executive, candidates):
    client.force_login(executive)

    response = client.get(URL)

    assert response.status_code == 200
    assert _pairs(response) == [
        ("Batik Lestari", "Batik Lestari Official"),
        ("Kopi Senja", "Kopi Senja Store"),
    ]
    assert reverse("quality:duplicate-merge", args=[candidates["batik"].code]) in response.text


def test_it_lists_every_team_for_a_manager(client, manager, candidates):
    client.force_login(manager)

    response = client.get(URL)

    assert [c.score for c in response.context["page"].object_list] == [100, 97, 92, 91]


def test_it_lists_merged_pairs_with_an_undo_button_for_a_manager(
    client, manager, executive, candidates
):
    candidate = candidates["kopi"]
    merge = actions.merge_customers(
        candidate=candidate, survivor=candidate.customer_a, choices={}, actor=executive
    )
    actions.dismiss_candidate(candidate=candidates["batik"], actor=executive)
    client.force_login(manager)

    merged = client.get(URL, {"status": "merged"})
    dismissed = client.get(URL, {"status": "dismissed"})
    unknown = client.get(URL, {"status": "bogus"})

    assert _pairs(merged) == [("Kopi Senja", "Kopi Senja Store")]
    assert reverse("quality:merge-undo", args=[merge.code]) in merged.text
    assert _pairs(dismissed) == [("Batik Lestari", "Batik Lestari Official")]
    assert unknown.context["status"] == "open"


def test_it_offers_no_undo_to_an_executive(client, executive, candidates):
    candidate = candidates["kopi"]
    merge = actions.merge_customers(
        candidate=candidate, survivor=candidate.customer_a, choices={}, actor=executive
    )
    client.force_login(executive)

    response = client.get(URL, {"status": "merged"})

    assert _pairs(response) == [("Kopi Senja", "Kopi Senja Store")]
    assert reverse("quality:merge-undo", args=[merge.code]) not in response.text


def test_it_shows_the_other_team_only_its_own_pairs(client, other_executive, candidates):
    client.force_login(other_executive)

    response = client.get(URL)

    assert _pairs(response) == [("Rumah Timur", "Rumah Timur Official")]


def test_it_explains_an_empty_list(client, executive):
    client.force_login(executive)

    response = client.get(URL)

    assert response.status_code == 200
    assert 'class="empty-state"' in response.text


def test_it_redirects_anonymous_visitors_to_log_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_it_refuses_post(client, executive):
    client.force_login(executive)

    assert client.post(URL).status_code == 405


@pytest.mark.parametrize("persona", ["intern", "viewer"])
def test_it_refuses_interns_and_viewers(client, request, persona, candidates):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(URL).status_code == 403


def test_it_renders_in_a_constant_number_of_queries(client, manager, team_a):
    client.force_login(manager)
    for number in range(2):
        make_candidate(make_customer(team=team_a), make_customer(team=team_a), score=90 + number)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for number in range(20):
        make_candidate(make_customer(team=team_a), make_customer(team=team_a), score=80 + number)
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL)

    assert len(response.context["page"].object_list) == 22
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(many.captured_queries) <= 8


def test_each_row_shows_city_phone_and_domain_so_two_shops_of_one_name_look_different(
    client, manager, team_a
):
    jakarta = make_customer(team=team_a, name="Kayu Asri Store", city="Jakarta Selatan")
    pontianak = make_customer(team=team_a, name="Kayu Asri Store", city="Pontianak")
    make_contact(jakarta, phone="", whatsapp="+6281299990000", is_primary=False)
    make_contact(jakarta, phone="+6281234567890", is_primary=True)
    make_store(pontianak, domain="kayuasri-ptk.id")
    make_candidate(jakarta, pontianak, score=41)
    client.force_login(manager)

    response = client.get(URL)

    row = response.text[response.text.index('id="candidates"') :]
    assert "Jakarta Selatan · 0812-3456-7890 · —" in row
    assert "Pontianak · — · kayuasri-ptk.id" in row
