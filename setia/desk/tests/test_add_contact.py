import pytest
from django.urls import reverse
from django.utils import timezone

from setia.customers.models import Contact, Customer
from setia.history.models import AuditEntry
from setia.test import make_contact

HTMX = {"HX-Request": "true"}


def _url(customer) -> str:
    return reverse("customers:contact-add", args=[customer.code])


def _data(**overrides) -> dict:
    data = {
        "name": "Sari Wijaya",
        "position": "Pemilik",
        "phone": "0812-3456-7890",
        "whatsapp": "",
        "email": " Sari@Batik.TEST ",
    }
    data.update(overrides)
    return data


def _templates(response) -> list[str]:
    return [template.name for template in response.templates]


def test_it_adds_a_contact_with_the_phone_in_e164(client, executive, customer):
    client.force_login(executive)

    response = client.post(_url(customer), _data())

    assert response.status_code == 302
    assert response.url == customer.get_absolute_url()
    contact = Contact.objects.get()
    assert contact.customer == customer
    assert contact.name == "Sari Wijaya"
    assert contact.position == "Pemilik"
    assert contact.phone == "+6281234567890"
    assert contact.whatsapp == "+6281234567890"  # the phone doubles as WhatsApp
    assert contact.email == "sari@batik.test"
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.customer, entry.object_type, entry.object_id) == (
        AuditEntry.Action.CREATE,
        executive,
        customer,
        "customers.contact",
        contact.pk,
    )
    assert entry.changes == {
        "email": [None, "sari@batik.test"],
        "is_primary": [None, "True"],
        "name": [None, "Sari Wijaya"],
        "phone": [None, "+6281234567890"],
        "position": [None, "Pemilik"],
        "whatsapp": [None, "+6281234567890"],
    }


@pytest.mark.parametrize(
    ("phone", "stored"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("8123456789", "+628123456789"),
        ("(021) 555-1234", "+62215551234"),
    ],
)
def test_it_stores_phones_written_in_any_format_as_e164(client, executive, customer, phone, stored):
    client.force_login(executive)

    client.post(_url(customer), _data(phone=phone))

    assert Contact.objects.get().phone == stored


def test_it_keeps_a_separate_whatsapp_number(client, executive, customer):
    client.force_login(executive)

    client.post(_url(customer), _data(phone="021-5551234", whatsapp="0857 1234 5678"))

    contact = Contact.objects.get()
    assert (contact.phone, contact.whatsapp) == ("+62215551234", "+6285712345678")


def test_it_returns_the_contacts_partial_to_htmx(client, executive, customer):
    make_contact(customer, name="Ayu Lestari", is_primary=True)
    client.force_login(executive)

    response = client.post(_url(customer), _data(), headers=HTMX)

    assert response.status_code == 200
    assert _templates(response)[0] == "customers/_contacts.html"
    assert "customers/detail.html" not in _templates(response)
    assert "<html" not in response.text
    assert response.text.lstrip().startswith('<section id="contacts" class="card">')
    assert "Sari Wijaya" in response.text
    assert "Ayu Lestari" in response.text
    assert '<a href="tel:+6281234567890">0812-3456-7890</a>' in response.text
    # The success message is swapped into the page's message area out of band.
    assert '<div id="messages" hx-swap-oob="true">' in response.text
    assert 'class="flash flash-success"' in response.text
    assert Contact.objects.count() == 2


def test_it_makes_the_first_contact_primary(client, executive, customer):
    client.force_login(executive)

    client.post(_url(customer), _data(is_primary=""))

    assert Contact.objects.get().is_primary is True


def test_it_keeps_the_existing_primary_contact(client, executive, customer):
    first = make_contact(customer, is_primary=True)
    client.force_login(executive)

    client.post(_url(customer), _data())

    assert list(Contact.objects.filter(is_primary=True)) == [first]
    assert Contact.objects.get(name="Sari Wijaya").is_primary is False


def test_it_demotes_the_old_primary_when_adding_a_primary(client, executive, customer):
    first = make_contact(customer, is_primary=True)
    client.force_login(executive)

    response = client.post(_url(customer), _data(is_primary="on"))

    assert response.status_code == 302
    first.refresh_from_db()
    assert first.is_primary is False
    assert list(Contact.objects.filter(is_primary=True).values_list("name", flat=True)) == [
        "Sari Wijaya"
    ]


def test_it_refuses_an_invalid_phone_to_htmx_with_the_error(client, executive, customer):
    client.force_login(executive)

    response = client.post(_url(customer), _data(phone="0812-34"), headers=HTMX)

    assert response.status_code == 422  # htmx swaps it in place
    assert _templates(response)[0] == "customers/_contacts.html"
    form = response.context["contact_form"]
    assert form.has_error("phone", "invalid_phone")
    assert '<p class="error" id="new_contact_phone_error">' in response.text
    assert "0812-34" in response.text  # the reason names what was typed
    assert '<details class="inline-form" open>' in response.text
    assert Contact.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_it_refuses_an_invalid_phone_without_htmx_on_a_full_page(client, executive, customer):
    client.force_login(executive)

    response = client.post(_url(customer), _data(phone="=+6281234567890"))

    assert response.status_code == 400
    assert _templates(response)[0] == "customers/form.html"
    assert response.context["form"].has_error("phone", "invalid_phone")
    assert '<p class="error" id="new_contact_phone_error">' in response.text
    assert Contact.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"whatsapp": "12345"}, "whatsapp"),
        ({"email": "not-an-email"}, "email"),
        ({"name": ""}, "name"),
        ({"phone": "", "whatsapp": "", "email": ""}, "__all__"),  # no way to reach them
    ],
)
def test_it_refuses_invalid_contacts(client, executive, customer, overrides, field):
    client.force_login(executive)

    response = client.post(_url(customer), _data(**overrides), headers=HTMX)

    assert response.status_code == 422
    assert list(response.context["contact_form"].errors) == [field]
    assert Contact.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_it_accepts_a_contact_with_only_an_email(client, executive, customer):
    client.force_login(executive)

    response = client.post(_url(customer), _data(phone="", whatsapp=""))

    assert response.status_code == 302
    contact = Contact.objects.get()
    assert (contact.phone, contact.whatsapp, contact.email) == ("", "", "sari@batik.test")


@pytest.mark.parametrize("persona", ["intern", "viewer"])
def test_it_forbids_interns_and_viewers(client, request, persona, customer):
    client.force_login(request.getfixturevalue(persona))

    response = client.post(_url(customer), _data(), headers=HTMX)

    assert response.status_code == 403
    assert Contact.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_it_is_404_for_another_teams_executive(client, other_executive, customer):
    client.force_login(other_executive)

    response = client.post(_url(customer), _data(), headers=HTMX)

    assert response.status_code == 404
    assert Contact.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_it_is_404_for_a_soft_deleted_customer(client, executive, customer):
    Customer.objects.filter(pk=customer.pk).update(deleted_at=timezone.now())
    client.force_login(executive)

    response = client.post(_url(customer), _data())

    assert response.status_code == 404
    assert Contact.objects.count() == 0


def test_it_redirects_anonymous_visitors_to_log_in(client, customer):
    response = client.post(_url(customer), _data())

    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={_url(customer)}"
    assert Contact.objects.count() == 0
    assert AuditEntry.objects.count() == 0


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_it_adds_only_on_post(client, executive, customer, method):
    client.force_login(executive)

    response = getattr(client, method)(_url(customer))

    assert response.status_code == 405
    assert Contact.objects.count() == 0
