import pytest
from django.urls import reverse

from setia.engagement.tests.factories import make_template
from setia.history.models import TimelineEvent
from setia.test import make_contact


def _url(customer) -> str:
    return reverse("engagement:message-compose", args=[customer.code])


@pytest.fixture
def sari(customer):
    return make_contact(customer, name="Sari Wijaya", phone="+6281234567890", is_primary=True)


def test_it_previews_a_template_with_a_real_customer(client, executive, customer, sari):
    template = make_template(body="Halo {contact}, promo {promo} untuk {customer}!")
    client.force_login(executive)

    response = client.get(
        _url(customer), {"template": template.code, "contact": sari.pk, "promo": "Gratis ongkir"}
    )

    assert response.status_code == 200
    assert response.context["preview"]["text"] == (
        "Halo Sari Wijaya, promo Gratis ongkir untuk Batik Lestari!"
    )
    assert "Halo Sari Wijaya, promo Gratis ongkir untuk Batik Lestari!" in response.text
    assert not TimelineEvent.objects.exists()


def test_it_returns_only_the_preview_to_htmx(client, intern, customer, sari):
    template = make_template()
    client.force_login(intern)

    response = client.get(
        _url(customer),
        {"template": template.code, "contact": sari.pk},
        headers={"HX-Request": "true"},
    )

    assert response.templates[0].name == "engagement/_compose_preview.html"
    assert "Halo Sari Wijaya, salam dari tim Setia untuk Batik Lestari." in response.text


def test_a_missing_variable_is_shown_as_an_error(client, executive, customer, sari):
    template = make_template(body="Halo {contact}, tier {tier}: {promo}")
    client.force_login(executive)

    response = client.get(_url(customer), {"template": template.code, "contact": sari.pk})

    assert response.context["preview"]["error"] == (
        "No value for {tier}, {promo} for this customer."
    )
    assert "text" not in response.context["preview"]


def test_it_offers_only_the_channels_templates(client, executive, customer, sari):
    make_template(name="WA")
    make_template(name="Mail", channel="email", subject="Hi {customer}")
    make_template(name="Old", is_active=False)
    client.force_login(executive)

    response = client.get(_url(customer), {"channel": "email"})

    assert [t.name for t in response.context["form"].fields["template"].queryset] == ["Mail"]


def test_it_asks_for_a_contact_first(client, executive, customer):
    make_template()
    client.force_login(executive)

    response = client.get(_url(customer))

    assert "Add a contact to this customer before sending a message." in response.text


def test_a_viewer_cannot_send(client, viewer, customer, sari):
    client.force_login(viewer)

    response = client.get(_url(customer))

    assert response.status_code == 403


def test_it_is_404_for_another_teams_executive(client, other_executive, customer, sari):
    client.force_login(other_executive)

    response = client.get(_url(customer))

    assert response.status_code == 404
    assert "Sari" not in response.text


def test_it_redirects_anonymous_visitors(client, customer):
    response = client.get(_url(customer))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_it_refuses_post(client, executive, customer):
    client.force_login(executive)

    response = client.post(_url(customer))

    assert response.status_code == 405
    assert not TimelineEvent.objects.exists()


@pytest.mark.parametrize(("persona", "shown"), [("intern", True), ("viewer", False)])
def test_the_360_page_links_to_sending_for_those_who_may(client, request, persona, shown, customer):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("customers:customer-detail", args=[customer.code]))

    assert (f"{_url(customer)}?channel=whatsapp" in response.text) is shown
