"""The WhatsApp Business Cloud API adapter against a fake API on 127.0.0.1."""

import json

import pytest
from django.urls import reverse

from setia.engagement import actions
from setia.engagement.models import Interaction, Message
from setia.engagement.tests.factories import make_template
from setia.engagement.tests.whatsapp_fixtures import (
    WEBHOOK,
    event_of,
    open_window,
    post,
    queue,
    signed,
)
from setia.history.models import TimelineEvent
from setia.lib.dates import now


@pytest.fixture
def renewal(db):
    return make_template(
        name="Perpanjangan",
        body="Halo {contact}, langganan {customer} diperpanjang dengan {promo}.",
        whatsapp_template_name="renewal_offer_v2",
    )


def test_it_sends_text_inside_the_24_hour_window(
    api, customer, sari, executive, django_capture_on_commit_callbacks
):
    open_window(customer, sari, hours_ago=23)

    message = queue(customer, sari, executive, django_capture_on_commit_callbacks)

    message.refresh_from_db()
    assert (message.status, message.provider_message_id) == ("sent", "wamid.TEST0001")
    [request] = api.requests
    assert request["json"] == {
        "messaging_product": "whatsapp",
        "to": "6285712345678",
        "type": "text",
        "text": {"body": "Halo Sari"},
        "biz_opaque_callback_data": str(message.code),
    }
    assert request["headers"]["Idempotency-Key"] == str(message.idempotency_key)
    event = event_of(message)
    assert (event.kind, event.data["status"]) == ("whatsapp", "sent")


def test_outside_the_window_it_sends_the_approved_template(
    api, customer, sari, executive, renewal, django_capture_on_commit_callbacks
):
    open_window(customer, sari, hours_ago=25)

    message = queue(
        customer,
        sari,
        executive,
        django_capture_on_commit_callbacks,
        template=renewal,
        text="Halo Sari Wijaya, …",
        parameters=["Sari Wijaya", "Batik Lestari", "diskon 20%"],
    )

    message.refresh_from_db()
    assert message.status == "sent"
    assert api.requests[0]["json"]["type"] == "template"
    assert api.requests[0]["json"]["template"] == {
        "name": "renewal_offer_v2",
        "language": {"code": "id"},
        "components": [
            {
                "type": "body",
                "parameters": [
                    {"type": "text", "text": "Sari Wijaya"},
                    {"type": "text", "text": "Batik Lestari"},
                    {"type": "text", "text": "diskon 20%"},
                ],
            }
        ],
    }


def test_outside_the_window_free_text_is_refused_before_any_request(
    api, customer, sari, executive, django_capture_on_commit_callbacks
):
    with pytest.raises(actions.CannotSend, match="has not written in the last 24 hours"):
        queue(customer, sari, executive, django_capture_on_commit_callbacks)

    assert not Message.objects.exists()
    assert api.requests == []


# Status webhooks


def test_the_subscription_check_echoes_the_challenge(client, settings):
    settings.WHATSAPP_VERIFY_TOKEN = "verify-me"
    query = {"hub.mode": "subscribe", "hub.challenge": "12345"}

    good = client.get(WEBHOOK, {**query, "hub.verify_token": "verify-me"})
    bad = client.get(WEBHOOK, {**query, "hub.verify_token": "guess"})

    assert (good.status_code, good.text) == (200, "12345")
    assert bad.status_code == 403


def test_the_webhook_refuses_other_methods(client):
    assert client.put(WEBHOOK).status_code == 405


# The page that queues a Cloud API message


def _send_url(customer) -> str:
    return reverse("engagement:whatsapp-send", args=[customer.code])


def test_an_executive_sends_an_approved_template_from_the_compose_page(
    client, api, customer, sari, executive, renewal, django_capture_on_commit_callbacks
):
    client.force_login(executive)
    page = client.get(
        reverse("engagement:message-compose", args=[customer.code]),
        {"template": renewal.code, "contact": sari.pk, "promo": "diskon 20%"},
    )
    assert f'action="{_send_url(customer)}"' in page.text

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _send_url(customer),
            {"template": renewal.code, "contact": sari.pk, "promo": "diskon 20%"},
        )

    assert response.status_code == 302
    message = Message.objects.get()
    assert (message.status, message.via, message.whatsapp_template_name) == (
        "sent",
        "cloud_api",
        "renewal_offer_v2",
    )
    assert message.parameters == ["Sari Wijaya", "Batik Lestari", "diskon 20%"]
    assert (
        message.body == "Halo Sari Wijaya, langganan Batik Lestari diperpanjang dengan diskon 20%."
    )


def test_free_text_outside_the_window_is_refused_with_400(client, api, customer, sari, executive):
    plain = make_template(name="Biasa", body="Halo {contact}")
    client.force_login(executive)

    response = client.post(_send_url(customer), {"template": plain.code, "contact": sari.pk})

    assert response.status_code == 400
    assert "has not written in the last 24 hours" in response.text
    assert not Message.objects.exists()
    assert api.requests == []


def test_it_is_400_when_the_api_is_not_set_up(client, customer, sari, executive, renewal):
    client.force_login(executive)

    response = client.post(
        _send_url(customer), {"template": renewal.code, "contact": sari.pk, "promo": "x"}
    )

    assert response.status_code == 400
    assert "not set up" in response.text
    assert not Message.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("viewer", 403), ("other_executive", 404)])
def test_it_refuses_who_may_not_send(
    client, request, api, customer, sari, renewal, persona, status
):
    client.force_login(request.getfixturevalue(persona))

    response = client.post(
        _send_url(customer), {"template": renewal.code, "contact": sari.pk, "promo": "x"}
    )

    assert response.status_code == status
    assert not Message.objects.exists()
    assert api.requests == []


def test_it_redirects_anonymous_visitors_and_refuses_get(client, executive, customer):
    assert client.post(_send_url(customer)).url.startswith(reverse("accounts:login"))
    client.force_login(executive)
    assert client.get(_send_url(customer)).status_code == 405
    assert not Message.objects.exists()


def _inbound_body(wamid: str, sender: str, text: str) -> bytes:
    return json.dumps(
        {
            "entry": [
                {
                    "changes": [
                        {
                            "field": "messages",
                            "value": {
                                "messages": [
                                    {
                                        "id": wamid,
                                        "from": sender,
                                        "timestamp": str(int(now().timestamp())),
                                        "type": "text",
                                        "text": {"body": text},
                                    }
                                ]
                            },
                        }
                    ]
                }
            ]
        }
    ).encode()


def test_a_customers_message_is_logged_once_and_opens_the_window(client, api, customer, sari):
    body = _inbound_body("wamid.IN1", "6285712345678", "Kak, checkout saya error")
    assert not actions.whatsapp_window_is_open(sari)

    for _attempt in range(2):  # Meta redelivers webhooks
        assert post(client, body, signed(body)).status_code == 200

    interaction = Interaction.objects.get()
    assert (interaction.contact, interaction.direction, interaction.summary) == (
        sari,
        "inbound",
        "Kak, checkout saya error",
    )
    assert actions.whatsapp_window_is_open(sari)
    event = TimelineEvent.objects.get(kind="whatsapp")
    assert (event.summary, event.data["direction"]) == ("Kak, checkout saya error", "inbound")


def test_an_unsigned_customers_message_is_not_logged(client, api, customer, sari):
    body = _inbound_body("wamid.IN2", "6285712345678", "Halo")

    assert post(client, body, "sha256=bad").status_code == 403
    assert not Interaction.objects.exists()
