"""What the WhatsApp tests share: Setia pointed at the fake Cloud API, a contact on WhatsApp, a
message queued and its timeline event, the customer's 24-hour window opened, a signed webhook."""

import hashlib
import hmac
from datetime import timedelta

import pytest
from django.urls import reverse

from setia.engagement import actions
from setia.engagement.tests import fake_whatsapp
from setia.engagement.tests.fake_whatsapp import FakeCloudAPI
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


def event_of(message) -> TimelineEvent:
    return TimelineEvent.objects.get(source_type="engagement.message", source_id=str(message.pk))


def open_window(customer, contact, *, hours_ago=2):
    """The customer wrote `hours_ago` hours ago: free text may be sent for 24 hours after."""
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


def queue(customer, contact, actor, capture, *, template=None, text="Halo Sari", parameters=()):
    with capture(execute=True):
        return actions.queue_whatsapp(
            customer=customer,
            contact=contact,
            actor=actor,
            template=template,
            text=text,
            parameters=list(parameters),
        )


def signed(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post(client, body: bytes, signature: str | None):
    headers = {"X-Hub-Signature-256": signature} if signature is not None else {}
    return client.post(WEBHOOK, body, content_type="application/json", headers=headers)
