import pytest

from setia.core import pagination
from setia.core.pagination import CountedUpToPaginator
from setia.customers.models import Customer
from setia.test import make_customers


@pytest.fixture
def twelve(db):
    make_customers(12)
    return Customer.objects.order_by("name", "id")


def test_it_counts_exactly_below_the_limit(twelve):
    paginator = CountedUpToPaginator(twelve, 5, count_limit=20)

    page = paginator.get_page(3)

    assert (paginator.count, paginator.num_pages, paginator.is_partial) == (12, 3, False)
    assert len(page.object_list) == 2 and not page.has_next()


def test_beyond_the_limit_it_says_more_and_links_on(twelve):
    paginator = CountedUpToPaginator(twelve, 5, count_limit=5)

    page = paginator.get_page(1)

    assert paginator.is_partial and paginator.counted == 5
    assert page.has_next() and page.next_page_number() == 2


def test_a_deep_page_counts_as_far_as_it_needs(twelve):
    paginator = CountedUpToPaginator(twelve, 5, count_limit=5)

    page = paginator.get_page("3")

    assert page.number == 3 and len(page.object_list) == 2
    assert (paginator.count, paginator.is_partial) == (12, False)


def test_the_customers_list_says_more_than_beyond_the_limit(client, manager, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 60)
    make_customers(70)
    client.force_login(manager)

    response = client.get("/customers/")

    assert "Lebih dari 60 pelanggan" in response.text
    assert 'rel="next"' in response.text and "Halaman 1 dari" not in response.text
    assert len(client.get("/customers/", {"page": 2}).context["page"].object_list) == 20


def test_a_page_far_in_holds_the_same_rows_in_the_same_order(twelve, monkeypatch):
    expected = list(twelve)[10:]
    monkeypatch.setattr(pagination, "IDS_FIRST_FROM", 5)

    page = CountedUpToPaginator(twelve, 5).get_page(3)

    assert list(page.object_list) == expected


def test_rows_from_reads_each_pages_rows_in_the_lists_order(twelve, django_assert_num_queries):
    listed = Customer.objects.order_by("-name", "-id")
    # Its own order and rows are not the list's: only the joins are taken from it.
    rows = Customer.objects.select_related("category").order_by("id")
    paginator = CountedUpToPaginator(listed, 5, rows_from=rows)
    assert paginator.count == 12

    with django_assert_num_queries(1):  # ids and rows in one query, the category joined
        page = paginator.get_page(2)
        names = [(customer.name, customer.category.slug) for customer in page.object_list]

    assert names == [(customer.name, customer.category.slug) for customer in listed[5:10]]


def test_rows_from_keeps_the_models_order_when_the_list_has_none(twelve):
    rows = Customer.objects.select_related("category").order_by("-id")

    page = CountedUpToPaginator(Customer.objects.all(), 5, rows_from=rows).get_page(3)

    assert list(page.object_list) == list(twelve)[10:]


def test_a_count_the_caller_already_has_takes_no_query(twelve, django_assert_num_queries):
    paginator = CountedUpToPaginator(twelve, 5, count_limit=5, known_count=12)

    with django_assert_num_queries(1):  # the page's rows only
        page = paginator.get_page(3)
        assert len(page.object_list) == 2

    assert (paginator.count, paginator.counted, paginator.is_partial) == (12, 12, False)
