import pytest
from django.urls import reverse
from django.utils import timezone

from setia.customers.models import Contact, Customer
from setia.history.models import AuditEntry
from setia.test import make_contact, make_customer


def _url(customer, contact) -> str:
    return reverse("customers:contact-edit", args=[customer.code, contact.pk])


@pytest.fixture
def contact(customer):
    return make_contact(
        customer,
        name="Sari Wijaya",
        position="Pemilik",
        phone="+6281234567890",
        whatsapp="+6281234567890",
        email="sari@batik.test",
        is_primary=True,
    )


def _data(**overrides) -> dict:
    data = {
        "version": 1,
        "name": "Sari Wijaya",
        "position": "Pemilik",
        "phone": "0812-3456-7890",
        "whatsapp": "0812-3456-7890",
        "email": "sari@batik.test",
        "is_primary": "on",
    }
    data.update(overrides)
    return data


def _unchanged(contact) -> None:
    fresh = Contact.objects.get(pk=contact.pk)
    assert (fresh.name, fresh.phone, fresh.is_primary) == ("Sari Wijaya", "+6281234567890", True)
    assert AuditEntry.objects.count() == 0


def test_it_shows_the_form_with_the_current_values(client, executive, customer, contact):
    client.force_login(executive)

    response = client.get(_url(customer, contact))

    assert response.status_code == 200
    form = response.context["form"]
    assert form.instance == contact
    assert form["phone"].value() == "+6281234567890"
    assert response.context["delete_url"] == reverse(
        "customers:contact-delete", args=[customer.code, contact.pk]
    )


def test_it_saves_changes_and_records_before_and_after(client, executive, customer, contact):
    client.force_login(executive)

    response = client.post(
        _url(customer, contact),
        _data(name="Sari W.", phone="+62 857 1234 5678", whatsapp="", email="SARI@Kopi.test"),
    )

    assert response.status_code == 302
    assert response.url == customer.get_absolute_url()
    contact.refresh_from_db()
    assert (contact.name, contact.phone, contact.whatsapp, contact.email) == (
        "Sari W.",
        "+6285712345678",
        "+6285712345678",
        "sari@kopi.test",
    )
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.customer, entry.object_type, entry.object_id) == (
        AuditEntry.Action.UPDATE,
        executive,
        customer,
        "customers.contact",
        contact.pk,
    )
    assert entry.changes == {
        "email": ["sari@batik.test", "sari@kopi.test"],
        "name": ["Sari Wijaya", "Sari W."],
        "phone": ["+6281234567890", "+6285712345678"],
        "whatsapp": ["+6281234567890", "+6285712345678"],
    }


def test_it_records_nothing_when_nothing_changed(client, executive, customer, contact):
    client.force_login(executive)

    response = client.post(_url(customer, contact), _data())

    assert response.status_code == 302
    assert AuditEntry.objects.count() == 0


def test_it_demotes_the_old_primary_when_another_becomes_primary(
    client, executive, customer, contact
):
    other = make_contact(
        customer,
        name="Budi",
        position="Admin Toko",
        phone="+6285712345678",
        whatsapp="+6285712345678",
        email="budi@batik.test",
        is_primary=False,
    )
    client.force_login(executive)

    response = client.post(
        _url(customer, other),
        _data(
            name="Budi",
            position="Admin Toko",
            phone="0857-1234-5678",
            whatsapp="",
            email="budi@batik.test",
        ),
    )

    assert response.status_code == 302
    assert list(Contact.objects.filter(is_primary=True)) == [other]
    contact.refresh_from_db()
    assert contact.is_primary is False
    # The demoted contact's change is implied; the history shows the promotion.
    assert AuditEntry.objects.get().changes == {"is_primary": ["False", "True"]}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"phone": "0812"}, "phone"),
        ({"whatsapp": "=1+1"}, "whatsapp"),
        ({"email": "nope"}, "email"),
        ({"name": ""}, "name"),
        ({"phone": "", "whatsapp": "", "email": ""}, "__all__"),
    ],
)
def test_it_refuses_invalid_data(client, executive, customer, contact, overrides, field):
    client.force_login(executive)

    response = client.post(_url(customer, contact), _data(**overrides))

    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    _unchanged(contact)


def test_it_is_404_for_a_contact_of_another_customer(client, executive, customer, team_a, contact):
    other_customer = make_customer(team=team_a)
    client.force_login(executive)

    form = client.get(_url(other_customer, contact))
    post = client.post(_url(other_customer, contact), _data(name="Hacked"))

    assert form.status_code == 404
    assert post.status_code == 404
    _unchanged(contact)


def test_it_is_404_for_another_teams_contact_through_an_own_customer(
    client, other_executive, team_b, contact
):
    own_customer = make_customer(team=team_b, owner=other_executive)
    client.force_login(other_executive)

    response = client.post(_url(own_customer, contact), _data(name="Hacked"))

    assert response.status_code == 404
    _unchanged(contact)


@pytest.mark.parametrize("persona", ["intern", "viewer"])
def test_it_forbids_interns_and_viewers(client, request, persona, customer, contact):
    client.force_login(request.getfixturevalue(persona))

    form = client.get(_url(customer, contact))
    post = client.post(_url(customer, contact), _data(name="Hacked"))

    assert form.status_code == 403
    assert post.status_code == 403
    _unchanged(contact)


def test_it_is_404_for_another_teams_executive(client, other_executive, customer, contact):
    client.force_login(other_executive)

    form = client.get(_url(customer, contact))
    post = client.post(_url(customer, contact), _data(name="Hacked"))

    assert form.status_code == 404
    assert post.status_code == 404
    _unchanged(contact)


def test_it_is_404_for_a_soft_deleted_customer(client, executive, customer, contact):
    Customer.objects.filter(pk=customer.pk).update(deleted_at=timezone.now())
    client.force_login(executive)

    response = client.post(_url(customer, contact), _data(name="Hacked"))

    assert response.status_code == 404
    _unchanged(contact)


def test_it_redirects_anonymous_visitors_to_log_in(client, customer, contact):
    response = client.post(_url(customer, contact), _data(name="Hacked"))

    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={_url(customer, contact)}"
    _unchanged(contact)


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_it_refuses_other_methods(client, executive, customer, contact, method):
    client.force_login(executive)

    response = getattr(client, method)(_url(customer, contact))

    assert response.status_code == 405
    _unchanged(contact)
