import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from setia.accounts.models import Role
from setia.customers.models import Category, Customer
from setia.desk.forms import CustomerFilterForm
from setia.segments.actions import count_members
from setia.segments.models import Segment
from setia.segments.tests.factories import make_segment
from setia.test import make_customer, make_user

LIST = reverse("segments:segment-list")
CREATE = reverse("segments:segment-create")


def _edit(segment):
    return reverse("segments:segment-edit", args=[segment.code])


def _delete(segment):
    return reverse("segments:segment-delete", args=[segment.code])


@pytest.fixture
def fashion_customers(team_a, team_b):
    fashion = Category.objects.get(slug="fashion")
    beauty = Category.objects.get(slug="beauty")
    make_customer(team=team_a, name="Batik Bandung", category=fashion, city="Bandung")
    make_customer(team=team_a, name="Kaos Jakarta", category=fashion, city="Jakarta")
    make_customer(team=team_b, name="Hijab Bandung", category=fashion, city="Bandung")
    make_customer(team=team_a, name="Glow Bandung", category=beauty, city="Bandung")


# Creating


def test_it_offers_to_save_the_current_filter(client, executive):
    client.force_login(executive)

    response = client.get(CREATE, {"category": "fashion", "city": "Bandung", "page": "3"})

    assert response.status_code == 200
    assert response.context["form"].initial["query"] == "category=fashion&city=Bandung"
    assert ("Kategori", "Fesyen") in response.context["description"]


def test_it_keeps_the_filter_of_the_segment_being_narrowed(client, executive):
    segment = make_segment(executive, query="category=fashion&city=Bandung")
    client.force_login(executive)

    response = client.get(
        CREATE, {"segment": str(segment.code), "city": "", "q": "batik", "sort": "name"}
    )

    assert (
        response.context["form"].initial["query"]
        == "category=fashion&city=Bandung&q=batik&sort=name"
    )


def test_it_saves_a_shared_segment_for_an_executive(client, executive, fashion_customers):
    client.force_login(executive)

    response = client.post(
        CREATE,
        {"name": " Fashion  Bandung ", "is_shared": "on", "query": "category=fashion&city=bandung"},
    )

    segment = Segment.objects.get()
    assert response.status_code == 302
    assert response.url == f"{reverse('customers:customer-list')}?segment={segment.code}"
    assert (segment.name, segment.owner, segment.is_shared) == ("Fashion Bandung", executive, True)
    assert segment.query == "category=fashion&city=bandung"


def test_it_keeps_an_interns_segment_private(client, intern):
    client.force_login(intern)

    response = client.post(CREATE, {"name": "Mine", "is_shared": "on", "query": "city=Bandung"})

    assert response.status_code == 302
    assert Segment.objects.get().is_shared is False


def test_it_refuses_a_segment_without_a_filter(client, executive):
    client.force_login(executive)

    response = client.post(CREATE, {"name": "Everything", "query": "page=2&segment="})

    assert response.status_code == 400
    assert not Segment.objects.exists()


def test_it_refuses_a_duplicate_name_for_the_same_owner(client, executive):
    make_segment(executive, name="Fashion")
    client.force_login(executive)

    response = client.post(CREATE, {"name": "fashion", "query": "city=Bandung"})

    assert response.status_code == 400
    assert Segment.objects.count() == 1


def test_it_redirects_anonymous_visitors_from_create(client, db):
    response = client.post(CREATE, {"name": "X", "query": "city=Bandung"})

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert not Segment.objects.exists()


def test_it_refuses_put_on_create(client, executive):
    client.force_login(executive)

    assert client.put(CREATE).status_code == 405


# Listing and counting


def test_it_lists_own_and_shared_segments_with_live_counts(
    client, executive, other_executive, manager, fashion_customers
):
    mine = make_segment(executive, name="Fashion", query="category=fashion")
    shared = make_segment(manager, name="Bandung", query="city=bandung", is_shared=True)
    make_segment(other_executive, name="Private elsewhere", query="city=Jakarta")
    client.force_login(executive)

    response = client.get(LIST)

    rows = {row["segment"].name: row for row in response.context["rows"]}
    assert set(rows) == {"Fashion", "Bandung"}
    # Team A sees 2 fashion customers and 2 in Bandung; team B's Hijab Bandung is not counted.
    assert rows["Fashion"]["members"] == 2
    assert rows["Bandung"]["members"] == 2
    assert rows["Fashion"]["can_change"] is True
    assert rows["Bandung"]["can_change"] is False
    assert mine.pk and shared.pk


def test_it_counts_many_segments_in_one_query(executive, fashion_customers):
    segments = [
        make_segment(
            executive,
            name=f"S{number}",
            query=f"city=Bandung&q=o&status=onboarding&category=fashion&owner={number}",
        )
        for number in range(12)
    ]

    executive.has_perm("customers.view_customer")  # permissions are loaded once per request

    with CaptureQueriesContext(connection) as queries:
        counts = count_members(segments, user=executive)

    assert len(queries.captured_queries) == 1
    assert set(counts.values()) == {0}


def test_it_counts_with_the_same_rules_as_the_list(manager, fashion_customers):
    segment = make_segment(manager, query="category=fashion&city=Bandung&sort=-name")

    assert count_members([segment], user=manager) == {segment.pk: 2}


@pytest.mark.parametrize("persona", ["intern", "viewer"])
def test_it_lets_interns_and_viewers_list_segments(client, db, request, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(LIST).status_code == 200


def test_it_redirects_anonymous_visitors_from_the_list(client):
    assert client.get(LIST).status_code == 302


def test_it_refuses_post_on_the_list(client, executive):
    client.force_login(executive)

    assert client.post(LIST).status_code == 405


# Editing and deleting


def test_it_lets_the_owner_rename_and_share(client, executive):
    segment = make_segment(executive)
    client.force_login(executive)

    response = client.post(
        _edit(segment), {"name": "Renamed", "is_shared": "on", "query": segment.query}
    )

    assert response.status_code == 302
    segment.refresh_from_db()
    assert (segment.name, segment.is_shared) == ("Renamed", True)


def test_it_lets_a_manager_edit_anyones_shared_segment(client, executive, manager):
    segment = make_segment(executive, is_shared=True)
    client.force_login(manager)

    response = client.post(_edit(segment), {"name": "By manager", "query": segment.query})

    assert response.status_code == 302
    segment.refresh_from_db()
    assert (segment.name, segment.is_shared, segment.owner) == ("By manager", False, executive)


def test_it_forbids_a_colleague_to_edit_a_shared_segment(client, executive, intern):
    segment = make_segment(executive, is_shared=True)
    client.force_login(intern)

    get = client.get(_edit(segment))
    post = client.post(_edit(segment), {"name": "Hijacked", "query": "city=X"})
    delete = client.post(_delete(segment))

    assert (get.status_code, post.status_code, delete.status_code) == (403, 403, 403)
    segment.refresh_from_db()
    assert (segment.name, segment.query) == ("Fashion Bandung", "category=fashion")


def test_it_hides_a_private_segment_from_others(client, executive, other_executive, manager):
    segment = make_segment(executive)

    for user in (other_executive, manager):
        client.force_login(user)
        assert client.get(_edit(segment)).status_code == 404
        assert client.post(_delete(segment)).status_code == 404
    assert Segment.objects.filter(pk=segment.pk).exists()


def test_it_keeps_a_shared_segment_shared_when_an_intern_owner_edits(client, manager, intern):
    segment = make_segment(intern, is_shared=True)  # shared by an admin on the intern's behalf
    client.force_login(intern)

    response = client.post(_edit(segment), {"name": "Renamed", "query": segment.query})

    assert response.status_code == 302
    segment.refresh_from_db()
    assert (segment.name, segment.is_shared) == ("Renamed", True)


def test_it_deletes_for_the_owner(client, executive):
    segment = make_segment(executive)
    client.force_login(executive)

    response = client.post(_delete(segment))

    assert response.status_code == 302
    assert not Segment.objects.exists()


def test_it_refuses_get_on_delete(client, executive):
    segment = make_segment(executive)
    client.force_login(executive)

    assert client.get(_delete(segment)).status_code == 405
    assert Segment.objects.exists()


def test_it_redirects_anonymous_visitors_from_edit_and_delete(client, executive):
    segment = make_segment(executive)

    assert client.get(_edit(segment)).status_code == 302
    assert client.post(_delete(segment)).status_code == 302
    assert Segment.objects.exists()


# Using a segment as a filter


def test_it_filters_the_customers_list_by_segment(client, executive, fashion_customers):
    segment = make_segment(executive, query="category=fashion&city=Bandung")
    client.force_login(executive)

    response = client.get(
        reverse("customers:customer-list"), {"segment": str(segment.code), "q": "batik"}
    )

    assert [customer.name for customer in response.context["page"].object_list] == ["Batik Bandung"]


def test_it_matches_no_one_with_another_users_private_segment(
    client, executive, other_executive, fashion_customers
):
    segment = make_segment(other_executive, query="city=Bandung")
    client.force_login(executive)

    response = client.get(reverse("customers:customer-list"), {"segment": str(segment.code)})

    assert response.context["page"].paginator.count == 0
    assert response.context["filters"].errors["segment"]


def test_it_offers_only_shared_segments_without_a_user(executive, manager, fashion_customers):
    private = make_segment(executive, name="Private", query="city=Bandung")
    shared = make_segment(manager, name="Shared", query="city=Jakarta", is_shared=True)

    form = CustomerFilterForm({"segment": str(shared.code)})
    refused = CustomerFilterForm({"segment": str(private.code)})

    assert [c.name for c in form.filter(Customer.objects.all())] == ["Kaos Jakarta"]
    assert list(refused.filter(Customer.objects.all())) == []


def test_it_applies_a_segment_whose_owner_filter_is_gone(manager, fashion_customers):
    segment = make_segment(manager, query="owner=999999")

    assert count_members([segment], user=manager) == {segment.pk: 0}


def test_it_stays_within_the_list_query_budget_with_a_segment(
    client, executive, fashion_customers, django_assert_max_num_queries
):
    segment = make_segment(executive, query="category=fashion")
    make_user(Role.MANAGER)
    client.force_login(executive)

    with django_assert_max_num_queries(10):
        response = client.get(
            reverse("customers:customer-list"), {"segment": str(segment.code), "tier": "gold"}
        )

    assert response.status_code == 200
