import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from setia.customers import actions
from setia.customers.models import Customer
from setia.history.models import AuditEntry
from setia.test import make_customer

DELETED_LIST = reverse("customers:customer-deleted-list")


def _url(customer) -> str:
    return reverse("customers:customer-restore", args=[customer.code])


@pytest.fixture
def deleted(customer, executive):
    """The team-A customer, soft-deleted by its executive (version 2, one history entry)."""
    actions.delete_customer(customer=customer, actor=executive)
    return customer


def _still_deleted(customer, executive) -> None:
    fresh = Customer.objects.get(pk=customer.pk)
    assert fresh.deleted_at is not None
    assert fresh.deleted_by == executive
    assert fresh.version == 2
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["delete"]


def test_it_is_404_for_a_customer_that_is_not_deleted(client, manager, customer):
    client.force_login(manager)

    response = client.post(_url(customer))

    assert response.status_code == 404
    assert Customer.objects.get(pk=customer.pk).version == 1
    assert AuditEntry.objects.count() == 0


@pytest.mark.parametrize("persona", ["executive", "intern", "viewer"])
def test_it_forbids_everyone_but_managers(client, request, persona, deleted, executive):
    client.force_login(request.getfixturevalue(persona))

    response = client.post(_url(deleted))

    assert response.status_code == 403
    _still_deleted(deleted, executive)


def test_it_is_404_for_another_teams_executive(client, other_executive, deleted, executive):
    client.force_login(other_executive)

    response = client.post(_url(deleted))

    assert response.status_code == 404
    _still_deleted(deleted, executive)


def test_it_redirects_anonymous_visitors_to_log_in(client, deleted, executive):
    response = client.post(_url(deleted))

    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={_url(deleted)}"
    _still_deleted(deleted, executive)


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_it_restores_only_on_post(client, manager, deleted, executive, method):
    client.force_login(manager)

    response = getattr(client, method)(_url(deleted))

    assert response.status_code == 405
    _still_deleted(deleted, executive)


# The list of deleted customers


def test_it_lists_deleted_customers_newest_first(client, manager, team_a, team_b, executive):
    now = timezone.now()
    make_customer(team=team_a, name="Alive")
    make_customer(
        team=team_a, name="Older", deleted_at=now - datetime.timedelta(days=2), deleted_by=executive
    )
    make_customer(team=team_b, name="Newer", deleted_at=now - datetime.timedelta(hours=1))
    client.force_login(manager)

    response = client.get(DELETED_LIST)

    assert response.status_code == 200
    assert [customer.name for customer in response.context["page"].object_list] == [
        "Newer",
        "Older",
    ]
    assert "Alive" not in response.text
    assert executive.full_name in response.text
    for customer in response.context["page"].object_list:
        assert f'action="{_url(customer)}"' in response.text


def test_it_paginates_the_deleted_list(client, manager, team_a, settings):
    settings.PAGE_SIZE = 2
    for number in range(3):
        make_customer(team=team_a, name=f"Gone {number}", deleted_at=timezone.now())
    client.force_login(manager)

    response = client.get(DELETED_LIST, {"page": 2})

    assert len(response.context["page"].object_list) == 1
    assert response.context["page"].paginator.num_pages == 2


def test_it_shows_an_empty_deleted_list(client, manager, customer):
    client.force_login(manager)

    response = client.get(DELETED_LIST)

    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []


@pytest.mark.parametrize("persona", ["executive", "intern", "viewer", "other_executive"])
def test_it_forbids_the_deleted_list_to_everyone_but_managers(client, request, persona, deleted):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(DELETED_LIST)

    assert response.status_code == 403
    assert deleted.name not in response.text


def test_it_redirects_anonymous_visitors_from_the_deleted_list(client):
    response = client.get(DELETED_LIST)

    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={DELETED_LIST}"


def test_it_refuses_post_on_the_deleted_list(client, manager):
    client.force_login(manager)

    response = client.post(DELETED_LIST)

    assert response.status_code == 405


def test_it_links_managers_to_the_deleted_list(client, manager, executive):
    client.force_login(manager)
    for_manager = client.get(reverse("customers:customer-list"))
    client.force_login(executive)
    for_executive = client.get(reverse("customers:customer-list"))

    assert f'href="{DELETED_LIST}"' in for_manager.text
    assert f'href="{DELETED_LIST}"' not in for_executive.text
