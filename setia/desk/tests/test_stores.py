import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from setia.customers.models import Customer, Store
from setia.history.models import AuditEntry
from setia.test import make_customer, make_store


def _add_url(customer) -> str:
    return reverse("customers:store-add", args=[customer.code])


def _edit_url(customer, store) -> str:
    return reverse("customers:store-edit", args=[customer.code, store.code])


def _delete_url(customer, store) -> str:
    return reverse("customers:store-delete", args=[customer.code, store.code])


def _data(**overrides) -> dict:
    data = {
        "version": 1,
        "kind": "website",
        "url": "https://www.BatikLestari.co.id/koleksi?utm=1",
        "platform_version": "v2",
        "launched_on": "17 Agustus 2025",
    }
    data.update(overrides)
    return data


@pytest.fixture
def store(customer):
    return make_store(
        customer,
        domain="batiklestari.co.id",
        url="https://batiklestari.co.id",
        kind="website",
        platform_version="v1",
    )


def _store_unchanged(store) -> None:
    fresh = Store.objects.get(pk=store.pk)
    assert (fresh.domain, fresh.url, fresh.platform_version) == (
        "batiklestari.co.id",
        "https://batiklestari.co.id",
        "v1",
    )
    assert AuditEntry.objects.count() == 0


# Adding


def test_it_shows_the_add_form(client, executive, customer):
    client.force_login(executive)

    response = client.get(_add_url(customer))

    assert response.status_code == 200
    assert not response.context["form"].is_bound
    assert response.context["customer"] == customer


def test_it_adds_a_store_with_a_normalised_domain(client, executive, customer):
    client.force_login(executive)

    response = client.post(_add_url(customer), _data())

    assert response.status_code == 302
    assert response.url == customer.get_absolute_url()
    store = Store.objects.get()
    assert store.customer == customer
    assert store.domain == "batiklestari.co.id"
    assert store.url == "https://www.BatikLestari.co.id/koleksi?utm=1"
    assert store.kind == "website"
    assert store.platform_version == "v2"
    assert store.launched_on == datetime.date(2025, 8, 17)
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.customer, entry.object_type, entry.object_id) == (
        AuditEntry.Action.CREATE,
        executive,
        customer,
        "customers.store",
        store.pk,
    )
    assert entry.changes == {
        "domain": [None, "batiklestari.co.id"],
        "kind": [None, "website"],
        "launched_on": [None, "2025-08-17"],
        "platform_version": [None, "v2"],
        "url": [None, "https://www.BatikLestari.co.id/koleksi?utm=1"],
    }


@pytest.mark.parametrize(
    ("url", "domain", "stored_url"),
    [
        ("tokoku.id", "tokoku.id", "https://tokoku.id"),
        ("  WWW.Tokoku.ID:8443/  ", "tokoku.id", "https://WWW.Tokoku.ID:8443/"),
        (
            "https://shopee.co.id/tokoku?x=1",
            "shopee.co.id/tokoku",
            "https://shopee.co.id/tokoku?x=1",
        ),
        ("instagram.com/@tokoku", "instagram.com/tokoku", "https://instagram.com/@tokoku"),
    ],
)
def test_it_normalises_any_address(client, executive, customer, url, domain, stored_url):
    client.force_login(executive)

    response = client.post(_add_url(customer), _data(url=url, launched_on=""))

    assert response.status_code == 302
    store = Store.objects.get()
    assert (store.domain, store.url, store.launched_on) == (domain, stored_url, None)


@pytest.mark.parametrize(
    "url", ["https://BatikLestari.co.id", "www.batiklestari.co.id/about", "BATIKLESTARI.CO.ID."]
)
def test_it_refuses_a_domain_already_registered_with_a_clear_error(
    client, executive, customer, team_b, url
):
    make_store(make_customer(team=team_b), domain="batiklestari.co.id")
    client.force_login(executive)

    response = client.post(_add_url(customer), _data(url=url))

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["url"]
    assert "batiklestari.co.id" in errors["url"][0]
    assert '<p class="error" id="id_url_error">' in response.text
    assert Store.objects.count() == 1
    assert AuditEntry.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"url": ""}, "url"),
        ({"url": "not a shop"}, "url"),
        ({"url": "https://shopee.co.id/"}, "url"),  # a marketplace needs the shop's path
        ({"url": "javascript://batik.id/%0Aalert(1)"}, "url"),
        ({"kind": "fax"}, "kind"),
        ({"platform_version": "v9"}, "platform_version"),
        ({"launched_on": "31/02/2025"}, "launched_on"),
    ],
)
def test_it_refuses_invalid_stores(client, executive, customer, overrides, field):
    client.force_login(executive)

    response = client.post(_add_url(customer), _data(**overrides))

    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert Store.objects.count() == 0
    assert AuditEntry.objects.count() == 0


# Editing


def test_it_shows_the_edit_form(client, executive, customer, store):
    client.force_login(executive)

    response = client.get(_edit_url(customer, store))

    assert response.status_code == 200
    assert response.context["form"].instance == store
    assert response.context["delete_url"] == _delete_url(customer, store)


def test_it_edits_a_store_and_records_the_change(client, executive, customer, store):
    client.force_login(executive)

    response = client.post(
        _edit_url(customer, store), _data(url="batik-lestari.com", launched_on="05/04/2024")
    )

    assert response.status_code == 302
    assert response.url == customer.get_absolute_url()
    store.refresh_from_db()
    assert (store.domain, store.url, store.platform_version, store.launched_on) == (
        "batik-lestari.com",
        "https://batik-lestari.com",
        "v2",
        datetime.date(2024, 4, 5),
    )
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_type, entry.object_id, entry.actor) == (
        AuditEntry.Action.UPDATE,
        "customers.store",
        store.pk,
        executive,
    )
    assert entry.changes == {
        "domain": ["batiklestari.co.id", "batik-lestari.com"],
        "launched_on": [None, "2024-04-05"],
        "platform_version": ["v1", "v2"],
        "url": ["https://batiklestari.co.id", "https://batik-lestari.com"],
    }


def test_it_keeps_the_stores_own_domain_when_editing(client, executive, customer, store):
    client.force_login(executive)

    response = client.post(
        _edit_url(customer, store),
        _data(url="https://www.batiklestari.co.id", platform_version="v1", launched_on=""),
    )

    assert response.status_code == 302
    store.refresh_from_db()
    assert store.domain == "batiklestari.co.id"
    assert AuditEntry.objects.get().changes == {
        "url": ["https://batiklestari.co.id", "https://www.batiklestari.co.id"]
    }


def test_it_refuses_to_edit_into_another_stores_domain(client, executive, customer, store):
    make_store(customer, domain="kopisenja.com")
    client.force_login(executive)

    response = client.post(_edit_url(customer, store), _data(url="https://kopisenja.com"))

    assert response.status_code == 400
    assert "kopisenja.com" in response.context["form"].errors["url"][0]
    _store_unchanged(store)


def test_it_is_404_for_a_store_of_another_customer(client, executive, team_a, store):
    other_customer = make_customer(team=team_a)
    client.force_login(executive)

    edit = client.post(_edit_url(other_customer, store), _data(url="hacked.id"))
    delete = client.post(_delete_url(other_customer, store))

    assert edit.status_code == 404
    assert delete.status_code == 404
    _store_unchanged(store)


# Deleting


def test_it_deletes_a_store_and_keeps_its_last_values_in_the_history(
    client, executive, customer, store
):
    client.force_login(executive)

    response = client.post(_delete_url(customer, store))

    assert response.status_code == 302
    assert response.url == customer.get_absolute_url()
    assert Store.objects.count() == 0
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_type, entry.object_id, entry.object_repr) == (
        AuditEntry.Action.DELETE,
        "customers.store",
        store.pk,
        "batiklestari.co.id",
    )
    assert entry.changes == {
        "domain": ["batiklestari.co.id", None],
        "kind": ["website", None],
        "platform_version": ["v1", None],
        "url": ["https://batiklestari.co.id", None],
    }


def test_it_frees_the_domain_of_a_deleted_store(client, executive, customer, store):
    client.force_login(executive)

    client.post(_delete_url(customer, store))
    response = client.post(_add_url(customer), _data(url="batiklestari.co.id"))

    assert response.status_code == 302
    assert list(Store.objects.values_list("domain", flat=True)) == ["batiklestari.co.id"]


# Access, for the three store views


def _requests(customer, store):
    return [
        ("get", _add_url(customer), None),
        ("post", _add_url(customer), _data(url="new-store.id")),
        ("get", _edit_url(customer, store), None),
        ("post", _edit_url(customer, store), _data(url="hacked.id")),
        ("post", _delete_url(customer, store), None),
    ]


@pytest.mark.parametrize("persona", ["intern", "viewer"])
def test_it_forbids_interns_and_viewers(client, request, persona, customer, store):
    client.force_login(request.getfixturevalue(persona))

    statuses = [
        getattr(client, method)(url, data).status_code
        for method, url, data in _requests(customer, store)
    ]

    assert statuses == [403] * 5
    assert Store.objects.count() == 1
    _store_unchanged(store)


def test_it_is_404_for_another_teams_executive(client, other_executive, customer, store):
    client.force_login(other_executive)

    statuses = [
        getattr(client, method)(url, data).status_code
        for method, url, data in _requests(customer, store)
    ]

    assert statuses == [404] * 5
    assert Store.objects.count() == 1
    _store_unchanged(store)


def test_it_is_404_for_a_soft_deleted_customer(client, executive, customer, store):
    Customer.objects.filter(pk=customer.pk).update(deleted_at=timezone.now())
    client.force_login(executive)

    statuses = [
        getattr(client, method)(url, data).status_code
        for method, url, data in _requests(customer, store)
    ]

    assert statuses == [404] * 5
    _store_unchanged(store)


def test_it_redirects_anonymous_visitors_to_log_in(client, customer, store):
    login = reverse("accounts:login")

    responses = [
        (getattr(client, method)(url, data), url)
        for method, url, data in _requests(customer, store)
    ]

    assert [(response.status_code, response.url) for response, _url in responses] == [
        (302, f"{login}?next={url}") for _response, url in responses
    ]
    assert Store.objects.count() == 1
    _store_unchanged(store)


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_it_refuses_other_methods(client, executive, customer, store, method):
    client.force_login(executive)

    statuses = [
        getattr(client, method)(url).status_code
        for url in [_add_url(customer), _edit_url(customer, store), _delete_url(customer, store)]
    ]

    assert statuses == [405, 405, 405]
    _store_unchanged(store)


def test_it_deletes_only_on_post(client, executive, customer, store):
    client.force_login(executive)

    response = client.get(_delete_url(customer, store))

    assert response.status_code == 405
    _store_unchanged(store)
