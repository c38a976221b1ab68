"""The WhatsApp status webhook: only a body signed with the app secret is believed, and a message's
status only moves forward whatever order the statuses arrive in."""

import json

import pytest

from setia.engagement.tests.whatsapp_fixtures import (
    event_of,
    open_window,
    post,
    queue,
    signed,
)
from setia.english_personas import *  # noqa: F403


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


@pytest.fixture
def sent(api, customer, sari, executive, django_capture_on_commit_callbacks):
    open_window(customer, sari)
    return queue(customer, sari, executive, django_capture_on_commit_callbacks)


def test_a_signed_status_webhook_updates_the_message_and_its_timeline(client, sent):
    body = _status_body("wamid.TEST0001", "delivered")

    response = post(client, body, signed(body))

    assert response.status_code == 200
    sent.refresh_from_db()
    assert sent.status == "delivered"
    event = event_of(sent)
    assert event.data["status"] == "delivered"


@pytest.mark.parametrize(
    "signature",
    [None, "", "sha256=00", "sha1=abc", "wrong-secret"],
)
def test_a_bad_or_missing_signature_is_403_and_changes_nothing(client, sent, signature):
    body = _status_body("wamid.TEST0001", "read")
    if signature == "wrong-secret":
        signature = signed(body, "another-secret")

    response = post(client, body, signature)

    assert response.status_code == 403
    sent.refresh_from_db()
    assert sent.status == "sent"
    assert event_of(sent).data["status"] == "sent"


def test_a_signature_of_another_body_is_refused(client, sent):
    response = post(
        client, _status_body("wamid.TEST0001", "read"), signed(_status_body("x", "read"))
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
        assert post(client, body, signed(body)).status_code == 200

    sent.refresh_from_db()
    assert sent.status == "read"


def test_statuses_in_one_webhook_arriving_out_of_order(client, sent):
    body = _status_body("wamid.TEST0001", "read", "sent", "delivered")

    post(client, body, signed(body))

    sent.refresh_from_db()
    assert sent.status == "read"


def test_a_failed_status_records_the_reason(client, sent):
    body = _status_body(
        "wamid.TEST0001", "failed", errors=[{"code": 131026, "title": "Message undeliverable"}]
    )

    post(client, body, signed(body))

    sent.refresh_from_db()
    assert (sent.status, sent.failure_reason) == ("failed", "131026 Message undeliverable")


def test_an_unknown_message_id_is_accepted_and_ignored(client, sent):
    body = _status_body("wamid.UNKNOWN", "read")

    assert post(client, body, signed(body)).status_code == 200
    sent.refresh_from_db()
    assert sent.status == "sent"
