from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from setia.accounts.models import Role
from setia.engagement.tests.factories import make_template
from setia.knowledge.tests.factories import make_article
from setia.library.tests.factories import make_guide
from setia.test import make_contact, make_customer, make_store, make_user
from setia.work.tests.factories import make_task

URL = reverse("search")


def _labels(response) -> dict[str, list[str]]:
    return {
        group.kind: [result.label for result in group.results]
        for group in response.context["groups"]
    }


def test_it_redirects_anonymous_visitors_to_log_in(client):
    response = client.get(URL, {"q": "batik"})

    assert response.status_code == 302


def test_it_groups_what_it_finds_by_kind(client, executive, team_a):
    customer = make_customer(team=team_a, name="Batik Lestari")
    make_contact(customer, name="Sari Batik")
    make_store(customer, domain="batiklestari.example.id")
    make_task(owner=executive, title="Kirim katalog batik", customer=customer)
    make_template(name="Batik promo", name_id="Promo batik")
    client.force_login(executive)

    response = client.get(URL, {"q": "batik"})

    assert response.status_code == 200
    assert _labels(response) == {
        "customers": ["Batik Lestari"],
        "contacts": ["Sari Batik"],
        "stores": ["batiklestari.example.id"],
        "tasks": ["Kirim katalog batik"],
        "templates": ["Promo batik"],
    }
    page = response.content.decode()
    assert reverse("customers:customer-detail", args=[customer.code]) in page


def test_it_never_shows_another_teams_records(client, executive, team_a, team_b, other_executive):
    mine = make_customer(team=team_a, name="Batik Kami")
    make_contact(mine, name="Batik Kontak Kami")
    make_store(mine, domain="batikkami.example.id")
    make_task(owner=executive, title="Telepon batik kami")
    theirs = make_customer(team=team_b, owner=other_executive, name="Batik Rahasia")
    make_contact(theirs, name="Batik Kontak Rahasia")
    make_store(theirs, domain="batikrahasia.example.id")
    make_task(owner=other_executive, title="Telepon batik rahasia", customer=theirs)
    client.force_login(executive)

    response = client.get(URL, {"q": "batik"})

    assert _labels(response) == {
        "customers": ["Batik Kami"],
        "contacts": ["Batik Kontak Kami"],
        "stores": ["batikkami.example.id"],
        "tasks": ["Telepon batik kami"],
    }
    assert "rahasia" not in response.content.decode().lower()


def test_the_box_asks_for_three_characters_in_the_users_language(client, team_a):
    intern = make_user(Role.INTERN, team=team_a, language="id")
    client.force_login(intern)

    response = client.get(URL, {"q": "ba"})

    assert response.status_code == 400
    assert "Ketik minimal 3 karakter" in response.content.decode()
    partial = client.get(URL, {"q": "ba"}, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert "<html" not in partial.content.decode()
    assert "Ketik minimal 3 karakter" in partial.content.decode()


def test_it_says_when_nothing_is_found(client, executive):
    client.force_login(executive)

    response = client.get(URL, {"q": "tidak ada apa-apa"})

    assert response.status_code == 200
    assert response.context["groups"] == []
    assert "search-nothing" in response.content.decode()


def test_each_group_shows_five_and_a_link_to_see_all(client, manager):
    for number in range(7):
        make_customer(name=f"Kopi {number}")
    client.force_login(manager)

    response = client.get(URL, {"q": "kopi"})

    (group,) = response.context["groups"]
    assert [result.label for result in group.results] == [f"Kopi {n}" for n in range(5)]
    assert group.more_url == f"{reverse('customers:customer-list')}?q=kopi"


def test_a_manager_finds_approved_answers(client, manager):
    make_article(actor=manager)
    client.force_login(manager)

    response = client.get(URL, {"q": "gmn cara ganti domain"})

    assert _labels(response)["answers"] == ["Bagaimana cara mengganti domain toko?"]


def _count(client) -> int:
    client.get(URL, {"q": "batik"})  # the session, permissions and synonyms, cached after it
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"q": "batik"})
    assert response.status_code == 200
    assert {group.kind for group in response.context["groups"]} == {
        "customers",
        "contacts",
        "stores",
        "answers",
        "tasks",
        "templates",
    }
    return len(queries)


def _records(team, owner, numbers) -> None:
    for number in numbers:
        customer = make_customer(team=team, owner=owner, name=f"Batik {number}")
        make_contact(customer, name=f"Batik kontak {number}")
        make_store(customer, domain=f"batik{number}.example.id")
        make_task(owner=owner, title=f"Batik tugas {number}", customer=customer)
        make_template(name=f"Batik {number}")


def test_it_runs_the_same_number_of_queries_for_one_record_or_many(client, manager, team_a):
    make_article(actor=manager, question_id="Apakah ada motif batik?", key="motif-batik")
    client.force_login(manager)
    _records(team_a, manager, range(1))
    at_one = _count(client)

    _records(team_a, manager, range(1, 12))

    assert (at_one, _count(client)) == (12, 12)


def test_it_finds_a_sales_library_guide_by_its_category(client, manager):
    guide = make_guide()
    client.force_login(manager)

    response = client.get(URL, {"q": guide.category.name[:4]})

    assert _labels(response)["guides"] == ["Fesyen"]  # the manager reads Indonesian
    assert reverse("library:guide-detail", args=[guide.category.slug]) in response.content.decode()
