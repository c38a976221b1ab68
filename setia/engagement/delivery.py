"""Delivering queued messages: e-mail over SMTP (and the WhatsApp Cloud API adapter).

Each delivery first claims its message with a conditional UPDATE (queued → sending), so a task
delivered twice, or two workers, never send one message twice. Temporary failures (SMTP 4xx, a
server that is down or too slow) put the message back in the queue with a later
`next_attempt_at`, which `send_due_messages` picks up; permanent ones (SMTP 5xx) fail it with
the server's reason. Every outcome updates the message's timeline event.
"""

import logging
import smtplib
from datetime import timedelta
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import F, Q

from setia.engagement import whatsapp
from setia.engagement.models import STATUS_RANK, Channel, Message
from setia.history.models import TimelineEvent
from setia.lib.dates import now

logger = logging.getLogger(__name__)

# Waits before attempts 2, 3, 4 and 5; after the fifth temporary failure the message fails.
RETRY_DELAYS = [
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
]
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
DUE_BATCH = 100  # messages per sweep; a sweep runs every minute


class TemporaryFailure(Exception):
    pass


class PermanentFailure(Exception):
    pass


def claim(message_id: int, channel: str) -> Message | None:
    """Take a queued message whose time has come for sending; None if another worker has it,
    it was already sent, or it is not due yet."""
    claimed = (
        Message.objects.filter(pk=message_id, channel=channel, status=Message.Status.QUEUED)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now()))
        .update(status=Message.Status.SENDING, attempts=F("attempts") + 1, updated_at=now())
    )
    if not claimed:
        return None
    return Message.objects.select_related("contact", "template", "sent_by").get(pk=message_id)


def finish(message: Message, *, error: Exception | None = None, provider_id: str = "") -> str:
    """Record the outcome of one attempt; returns "sent", "retry" or "failed"."""
    fields = ["status", "failure_reason", "next_attempt_at", "updated_at"]
    if error is None:
        message.status = Message.Status.SENT
        message.failure_reason = ""
        message.next_attempt_at = None
        message.sent_at = now()
        message.provider_message_id = provider_id
        fields += ["sent_at", "provider_message_id"]
        outcome = "sent"
    elif isinstance(error, TemporaryFailure) and message.attempts < MAX_ATTEMPTS:
        message.status = Message.Status.QUEUED
        message.failure_reason = str(error)
        message.next_attempt_at = now() + RETRY_DELAYS[message.attempts - 1]
        outcome = "retry"
    else:
        message.status = Message.Status.FAILED
        message.failure_reason = str(error)
        message.next_attempt_at = None
        outcome = "failed"
    message.save(update_fields=fields)
    update_timeline(message)
    return outcome


def update_timeline(message: Message) -> None:
    """Show the message's current status (and failure reason) on its timeline event."""
    TimelineEvent.objects.filter(
        source_type=Message._meta.label_lower, source_id=str(message.pk)
    ).update(data=message.timeline_data(), updated_at=now())


def deliver_email(message_id: int) -> str:
    """Send one queued e-mail over SMTP; returns "sent", "retry", "failed" or "skipped"."""
    message = claim(message_id, Channel.EMAIL)
    if message is None:
        return "skipped"
    message_id_header = make_msgid(domain=settings.EMAIL_MESSAGE_ID_DOMAIN)
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        reply_to=[message.sent_by.email] if message.sent_by else [],
        headers={"Message-ID": message_id_header},
    )
    try:
        _send(email)
    except (TemporaryFailure, PermanentFailure) as error:
        return finish(message, error=error)
    except Exception as error:
        return _unexpected(message, error)
    return finish(message, provider_id=message_id_header)


def _unexpected(message: Message, error: Exception) -> str:
    # A bug must not leave the message claimed ("sending") forever; it fails, visibly, and
    # is not retried in a loop.
    logger.exception("sending message %s failed unexpectedly", message.pk)
    return finish(message, error=PermanentFailure(f"unexpected error: {error!r}"))


def _send(email: EmailMessage) -> None:
    # EMAIL_TIMEOUT bounds every socket operation, so a server that accepts the connection and
    # then says nothing costs at most that long.
    try:
        with get_connection(fail_silently=False, timeout=settings.EMAIL_TIMEOUT) as connection:
            connection.send_messages([email])
    except smtplib.SMTPRecipientsRefused as error:
        code, reason = next(iter(error.recipients.values()))
        raise _classify(code, reason) from None
    except smtplib.SMTPResponseException as error:
        raise _classify(error.smtp_code, error.smtp_error) from None
    except (smtplib.SMTPException, OSError) as error:
        # Refused connection, timeout, dropped connection: the server may be back later.
        raise TemporaryFailure(f"{type(error).__name__}: {error}".rstrip(": ")) from None


def _classify(code: int, reason) -> Exception:
    text = reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
    failure = TemporaryFailure if 400 <= code < 500 else PermanentFailure
    return failure(f"{code} {text}")


def deliver_whatsapp(message_id: int) -> str:
    """Send one queued Cloud API message; returns "sent", "retry", "failed" or "skipped".

    Every attempt carries the message's idempotency key: when an attempt timed out after the
    API had accepted it, the retry is recognised and not delivered a second time.
    """
    message = claim(message_id, Channel.WHATSAPP)
    if message is None:
        return "skipped"
    try:
        provider_id = whatsapp.send(
            whatsapp.payload_for(message), idempotency_key=str(message.idempotency_key)
        )
    except whatsapp.CloudAPIError as error:
        failure = TemporaryFailure if error.temporary else PermanentFailure
        return finish(message, error=failure(str(error)))
    except Exception as error:
        return _unexpected(message, error)
    return finish(message, provider_id=provider_id)


def apply_status(provider_id: str, status: str, reason: str = "") -> bool:
    """Apply a status webhook to the message with `provider_id`; True when it changed.

    Statuses can arrive twice or out of order; only a further one is kept (sent < failed <
    delivered < read), with one conditional UPDATE, so concurrent webhooks end in one status.
    """
    rank = STATUS_RANK.get(status)
    if rank is None or not provider_id:
        return False
    earlier = [
        Message.Status.QUEUED,
        Message.Status.SENDING,
        *[name for name, other in STATUS_RANK.items() if other < rank],
    ]
    changes = {"status": status, "updated_at": now()}
    if status == Message.Status.FAILED:
        changes["failure_reason"] = reason
    updated = Message.objects.filter(
        provider_message_id=provider_id, channel=Channel.WHATSAPP, status__in=earlier
    ).update(**changes)
    if updated:
        for message in Message.objects.filter(provider_message_id=provider_id).select_related(
            "contact", "template"
        ):
            update_timeline(message)
    return bool(updated)


def bulk_per_minute(channel: str) -> int:
    """How many bulk messages `channel` sends a minute, all bulk sends together: its own
    setting (BULK_EMAIL_PER_MINUTE, BULK_WHATSAPP_PER_MINUTE) when set, else
    BULK_SEND_PER_MINUTE."""
    own: dict[str, int] = {
        Channel.EMAIL: settings.BULK_EMAIL_PER_MINUTE,
        Channel.WHATSAPP: settings.BULK_WHATSAPP_PER_MINUTE,
    }
    return own.get(channel, 0) or settings.BULK_SEND_PER_MINUTE


def bulk_budget(channel: str) -> int:
    """How many more bulk messages `channel` may send now: its rate less those sent in the last
    minute or being sent. Queueing spaces bulk messages by the rate already; this holds it when
    they bunch up (a worker that was down, retries falling on scheduled slots)."""
    recent = Message.objects.filter(channel=channel, bulk_send__isnull=False).filter(
        Q(sent_at__gt=now() - timedelta(minutes=1)) | Q(status=Message.Status.SENDING)
    )
    return max(bulk_per_minute(channel) - recent.count(), 0)


def due_message_ids(channel: str) -> list[int]:
    """The queued messages of `channel` whose attempt is due, oldest first: every single message,
    and the bulk ones within the channel's per-minute budget (`bulk_budget`)."""
    due = Message.objects.filter(
        channel=channel, status=Message.Status.QUEUED, next_attempt_at__lte=now()
    ).order_by("next_attempt_at", "pk")
    single = list(
        due.filter(bulk_send__isnull=True).values_list("next_attempt_at", "pk")[:DUE_BATCH]
    )
    budget = min(bulk_budget(channel), DUE_BATCH)
    bulk = list(due.filter(bulk_send__isnull=False).values_list("next_attempt_at", "pk")[:budget])
    return [pk for _due, pk in sorted(single + bulk)]
