"""The WhatsApp status webhook: only a body signed with the app secret is believed, and a message's
status only moves forward whatever order the statuses arrive in."""

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from django.urls import reverse

from setia.engagement import actions
from setia.engagement.tests import fake_whatsapp
from setia.engagement.tests.fake_whatsapp import FakeCloudAPI
from setia.english_personas import *  # noqa: F403
from setia.history.models import TimelineEvent
from setia.lib.dates import now
from setia.test import make_contact

SECRET = "app-secret-for-tests"


WEBHOOK = reverse("engagement:whatsapp-webhook")


@pytest.fixture
def api(settings):
    with FakeCloudAPI() as fake:
        settings.WHATSAPP_API_URL = fake.url
        settings.WHATSAPP_API_VERSION = "v21.0"
        settings.WHATSAPP_PHONE_NUMBER_ID = fake_whatsapp.PHONE_NUMBER_ID
        settings.WHATSAPP_ACCESS_TOKEN = fake_whatsapp.TOKEN
        settings.WHATSAPP_APP_SECRET = SECRET
        settings.WHATSAPP_TIMEOUT = 0.5
        yield fake


@pytest.fixture
def sari(customer):
    return make_contact(customer, name="Sari Wijaya", whatsapp="+6285712345678")


def _event(message) -> TimelineEvent:
    return TimelineEvent.objects.get(source_type="engagement.message", source_id=str(message.pk))


def _open_window(customer, contact, *, hours_ago=2):
    actions.log_interaction(
        customer=customer,
        actor=None,
        data={
            "kind": "whatsapp",
            "contact": contact,
            "direction": "inbound",
            "occurred_at": now() - timedelta(hours=hours_ago),
        },
    )


def _queue(customer, contact, actor, capture, *, template=None, text="Halo Sari", parameters=()):
    with capture(execute=True):
        return actions.queue_whatsapp(
            customer=customer,
            contact=contact,
            actor=actor,
            template=template,
            text=text,
            parameters=list(parameters),
        )


def _signed(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _status_body(wamid: str, *statuses: str, errors=None) -> bytes:
    return json.dumps(
        {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": "WABA",
                    "changes": [
                        {
                            "field": "messages",
                            "value": {
                                "messaging_product": "whatsapp",
                                "statuses": [
                                    {
                                        "id": wamid,
                                        "status": status,
                                        "timestamp": "1764400000",
                                        "recipient_id": "6285712345678",
                                        **({"errors": errors} if errors else {}),
                                    }
                                    for status in statuses
                                ],
                            },
                        }
                    ],
                }
            ],
        }
    ).encode()


def _post(client, body: bytes, signature: str | None):
    headers = {"X-Hub-Signature-256": signature} if signature is not None else {}
    return client.post(WEBHOOK, body, content_type="application/json", headers=headers)


@pytest.fixture
def sent(api, customer, sari, executive, django_capture_on_commit_callbacks):
    _open_window(customer, sari)
    return _queue(customer, sari, executive, django_capture_on_commit_callbacks)


def test_a_signed_status_webhook_updates_the_message_and_its_timeline(client, sent):
    body = _status_body("wamid.TEST0001", "delivered")

    response = _post(client, body, _signed(body))

    assert response.status_code == 200
    sent.refresh_from_db()
    assert sent.status == "delivered"
    event = _event(sent)
    assert event.data["status"] == "delivered"


@pytest.mark.parametrize(
    "signature",
    [None, "", "sha256=00", "sha1=abc", "wrong-secret"],
)
def test_a_bad_or_missing_signature_is_403_and_changes_nothing(client, sent, signature):
    body = _status_body("wamid.TEST0001", "read")
    if signature == "wrong-secret":
        signature = _signed(body, "another-secret")

    response = _post(client, body, signature)

    assert response.status_code == 403
    sent.refresh_from_db()
    assert sent.status == "sent"
    assert _event(sent).data["status"] == "sent"


def test_a_signature_of_another_body_is_refused(client, sent):
    response = _post(
        client, _status_body("wamid.TEST0001", "read"), _signed(_status_body("x", "read"))
    )

    assert response.status_code == 403
    sent.refresh_from_db()
    assert sent.status == "sent"


@pytest.mark.parametrize(
    "order",
    [
        ["delivered", "delivered", "read", "read"],
        ["read", "delivered", "sent"],
        ["delivered", "read", "delivered"],
    ],
)
def test_duplicate_and_out_of_order_statuses_end_in_the_furthest(client, sent, order):
    for status in order:
        body = _status_body("wamid.TEST0001", status)
        assert _post(client, body, _signed(body)).status_code == 200

    sent.refresh_from_db()
    assert sent.status == "read"


def test_statuses_in_one_webhook_arriving_out_of_order(client, sent):
    body = _status_body("wamid.TEST0001", "read", "sent", "delivered")

    _post(client, body, _signed(body))

    sent.refresh_from_db()
    assert sent.status == "read"


def test_a_failed_status_records_the_reason(client, sent):
    body = _status_body(
        "wamid.TEST0001", "failed", errors=[{"code": 131026, "title": "Message undeliverable"}]
    )

    _post(client, body, _signed(body))

    sent.refresh_from_db()
    assert (sent.status, sent.failure_reason) == ("failed", "131026 Message undeliverable")


def test_an_unknown_message_id_is_accepted_and_ignored(client, sent):
    body = _status_body("wamid.UNKNOWN", "read")

    assert _post(client, body, _signed(body)).status_code == 200
    sent.refresh_from_db()
    assert sent.status == "sent"
