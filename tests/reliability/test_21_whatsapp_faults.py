"""WhatsApp Cloud API faults against a fake API on 127.0.0.1: outside the 24-hour window (131047),
undeliverable (131026), rate limits (429) and server errors retried later, timeouts never
sending twice."""

import pytest

from setia.engagement import tasks
from setia.engagement.models import Message
from setia.engagement.tests.fake_whatsapp import error_body
from setia.engagement.tests.whatsapp_fixtures import event_of, open_window, queue
from setia.english_personas import *  # noqa: F403
from setia.lib.dates import now


def test_the_apis_outside_window_error_fails_the_message_with_the_reason(
    api, customer, sari, executive, django_capture_on_commit_callbacks
):
    open_window(customer, sari)
    api.script = [
        (
            400,
            error_body(
                131047,
                "Re-engagement message",
                "Message failed to send because more than 24 hours have passed since the "
                "customer last replied to this number.",
            ),
        )
    ]

    message = queue(customer, sari, executive, django_capture_on_commit_callbacks)

    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", 1)
    assert message.failure_reason.startswith("131047 Re-engagement message: Message failed")
    event = event_of(message)
    assert event.data["status"] == "failed"
    assert event.data["reason"] == message.failure_reason


def test_an_undeliverable_message_fails_with_the_reason(
    api, customer, sari, executive, django_capture_on_commit_callbacks
):
    open_window(customer, sari)
    api.script = [(400, error_body(131026, "Message Undeliverable"))]

    message = queue(customer, sari, executive, django_capture_on_commit_callbacks)

    message.refresh_from_db()
    assert (message.status, message.failure_reason) == ("failed", "131026 Message Undeliverable")


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ((500, {}), "500 Internal Server Error"),
        ((503, error_body(131000, "Something went wrong")), "131000 Something went wrong"),
        ((429, error_body(130429, "Rate limit hit")), "130429 Rate limit hit"),
    ],
)
def test_server_errors_and_rate_limits_are_retried_later(
    api, customer, sari, executive, django_capture_on_commit_callbacks, answer, reason
):
    open_window(customer, sari)
    api.script = [answer]

    message = queue(customer, sari, executive, django_capture_on_commit_callbacks)

    message.refresh_from_db()
    assert (message.status, message.attempts, message.failure_reason) == ("queued", 1, reason)
    assert message.next_attempt_at > now()
    Message.objects.filter(pk=message.pk).update(next_attempt_at=now())
    assert tasks.send_due_messages() == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 2)
    assert len(api.delivered) == 1


def test_a_timeout_is_retried_with_the_same_key_and_never_sends_twice(
    api, customer, sari, executive, django_capture_on_commit_callbacks
):
    open_window(customer, sari)
    # The API accepts the first request but answers after the client gave up.
    api.script = [("slow", 1.5)]

    message = queue(customer, sari, executive, django_capture_on_commit_callbacks)

    message.refresh_from_db()
    assert (message.status, message.attempts) == ("queued", 1)
    assert message.failure_reason.startswith("timeout")
    Message.objects.filter(pk=message.pk).update(next_attempt_at=now())
    tasks.send_due_messages()

    message.refresh_from_db()
    assert (message.status, message.provider_message_id) == ("sent", "wamid.TEST0001")
    keys = [request["headers"]["Idempotency-Key"] for request in api.requests]
    assert keys == [str(message.idempotency_key)] * 2
    assert api.delivered == {str(message.idempotency_key): "wamid.TEST0001"}


def test_a_task_run_twice_sends_once(
    api, customer, sari, executive, django_capture_on_commit_callbacks
):
    open_window(customer, sari)
    message = queue(customer, sari, executive, django_capture_on_commit_callbacks)

    assert tasks.send_whatsapp_message(message.pk) == "skipped"
    assert len(api.requests) == 1
