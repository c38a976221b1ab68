"""Writes to the timeline and the interactions recorded on it.

`record_event` is the one way any app puts something on a customer's timeline: audit changes,
interactions, messages, offers, and later imports, tasks and tier changes.
"""

from datetime import datetime, timedelta

from django.db import models, transaction
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from setia.engagement.models import (
    Channel,
    EventKind,
    Interaction,
    Message,
    Theme,
    TimelineEvent,
)
from setia.lib.dates import now
from setia.lib.phones import whatsapp_link

# WhatsApp lets a business write freely only this long after the customer's last message.
WHATSAPP_WINDOW = timedelta(hours=24)


class CannotSend(Exception):
    """A message that cannot be sent as asked; `message` is translatable and user-facing."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def record_event(
    customer,
    kind: str,
    *,
    actor=None,
    summary: str = "",
    data: dict | None = None,
    occurred_at: datetime | None = None,
    source_object: models.Model | None = None,
) -> TimelineEvent:
    """Put one event on `customer`'s timeline and return it.

    `kind` is an `EventKind` value (ValueError otherwise, so a typo cannot hide events from the
    kind filter). `data` must be JSON-serialisable; store choice values, not translated labels.
    `occurred_at` defaults to now; `source_object` is the saved row the event is about.
    An anonymous or missing `actor` is recorded as the system.
    """
    if kind not in EventKind.values:
        raise ValueError(f"unknown timeline event kind {kind!r}")
    if customer.pk is None:
        raise ValueError("record_event needs a saved customer")
    if source_object is not None and source_object.pk is None:
        raise ValueError("record_event needs a saved source_object")
    is_person = actor is not None and getattr(actor, "is_authenticated", False)
    return TimelineEvent.objects.create(
        customer=customer,
        kind=kind,
        actor=actor if is_person else None,
        summary=(summary or "")[:300],
        data=data or {},
        occurred_at=occurred_at or now(),
        source_type=source_object._meta.label_lower if source_object is not None else "",
        source_id=str(source_object.pk) if source_object is not None else "",
    )


def themes_from_names(names: list[str]) -> list[Theme]:
    """The themes called `names`, created when new; "Pembayaran" and "pembayaran" are one theme."""
    wanted: dict[str, str] = {}
    for name in names:
        name = " ".join(name.split())[:60]
        slug = slugify(name)[:60]
        if slug and slug not in wanted:
            wanted[slug] = name
    if not wanted:
        return []
    # ignore_conflicts: a colleague may create the same theme at the same moment.
    Theme.objects.bulk_create(
        [Theme(name=name, slug=slug) for slug, name in wanted.items()], ignore_conflicts=True
    )
    return list(Theme.objects.filter(slug__in=wanted))


@transaction.atomic
def log_interaction(*, customer, actor, data: dict, themes: list[str] = ()) -> Interaction:
    """Record a call, WhatsApp chat, email, meeting, note or website issue, and put it on the
    customer's timeline. `data` holds validated Interaction field values (a contact of this
    customer); `themes` are theme names.
    """
    contact = data.get("contact")
    if contact is not None and contact.customer_id != customer.pk:
        raise ValueError("the contact belongs to another customer")
    interaction = Interaction.objects.create(customer=customer, recorded_by=actor, **data)
    theme_rows = themes_from_names(list(themes))
    interaction.themes.set(theme_rows)
    record_event(
        customer,
        interaction.kind,
        actor=actor,
        summary=interaction.summary,
        data={
            "contact": contact.name if contact else "",
            "direction": interaction.direction,
            "outcome": interaction.outcome,
            "follow_up_on": interaction.follow_up_on.isoformat()
            if interaction.follow_up_on
            else "",
            "themes": sorted(theme.name for theme in theme_rows),
            "notes": interaction.notes,
            "decisions": interaction.decisions,
            "action_items": interaction.action_item_list(),
        },
        occurred_at=interaction.occurred_at,
        source_object=interaction,
    )
    return interaction


def message_event_data(message: Message) -> dict:
    """What the timeline keeps about a message (values, not labels)."""
    return {
        "contact": message.contact.name if message.contact else "",
        "direction": "outbound",
        "template": message.template.name if message.template else "",
        "status": message.status,
        "via": message.via,
        "reason": message.failure_reason,
        "message": str(message.code),
    }


@transaction.atomic
def open_whatsapp_chat(*, customer, contact, actor, template=None, text: str = ""):
    """Record that `actor` opened a WhatsApp chat with `contact`, with `text` (already rendered)
    typed in, and return `(message, link)`: the wa.me link built from the stored E.164 number.

    WhatsApp does not tell us whether the person then pressed send, so the message is recorded
    as opened in WhatsApp, not as sent. Raises CannotSend when the contact has no WhatsApp.
    """
    if contact.customer_id != customer.pk:
        raise ValueError("the contact belongs to another customer")
    if not contact.whatsapp:
        raise CannotSend(_("%(name)s has no WhatsApp number.") % {"name": contact.name})
    link = whatsapp_link(contact.whatsapp, text)
    message = Message.objects.create(
        customer=customer,
        contact=contact,
        template=template,
        channel=Channel.WHATSAPP,
        via=Message.Via.CLICK_TO_CHAT,
        recipient=contact.whatsapp,
        body=text,
        status=Message.Status.OPENED,
        sent_by=actor,
    )
    record_event(
        customer,
        EventKind.WHATSAPP,
        actor=actor,
        summary=text,
        data=message_event_data(message),
        occurred_at=message.created_at,
        source_object=message,
    )
    return message, link


@transaction.atomic
def queue_email(*, customer, contact, actor, template=None, subject: str, body: str) -> Message:
    """Queue an e-mail (already rendered) to `contact` and put it on the timeline; a Celery task
    sends it once the transaction commits. Raises CannotSend when the contact has no e-mail."""
    from setia.engagement import tasks

    if contact.customer_id != customer.pk:
        raise ValueError("the contact belongs to another customer")
    if not contact.email:
        raise CannotSend(_("%(name)s has no email address.") % {"name": contact.name})
    message = Message.objects.create(
        customer=customer,
        contact=contact,
        template=template,
        channel=Channel.EMAIL,
        via=Message.Via.SMTP,
        recipient=contact.email,
        subject=subject,
        body=body,
        status=Message.Status.QUEUED,
        sent_by=actor,
    )
    record_event(
        customer,
        EventKind.EMAIL,
        actor=actor,
        summary=subject,
        data=message_event_data(message),
        occurred_at=message.created_at,
        source_object=message,
    )
    transaction.on_commit(lambda: tasks.send_email_message.delay(message.pk))
    return message


def whatsapp_window_is_open(contact) -> bool:
    """Whether `contact` wrote to us on WhatsApp (an inbound WhatsApp interaction) in the
    last 24 hours, so a free-form message may be sent."""
    return Interaction.objects.filter(
        contact=contact,
        kind=EventKind.WHATSAPP,
        direction="inbound",
        occurred_at__gte=now() - WHATSAPP_WINDOW,
    ).exists()


@transaction.atomic
def queue_whatsapp(
    *, customer, contact, actor, template=None, text: str, parameters: list[str] = ()
) -> Message:
    """Queue a message for the WhatsApp Business Cloud API and put it on the timeline; a Celery
    task sends it once the transaction commits.

    Inside the 24-hour window the rendered `text` goes as it is; outside it only the
    template's approved WhatsApp template may go, with `parameters` (the template's variable
    values in order). Raises CannotSend when neither is possible or the contact has no WhatsApp.
    """
    from setia.engagement import tasks

    if contact.customer_id != customer.pk:
        raise ValueError("the contact belongs to another customer")
    if not contact.whatsapp:
        raise CannotSend(_("%(name)s has no WhatsApp number.") % {"name": contact.name})
    approved = template.whatsapp_template_name if template else ""
    if whatsapp_window_is_open(contact):
        approved = ""  # free text is allowed, and reads more naturally
    elif not approved:
        raise CannotSend(
            _(
                "%(name)s has not written in the last 24 hours: WhatsApp only allows an "
                "approved template now. Choose a template with an approved WhatsApp template, "
                "or use click-to-chat."
            )
            % {"name": contact.name}
        )
    message = Message.objects.create(
        customer=customer,
        contact=contact,
        template=template,
        channel=Channel.WHATSAPP,
        via=Message.Via.CLOUD_API,
        recipient=contact.whatsapp,
        body=text,
        status=Message.Status.QUEUED,
        sent_by=actor,
        whatsapp_template_name=approved,
        parameters=list(parameters) if approved else [],
    )
    record_event(
        customer,
        EventKind.WHATSAPP,
        actor=actor,
        summary=text,
        data=message_event_data(message),
        occurred_at=message.created_at,
        source_object=message,
    )
    transaction.on_commit(lambda: tasks.send_whatsapp_message.delay(message.pk))
    return message
