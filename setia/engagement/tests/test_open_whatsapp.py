from urllib.parse import quote

import pytest
from django.urls import reverse

from setia.engagement.models import Message
from setia.engagement.tests.factories import make_template
from setia.engagement.timeline import detail_rows
from setia.history.models import TimelineEvent
from setia.test import make_contact

HTMX = {"HX-Request": "true"}


def _url(customer) -> str:
    return reverse("engagement:whatsapp-open", args=[customer.code])


@pytest.fixture
def sari(customer):
    return make_contact(
        customer, name="Sari Wijaya", phone="+6281234567890", whatsapp="+6285712345678"
    )


def test_it_records_the_message_and_redirects_to_click_to_chat(client, intern, customer, sari):
    template = make_template(body="Halo {contact}, promo: {promo} 🎉")
    client.force_login(intern)

    response = client.post(
        _url(customer), {"template": template.code, "contact": sari.pk, "promo": "Diskon 10%"}
    )

    text = "Halo Sari Wijaya, promo: Diskon 10% 🎉"
    assert response.status_code == 302
    assert response.url == f"https://wa.me/6285712345678?text={quote(text)}"
    message = Message.objects.get()
    assert (message.customer, message.contact, message.template) == (customer, sari, template)
    assert (message.channel, message.via, message.status) == ("whatsapp", "click_to_chat", "opened")
    assert (message.recipient, message.body, message.sent_by) == ("+6285712345678", text, intern)
    event = TimelineEvent.objects.get()
    assert (event.kind, event.summary, event.actor) == ("whatsapp", text, intern)
    assert event.data["status"] == "opened"
    assert event.data["template"] == "Sapaan"
    assert ("Status", "Opened in WhatsApp") in detail_rows(event)


def test_it_redirects_through_htmx(client, executive, customer, sari):
    client.force_login(executive)

    response = client.post(_url(customer), {"contact": sari.pk}, headers=HTMX)

    assert response.status_code == 204
    assert response["HX-Redirect"] == "https://wa.me/6285712345678"
    assert Message.objects.get().body == ""
    assert TimelineEvent.objects.get().kind == "whatsapp"


def test_a_missing_variable_records_nothing(client, executive, customer, sari):
    template = make_template(body="Halo {contact}, {promo}")
    client.force_login(executive)

    response = client.post(
        _url(customer), {"template": template.code, "contact": sari.pk}, headers=HTMX
    )

    assert response.status_code == 422
    assert "No value for {promo} for this customer." in response.text
    assert not Message.objects.exists()
    assert not TimelineEvent.objects.exists()


def test_a_contact_without_whatsapp_records_nothing(client, executive, customer):
    desk = make_contact(customer, name="Desk", phone="+62215551234", whatsapp="")
    client.force_login(executive)

    response = client.post(_url(customer), {"contact": desk.pk})

    assert response.status_code == 400
    assert "Desk has no WhatsApp number." in response.text
    assert not Message.objects.exists()


def test_an_email_template_cannot_be_opened_in_whatsapp(client, executive, customer, sari):
    template = make_template(channel="email", subject="Hi", body="Hi {customer}")
    client.force_login(executive)

    response = client.post(_url(customer), {"template": template.code, "contact": sari.pk})

    assert response.status_code == 400
    assert not Message.objects.exists()


def test_the_compose_page_allows_the_redirect_to_wa_me(client, executive, customer, sari):
    client.force_login(executive)

    response = client.get(reverse("engagement:message-compose", args=[customer.code]))

    assert "form-action 'self' https://wa.me;" in response["Content-Security-Policy"]


def test_the_360_page_offers_a_chat_per_whatsapp_contact(client, executive, customer, sari):
    make_contact(customer, name="Desk", phone="+62215551234", whatsapp="")
    client.force_login(executive)

    response = client.get(reverse("customers:customer-detail", args=[customer.code]))

    assert "Chat with Sari Wijaya on WhatsApp" in response.text
    assert "Chat with Desk on WhatsApp" not in response.text


def test_a_viewer_cannot_send_and_nothing_is_recorded(client, viewer, customer, sari):
    client.force_login(viewer)

    response = client.post(_url(customer), {"contact": sari.pk})

    assert response.status_code == 403
    assert not Message.objects.exists()
    assert not TimelineEvent.objects.exists()


def test_it_is_404_for_another_teams_executive(client, other_executive, customer, sari):
    client.force_login(other_executive)

    response = client.post(_url(customer), {"contact": sari.pk})

    assert response.status_code == 404
    assert not Message.objects.exists()


def test_it_refuses_a_contact_of_another_customer(client, executive, customer, team_a):
    from setia.test import make_customer

    stranger = make_contact(make_customer(team=team_a))
    client.force_login(executive)

    response = client.post(_url(customer), {"contact": stranger.pk})

    assert response.status_code == 400
    assert not Message.objects.exists()


def test_it_redirects_anonymous_visitors(client, customer, sari):
    response = client.post(_url(customer), {"contact": sari.pk})

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert not Message.objects.exists()


def test_it_refuses_get(client, executive, customer, sari):
    client.force_login(executive)

    response = client.get(_url(customer), {"contact": sari.pk})

    assert response.status_code == 405
    assert not Message.objects.exists()
