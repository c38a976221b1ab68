"""Webhooks: managing them, turning new history into deliveries, and sending those.

`dispatch` (a job of the beat schedule, every WEBHOOKS_DISPATCH_SECONDS) reads each source of
events past its cursor and inserts the deliveries of every active webhook subscribed, one
`INSERT … SELECT` per subscribed event kind, then queues one `send` job per webhook with
deliveries waiting. `send` posts them in order through the jobs machinery: a failure that may
pass (no answer, a timeout, 5xx, 408, 429) stops the run and queues the next one after a
backoff; a refusal (another 4xx, a redirect) fails that delivery and goes on. After
WEBHOOKS_DISABLE_AFTER failures in a row the webhook is disabled and the administrators told.
"""

import hashlib
import ipaddress
import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from setia.customers.models import Customer
from setia.jobs.actions import enqueue
from setia.jobs.models import Job
from setia.webhooks import events
from setia.webhooks.models import Attempt, Cursor, Delivery, NotifiedGrade, Webhook, new_secret
from setia.webhooks.signing import signature_header

SEND_TASK = "setia.webhooks.tasks.send"
EXCERPT_LENGTH = 2000
USER_AGENT = "Setia-Webhooks/1"
# Imports finished within this window are looked at again by each pass (there are few).
IMPORT_WINDOW = timedelta(days=1)


# Managing webhooks


@transaction.atomic
def create_webhook(*, actor, name: str, url: str, events: list[str]) -> Webhook:
    """A new active webhook with a fresh secret (the page shows it once)."""
    return Webhook.objects.create(name=name, url=url, events=events, created_by=actor)


@transaction.atomic
def update_webhook(
    *, webhook: Webhook, actor, name: str, url: str, events: list[str], is_active: bool
) -> Webhook:
    """Change a webhook. Switching it on again clears its failures and the notice of its
    disabling; what happened while it was off is not sent."""
    # The stored state: a form may have set the instance's attributes already.
    was_active = Webhook.objects.filter(pk=webhook.pk).values_list("is_active", flat=True).get()
    if is_active and not was_active:
        webhook.failures, webhook.retry_at = 0, None
        webhook.disabled_at, webhook.disabled_reason = None, ""
        # Deliveries left from before it was switched off would reach it late and out of order.
        webhook.deliveries.filter(state=Delivery.State.PENDING).update(state=Delivery.State.FAILED)
    webhook.name, webhook.url, webhook.events, webhook.is_active = name, url, events, is_active
    webhook.save()
    return webhook


@transaction.atomic
def regenerate_secret(*, webhook: Webhook, actor) -> str:
    """Give the webhook a new secret and return it (shown once); the old one stops at once."""
    webhook.secret = new_secret()
    webhook.save(update_fields=["secret", "updated_at"])
    return webhook.secret


@transaction.atomic
def delete_webhook(*, webhook: Webhook, actor) -> None:
    """Remove a webhook with its deliveries and their log."""
    webhook.delete()


@transaction.atomic
def send_test(*, webhook: Webhook, actor) -> Delivery:
    """Queue a `webhook.test` event to the webhook, sent at once whether or not it is active."""
    moment = timezone.now()
    delivery = Delivery.objects.create(
        webhook=webhook,
        event=events.TEST_EVENT,
        key=f"{events.TEST_EVENT}:{uuid.uuid4().hex}",
        data={"message": "Test event from Setia", "by": actor.email},
        occurred_at=moment,
        created_at=moment,
    )
    enqueue(SEND_TASK, webhook.pk, True, label=f"webhook {webhook.pk}", created_by=actor)
    return delivery


# Addresses


def check_address(url: str) -> str | None:
    """Why `url` may not receive webhooks (an error message), or None.

    http and https only. With WEBHOOKS_ALLOW_PRIVATE off, a host that resolves to a loopback,
    private, link-local or reserved address is refused too; it is on by default because Setia
    runs on premises, beside the tools it notifies."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return _("Give an http:// or https:// address.")
    if parts.username or parts.password:
        return _("Put no user name or password in the address; the signature proves the sender.")
    if settings.WEBHOOKS_ALLOW_PRIVATE:
        return None
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 443)}
    except (OSError, UnicodeError):
        return _("The host of this address is not known.")
    for address in addresses:
        ip = ipaddress.ip_address(str(address).split("%")[0])
        if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved:
            return _("This address is on a private network, which this server may not call.")
    return None


# The dispatcher


def dispatch(*, now: datetime | None = None) -> int:
    """Turn the history written since the last pass into deliveries, and queue the sending.
    Returns how many deliveries were added. Safe to run twice: each event is queued once per
    webhook (the cursors, and the unique key of a delivery)."""
    now = now or timezone.now()
    active = list(Webhook.objects.filter(is_active=True).values_list("pk", "events"))
    subscribers: dict[str, list[int]] = {}
    for pk, names in active:
        for name in names:
            subscribers.setdefault(name, []).append(pk)
    added = 0
    with transaction.atomic():
        highs = {}
        for table, model in events.CURSOR_TABLES.items():
            high = model._default_manager.aggregate(high=Max("id"))["high"] or 0
            # The first pass starts at the present, not at the beginning of the history.
            Cursor.objects.bulk_create([Cursor(name=table, position=high)], ignore_conflicts=True)
            highs[table] = (Cursor.objects.select_for_update().get(name=table), high)
        for name, event in events.EVENTS.items():
            webhooks = subscribers.get(name)
            table = event.source.table
            if table == "health":
                added += _health(event, webhooks, now)
                continue
            if not webhooks:
                continue
            params: dict = {"now": now}
            if table in highs:
                cursor, high = highs[table]
                params |= {"low": max(cursor.position - events.OVERLAP, 0), "high": high}
            else:
                params["since"] = now - IMPORT_WINDOW
            ids = ", ".join(str(int(pk)) for pk in webhooks)
            added += events._insert(events.SELECTS[table](event, ids), params)
        for cursor, high in highs.values():
            if high > cursor.position:
                Cursor.objects.filter(pk=cursor.pk).update(position=high)
    for pk, _names in active:
        queue_send(pk)
    return added


def _health(event, webhooks: list[int] | None, now: datetime) -> int:
    """Deliveries for the customers whose grade differs from the one last reported, then the
    grades noted. Without a subscriber nothing is noted, so a later one starts afresh."""
    names = {
        "notified": events._t(NotifiedGrade),
        "customer": events._t(Customer),
    }
    if not webhooks:
        if NotifiedGrade.objects.exists():
            NotifiedGrade.objects.all().delete()
        return 0
    ids = ", ".join(str(int(pk)) for pk in webhooks)
    added = events._insert(
        events._health_select(event, ids), {"now": now, "stamp": now.strftime("%Y%m%d%H%M%S")}
    )
    with connection.cursor() as cursor:
        cursor.execute(events._NOTE_GRADES.format(**names))
    return added


def queue_send(webhook_id: int, *, run_after: datetime | None = None) -> Job | None:
    """Queue a `send` job for the webhook when it has pending deliveries and no `send` job is
    queued or running for it already; returns the job, or None."""
    if not Delivery.objects.filter(webhook_id=webhook_id, state=Delivery.State.PENDING).exists():
        return None
    busy = Job.objects.filter(name=SEND_TASK, state__in=Job.ACTIVE).values_list(
        "arguments", flat=True
    )
    if any(arguments.get("args", [None])[0] == webhook_id for arguments in busy):
        return None
    return enqueue(
        SEND_TASK,
        webhook_id,
        label=f"webhook {webhook_id}",
        run_after=run_after,
        is_scheduled=True,
    )


# Sending


@dataclass
class Answer:
    status: int | None
    body: str
    duration_ms: int
    error: str

    @property
    def succeeded(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def may_pass(self) -> bool:
        """A failure worth trying again: no answer, or 5xx, 408, 429."""
        return self.status is None or self.status >= 500 or self.status in (408, 429)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not a new address to post to (which could be anywhere)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def payload(delivery: Delivery) -> bytes:
    """The JSON body: id, event, occurred_at and data (with the customer's code)."""
    data = dict(delivery.data)
    if delivery.customer_code:
        data = {"customer": str(uuid.UUID(delivery.customer_code)), **data}
    document = {
        "id": event_id(delivery),
        "event": delivery.event,
        "occurred_at": delivery.occurred_at.isoformat(),
        "data": data,
    }
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False).encode()


def event_id(delivery: Delivery) -> str:
    """The event's id, the same for every webhook it goes to (receivers deduplicate by it)."""
    return "evt_" + hashlib.sha256(delivery.key.encode()).hexdigest()[:24]


def post(webhook: Webhook, delivery: Delivery) -> Answer:
    """Send one delivery: POST the signed payload and read the answer (at most
    EXCERPT_LENGTH characters of it)."""
    body = payload(delivery)
    timestamp = int(time.time())
    request = urllib.request.Request(
        webhook.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-Setia-Event": delivery.event,
            "X-Setia-Delivery": str(delivery.pk),
            "X-Setia-Timestamp": str(timestamp),
            "X-Setia-Signature": signature_header(webhook.secret, timestamp, body),
        },
    )
    started = time.monotonic()
    status, text, error = None, "", ""
    refused = check_address(webhook.url)
    if refused:
        return Answer(None, "", 0, refused)
    try:
        with _opener.open(request, timeout=settings.WEBHOOKS_TIMEOUT_SECONDS) as response:
            status, text = response.status, _excerpt(response)
    except urllib.error.HTTPError as answer:
        status, text = answer.code, _excerpt(answer)
    except (OSError, ValueError) as failure:  # refused, unreachable, timed out, bad TLS
        error = f"{type(failure).__name__}: {failure}"
    duration = int((time.monotonic() - started) * 1000)
    return Answer(status, text, duration, error[:300].replace("\x00", ""))


def _excerpt(response) -> str:
    try:
        raw = response.read(EXCERPT_LENGTH * 4)
    except (OSError, ValueError):
        return ""
    # PostgreSQL refuses NUL characters in text.
    return raw.decode("utf-8", "replace")[:EXCERPT_LENGTH].replace("\x00", "")


def backoff(failures: int) -> timedelta:
    """How long to wait after `failures` failures in a row: doubling from
    WEBHOOKS_RETRY_SECONDS, at most WEBHOOKS_RETRY_MAX_SECONDS."""
    seconds = settings.WEBHOOKS_RETRY_SECONDS * 2 ** min(max(failures - 1, 0), 20)
    return timedelta(seconds=min(seconds, settings.WEBHOOKS_RETRY_MAX_SECONDS))


def send(webhook_id: int, test: bool = False, *, limit: int = 100) -> int:
    """Post the webhook's pending deliveries, oldest first (at most `limit`, the rest by the
    next job); returns how many were delivered. `test` sends even to a webhook switched off
    (the page's test button)."""
    webhook = Webhook.objects.filter(pk=webhook_id).first()
    if webhook is None or not (webhook.is_active or test):
        return 0
    now = timezone.now()
    pending = Delivery.objects.filter(webhook=webhook, state=Delivery.State.PENDING)
    if test:
        # The test button answers now, even during a backoff; the other deliveries keep theirs.
        pending = pending.filter(event=events.TEST_EVENT)
    elif webhook.retry_at and webhook.retry_at > now:
        queue_again(webhook, webhook.retry_at)
        return 0
    delivered = 0
    for delivery in pending.order_by("id")[:limit]:
        # Taken by one conditional UPDATE, so that two jobs never post the same delivery.
        if not Delivery.objects.filter(
            pk=delivery.pk, state=Delivery.State.PENDING, attempts=delivery.attempts
        ).update(attempts=F("attempts") + 1):
            continue
        delivery.attempts += 1
        answer = post(webhook, delivery)
        _log(webhook, delivery, answer)
        if answer.succeeded:
            delivered += 1
            Delivery.objects.filter(pk=delivery.pk).update(state=Delivery.State.DELIVERED)
            Webhook.objects.filter(pk=webhook.pk).update(failures=0, retry_at=None)
            webhook.failures = 0
            continue
        webhook.failures += 1
        if not answer.may_pass:
            Delivery.objects.filter(pk=delivery.pk).update(state=Delivery.State.FAILED)
        if webhook.failures >= settings.WEBHOOKS_DISABLE_AFTER and webhook.is_active:
            disable(webhook, answer)
            return delivered
        if answer.may_pass:
            retry_at = timezone.now() + backoff(webhook.failures)
            Webhook.objects.filter(pk=webhook.pk).update(
                failures=F("failures") + 1, retry_at=retry_at
            )
            queue_again(webhook, retry_at)
            return delivered
        Webhook.objects.filter(pk=webhook.pk).update(failures=F("failures") + 1)
    if webhook.is_active and not test and pending.exists():
        queue_again(webhook, timezone.now())
    return delivered


def purge(*, now: datetime | None = None) -> int:
    """Delete the deliveries (and their attempts) older than WEBHOOKS_KEEP_DAYS that are no
    longer pending; returns how many. Daily, by the beat schedule."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.WEBHOOKS_KEEP_DAYS)
    old = Delivery.objects.filter(created_at__lt=cutoff).exclude(state=Delivery.State.PENDING)
    # The attempts first: the count returned is then the deliveries alone.
    Attempt.objects.filter(delivery__in=old).delete()
    count, _kinds = old.delete()
    return count


def queue_again(webhook: Webhook, run_after: datetime) -> None:
    """The next `send` job of a webhook, from within the running one."""
    enqueue(
        SEND_TASK, webhook.pk, label=f"webhook {webhook.pk}", run_after=run_after, is_scheduled=True
    )


def _log(webhook: Webhook, delivery: Delivery, answer: Answer) -> None:
    Attempt.objects.create(
        delivery=delivery,
        webhook=webhook,
        number=delivery.attempts,
        status_code=answer.status,
        response_excerpt=answer.body,
        duration_ms=answer.duration_ms,
        error=answer.error,
        succeeded=answer.succeeded,
        at=timezone.now(),
    )


def disable(webhook: Webhook, answer: Answer) -> None:
    """Switch the webhook off after too many failures in a row and tell the administrators
    (e-mail, and a notice on the webhooks page until it is switched on again)."""
    last = f"HTTP {answer.status}" if answer.status else answer.error
    reason = f"{settings.WEBHOOKS_DISABLE_AFTER} × {last}"[:300]
    moment = timezone.now()
    Webhook.objects.filter(pk=webhook.pk).update(
        is_active=False,
        disabled_at=moment,
        disabled_reason=reason,
        failures=webhook.failures,
        retry_at=None,
    )
    webhook.is_active = False
    url = settings.SITE_URL.rstrip("/") + reverse("webhooks:webhook-list")
    for admin in administrators():
        with translation.override(admin.language):
            send_mail(
                _("Webhook %(name)s disabled") % {"name": webhook.name},
                _(
                    "The webhook “%(name)s” (%(url)s) failed %(count)s times in a row and was "
                    "switched off. Last failure: %(reason)s.\nCheck the receiver, then switch "
                    "the webhook on again: %(page)s"
                )
                % {
                    "name": webhook.name,
                    "url": webhook.url,
                    "count": webhook.failures,
                    "reason": last,
                    "page": url,
                },
                None,
                [admin.email],
            )


def administrators():
    """The active administrators with an e-mail address (role group `admin`, or superusers)."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name="admin"))
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
