"""E-mail over SMTP against a real local server: sent, 451 retried later, 550 failed with the
reason, a server that is down or silent answered within the timeout, UTF-8 intact."""

import email
import email.policy
import socket
import time
from datetime import timedelta

import pytest

from setia.engagement import actions, delivery, tasks
from setia.engagement.models import Message
from setia.engagement.tests.smtp import SMTPServer, free_port
from setia.engagement.timeline import detail_rows
from setia.history.models import TimelineEvent
from setia.lib.dates import now
from setia.test import make_contact

BODY = (
    "Halo Bu Sari,\n\nTerima kasih sudah setia berjualan bersama kami. Diskon 20% untuk "
    "perpanjangan — hemat Rp 1.500.000 · berlaku sampai 31 Desember 🙏\n\nSalam hangat"
)
SUBJECT = "Perpanjangan langganan Batik Lestari — diskon 20%"


@pytest.fixture
def smtp(settings):
    with SMTPServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_TIMEOUT = 1
        yield server


@pytest.fixture
def sari(customer):
    return make_contact(customer, name="Sari Wijaya", email="sari@batik.test")


def _queue(customer, contact, actor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return actions.queue_email(
            customer=customer, contact=contact, actor=actor, subject=SUBJECT, body=BODY
        )


def test_it_sends_over_smtp_with_indonesian_text_intact(
    smtp, customer, sari, executive, django_capture_on_commit_callbacks
):
    message = _queue(customer, sari, executive, django_capture_on_commit_callbacks)

    message.refresh_from_db()
    assert (message.status, message.attempts, message.failure_reason) == ("sent", 1, "")
    assert message.sent_at is not None
    [envelope] = smtp.handler.received
    assert envelope.rcpt_tos == ["sari@batik.test"]
    received = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    # Django folds a long encoded subject onto a continuation line; the parser keeps the fold's
    # leading space, which mail clients drop.
    assert received["Subject"].lstrip() == SUBJECT
    assert received["To"] == "sari@batik.test"
    assert received["Reply-To"] == executive.email
    assert received["Message-ID"] == message.provider_message_id
    assert received.get_content_charset() == "utf-8"
    # SMTP carries lines ended by CRLF.
    assert received.get_content().replace("\r\n", "\n").rstrip("\n") == BODY
    assert TimelineEvent.objects.get(kind="email").data["status"] == "sent"


def test_a_451_is_retried_later_not_at_once(
    smtp, customer, sari, executive, django_capture_on_commit_callbacks
):
    smtp.handler.data_replies = ["451 4.3.0 Mailbox busy, try again later"]
    before = now()

    message = _queue(customer, sari, executive, django_capture_on_commit_callbacks)

    message.refresh_from_db()
    assert (message.status, message.attempts) == ("queued", 1)
    assert message.failure_reason == "451 4.3.0 Mailbox busy, try again later"
    assert before + timedelta(minutes=1) <= message.next_attempt_at <= now() + timedelta(minutes=1)
    assert smtp.handler.received == []
    event = TimelineEvent.objects.get(kind="email")
    assert event.data["status"] == "queued"
    assert event.data["reason"] == "451 4.3.0 Mailbox busy, try again later"
    # the sweep leaves it alone until its time has come
    assert tasks.send_due_messages() == 0

    Message.objects.filter(pk=message.pk).update(next_attempt_at=now() - timedelta(seconds=1))
    assert tasks.send_due_messages() == 1

    message.refresh_from_db()
    assert (message.status, message.attempts, message.failure_reason) == ("sent", 2, "")
    assert len(smtp.handler.received) == 1


def test_a_550_fails_with_the_servers_reason(
    smtp, customer, sari, executive, django_capture_on_commit_callbacks
):
    smtp.handler.rcpt_replies = {"sari@batik.test": "550 5.1.1 No such user here"}

    message = _queue(customer, sari, executive, django_capture_on_commit_callbacks)

    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", 1)
    assert message.failure_reason == "550 5.1.1 No such user here"
    assert message.next_attempt_at is None
    event = TimelineEvent.objects.get(kind="email")
    assert (event.data["status"], event.data["reason"]) == (
        "failed",
        "550 5.1.1 No such user here",
    )
    assert ("Reason", "550 5.1.1 No such user here") in detail_rows(event)


def test_a_server_that_is_down_is_retried_later(
    settings, customer, sari, executive, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nothing listens there
    settings.EMAIL_TIMEOUT = 1
    started = time.monotonic()

    message = _queue(customer, sari, executive, django_capture_on_commit_callbacks)

    assert time.monotonic() - started < 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("queued", 1)
    assert message.failure_reason.startswith("ConnectionRefusedError")


def test_a_silent_server_costs_at_most_the_timeout(
    settings, customer, sari, executive, django_capture_on_commit_callbacks
):
    # A socket that accepts connections (the kernel's backlog) but never greets.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = silent.getsockname()[1]
        settings.EMAIL_TIMEOUT = 1
        started = time.monotonic()

        message = _queue(customer, sari, executive, django_capture_on_commit_callbacks)

        elapsed = time.monotonic() - started
    assert 0.9 <= elapsed < 3
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("queued", 1)
    assert "timed out" in message.failure_reason


def test_it_fails_after_the_last_attempt(
    smtp, customer, sari, executive, django_capture_on_commit_callbacks
):
    smtp.handler.data_replies = ["451 4.3.0 Try again later"] * delivery.MAX_ATTEMPTS

    message = _queue(customer, sari, executive, django_capture_on_commit_callbacks)
    for _attempt in range(delivery.MAX_ATTEMPTS - 1):
        Message.objects.filter(pk=message.pk).update(next_attempt_at=now())
        tasks.send_due_messages()

    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", delivery.MAX_ATTEMPTS)
    assert message.failure_reason == "451 4.3.0 Try again later"
    assert smtp.handler.received == []


def test_a_task_run_twice_sends_once(
    smtp, customer, sari, executive, django_capture_on_commit_callbacks
):
    message = _queue(customer, sari, executive, django_capture_on_commit_callbacks)

    assert tasks.send_email_message(message.pk) == "skipped"

    assert len(smtp.handler.received) == 1


def test_an_unexpected_error_fails_the_message_instead_of_leaving_it_sending(
    settings, customer, sari, executive, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.reliability.test_23_smtp_faults.BrokenBackend"

    message = _queue(customer, sari, executive, django_capture_on_commit_callbacks)

    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", 1)
    assert message.failure_reason == "unexpected error: RuntimeError('backend bug')"


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def send_messages(self, messages):
        raise RuntimeError("backend bug")
