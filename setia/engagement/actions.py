"""Writes to interactions and messages (retention offers are in `offers.py`); each goes on the
customer's timeline through `setia.history.actions`.
"""

from collections.abc import Sequence
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from setia.customers.models import Contact, Customer
from setia.engagement.models import Channel, Interaction, Message, Release, Theme
from setia.history.actions import record_event
from setia.history.models import EventKind
from setia.jobs.actions import enqueue
from setia.lib.dates import now
from setia.lib.phones import whatsapp_link
from setia.notifications.actions import mentioned_users, notify
from setia.notifications.models import Kind

# WhatsApp lets a business write freely only this long after the customer's last message.
WHATSAPP_WINDOW = timedelta(hours=24)


class CannotSend(Exception):
    """A message that cannot be sent as asked; `message` is translatable and user-facing."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


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
def log_interaction(*, customer, actor, data: dict, themes: Sequence[str] = ()) -> Interaction:
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
        data=interaction.timeline_data(theme_rows),
        occurred_at=interaction.occurred_at,
        source_object=interaction,
    )
    notify_mentions(interaction, actor=actor)
    return interaction


MENTIONED = gettext_noop("%(actor)s mentioned you in a note on %(customer)s.")


def notify_mentions(interaction: Interaction, *, actor) -> int:
    """Tell the people an interaction's summary or notes mention as "@name" (see
    `mentioned_users`), each only if they may see its customer; the writer is left out.
    No query when the note mentions nobody."""
    customer = interaction.customer
    people = [
        person
        for person in mentioned_users(f"{interaction.summary}\n{interaction.notes}")
        if Customer.objects.visible_to(person).filter(pk=customer.pk).exists()
    ]
    return notify(
        people,
        Kind.MENTION,
        MENTIONED,
        params={"actor": str(actor), "customer": customer.name},
        link=reverse("customers:customer-detail", args=[customer.code]),
        actor=actor,
    )


@transaction.atomic
def save_release(*, data: dict, release: Release | None = None) -> Release:
    """Add a release, or change `release`, from the release form's validated `data`. Nothing
    else changes: interactions name their release and read its new date or name."""
    release = release or Release()
    for name, value in data.items():
        setattr(release, name, value)
    release.save()
    return release


def _record_message(*, customer, contact, actor, template, summary: str, **fields) -> Message:
    """Create the message and put it on `customer`'s timeline under its channel's kind."""
    message = Message.objects.create(
        customer=customer, contact=contact, template=template, sent_by=actor, **fields
    )
    record_event(
        customer,
        message.channel,
        actor=actor,
        summary=summary,
        data=message.timeline_data(),
        occurred_at=message.created_at,
        source_object=message,
    )
    return message


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
    message = _record_message(
        customer=customer,
        contact=contact,
        actor=actor,
        template=template,
        summary=text,
        channel=Channel.WHATSAPP,
        via=Message.Via.CLICK_TO_CHAT,
        recipient=contact.whatsapp,
        body=text,
        status=Message.Status.OPENED,
    )
    return message, link


@transaction.atomic
def queue_email(*, customer, contact, actor, template=None, subject: str, body: str) -> Message:
    """Queue an e-mail (already rendered) to `contact` and put it on the timeline; a Celery task
    sends it once the transaction commits. Raises CannotSend when the contact has no e-mail."""
    if contact.customer_id != customer.pk:
        raise ValueError("the contact belongs to another customer")
    if not contact.email:
        raise CannotSend(_("%(name)s has no email address.") % {"name": contact.name})
    message = _record_message(
        customer=customer,
        contact=contact,
        actor=actor,
        template=template,
        summary=subject,
        channel=Channel.EMAIL,
        via=Message.Via.SMTP,
        recipient=contact.email,
        subject=subject,
        body=body,
        status=Message.Status.QUEUED,
    )
    enqueue(
        "setia.engagement.tasks.send_email_message",
        message.pk,
        label=gettext("E-mail to %(name)s") % {"name": contact.name},
        created_by=actor,
        link=customer.get_absolute_url(),
    )
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
    *, customer, contact, actor, template=None, text: str, parameters: Sequence[str] = ()
) -> Message:
    """Queue a message for the WhatsApp Business Cloud API and put it on the timeline; a Celery
    task sends it once the transaction commits.

    Inside the 24-hour window the rendered `text` goes as it is; outside it only the
    template's approved WhatsApp template may go, with `parameters` (the template's variable
    values in order). Raises CannotSend when neither is possible or the contact has no WhatsApp.
    """
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
    message = _record_message(
        customer=customer,
        contact=contact,
        actor=actor,
        template=template,
        summary=text,
        channel=Channel.WHATSAPP,
        via=Message.Via.CLOUD_API,
        recipient=contact.whatsapp,
        body=text,
        status=Message.Status.QUEUED,
        whatsapp_template_name=approved,
        parameters=list(parameters) if approved else [],
    )
    enqueue(
        "setia.engagement.tasks.send_whatsapp_message",
        message.pk,
        label=gettext("WhatsApp to %(name)s") % {"name": contact.name},
        created_by=actor,
        link=customer.get_absolute_url(),
    )
    return message


def record_inbound_whatsapp(*, provider_id: str, sender: str, text: str, sent_at) -> int:
    """Log a customer's WhatsApp message (from the Cloud API webhook) as an inbound interaction
    of every contact with that number; this also opens the 24-hour window. Returns how many
    interactions were logged.

    A webhook delivered twice logs the message once: the interaction keeps the provider's
    message id, unique per contact, so of two deliveries (even concurrent ones) the database
    rejects the second, which then logs nothing and returns 0.
    """
    if not provider_id or not sender.isdigit():
        return 0
    # In pk order, so two concurrent deliveries meet on the same first row rather than
    # deadlock on each other's.
    contacts = list(
        Contact.objects.filter(whatsapp=f"+{sender}", customer__deleted_at__isnull=True)
        .select_related("customer")
        .order_by("pk")
    )
    try:
        with transaction.atomic():
            for contact in contacts:
                interaction = Interaction.objects.create(
                    customer=contact.customer,
                    kind=EventKind.WHATSAPP,
                    contact=contact,
                    direction="inbound",
                    summary=text[:300],
                    occurred_at=sent_at,
                    provider_message_id=provider_id,
                )
                record_event(
                    contact.customer,
                    EventKind.WHATSAPP,
                    summary=text,
                    data={"contact": contact.name, "direction": "inbound", "wamid": provider_id},
                    occurred_at=sent_at,
                    source_object=interaction,
                )
    except IntegrityError:
        return 0  # an earlier delivery of this message logged it
    return len(contacts)
