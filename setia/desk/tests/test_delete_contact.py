import pytest
from django.urls import reverse
from django.utils import timezone

from setia.customers.models import Contact, Customer
from setia.history.models import AuditEntry
from setia.test import make_contact, make_customer

HTMX = {"HX-Request": "true"}


def _url(customer, contact) -> str:
    return reverse("customers:contact-delete", args=[customer.code, contact.pk])


@pytest.fixture
def contact(customer):
    return make_contact(
        customer,
        name="Sari Wijaya",
        position="",
        phone="+6281234567890",
        whatsapp="+6281234567890",
        email="sari@batik.test",
        is_primary=True,
    )


def _unchanged(contact) -> None:
    assert Contact.objects.filter(pk=contact.pk).exists()
    assert AuditEntry.objects.count() == 0


def test_it_removes_the_contact_and_keeps_its_last_values_in_the_history(
    client, executive, customer, contact
):
    client.force_login(executive)

    response = client.post(_url(customer, contact))

    assert response.status_code == 302
    assert response.url == customer.get_absolute_url()
    assert Contact.objects.count() == 0
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.customer, entry.object_type, entry.object_id) == (
        AuditEntry.Action.DELETE,
        executive,
        customer,
        "customers.contact",
        contact.pk,
    )
    assert entry.object_repr == "Sari Wijaya"
    assert entry.changes == {
        "email": ["sari@batik.test", None],
        "is_primary": ["True", None],
        "name": ["Sari Wijaya", None],
        "phone": ["+6281234567890", None],
        "whatsapp": ["+6281234567890", None],
    }


def test_it_returns_the_contacts_partial_to_htmx(client, executive, customer, contact):
    make_contact(customer, name="Budi Santoso")
    client.force_login(executive)

    response = client.post(_url(customer, contact), headers=HTMX)

    assert response.status_code == 200
    assert response.templates[0].name == "customers/_contacts.html"
    assert "<html" not in response.text
    assert "Budi Santoso" in response.text
    assert reverse("customers:contact-edit", args=[customer.code, contact.pk]) not in response.text
    assert '<div id="messages" hx-swap-oob="true">' in response.text
    assert list(Contact.objects.values_list("name", flat=True)) == ["Budi Santoso"]


def test_it_is_404_for_a_contact_of_another_customer(client, executive, team_a, contact):
    other_customer = make_customer(team=team_a)
    client.force_login(executive)

    response = client.post(_url(other_customer, contact))

    assert response.status_code == 404
    _unchanged(contact)


def test_it_is_404_for_an_already_removed_contact(client, executive, customer, contact):
    client.force_login(executive)
    client.post(_url(customer, contact))

    response = client.post(_url(customer, contact))

    assert response.status_code == 404
    assert AuditEntry.objects.count() == 1


@pytest.mark.parametrize("persona", ["intern", "viewer"])
def test_it_forbids_interns_and_viewers(client, request, persona, customer, contact):
    client.force_login(request.getfixturevalue(persona))

    response = client.post(_url(customer, contact), headers=HTMX)

    assert response.status_code == 403
    _unchanged(contact)


def test_it_is_404_for_another_teams_executive(client, other_executive, customer, contact):
    client.force_login(other_executive)

    response = client.post(_url(customer, contact))

    assert response.status_code == 404
    _unchanged(contact)


def test_it_is_404_for_a_soft_deleted_customer(client, executive, customer, contact):
    Customer.objects.filter(pk=customer.pk).update(deleted_at=timezone.now())
    client.force_login(executive)

    response = client.post(_url(customer, contact))

    assert response.status_code == 404
    _unchanged(contact)


def test_it_redirects_anonymous_visitors_to_log_in(client, customer, contact):
    response = client.post(_url(customer, contact))

    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={_url(customer, contact)}"
    _unchanged(contact)


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_it_removes_only_on_post(client, executive, customer, contact, method):
    client.force_login(executive)

    response = getattr(client, method)(_url(customer, contact))

    assert response.status_code == 405
    _unchanged(contact)
