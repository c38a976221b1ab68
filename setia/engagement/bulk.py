"""Sending one template to a filtered list of customers.

The plan renders the message for each customer's primary contact in memory (one query with
prefetches), so the preview shows the exact count and why some customers are skipped. Starting
it inserts every message and timeline event in bulk, spaced by the channel's rate through
`next_attempt_at`, after the slots the channel's other bulk sends have taken; the per-minute
sweep (`send_due_messages`) sends them as they come due, within the channel's rate.
"""

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from setia.customers.models import Contact, Customer
from setia.engagement import delivery, whatsapp
from setia.engagement.models import BulkSend, Channel, Message, MessageTemplate
from setia.engagement.templating import TemplateError, customer_values, variables_in, with_tier_name
from setia.history.actions import new_event, record_events
from setia.history.models import EventKind
from setia.jobs.actions import enqueue
from setia.lib.dates import now
from setia.lib.display import format_number

# The advisory lock of each channel's bulk slots (PostgreSQL): the app's key, the channel's.
SLOT_LOCK = 0x5E71A
_CHANNEL_KEYS: dict[str, int] = {Channel.EMAIL: 1, Channel.WHATSAPP: 2}


class BulkError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


SEND_DUE_MESSAGES = "setia.engagement.tasks.send_due_messages"


@dataclass
class Recipient:
    customer: Customer
    contact: Contact
    address: str
    subject: str
    text: str
    parameters: list[str]


@dataclass
class BulkPlan:
    customers: int = 0
    recipients: list[Recipient] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)


def bulk_templates() -> QuerySet[MessageTemplate]:
    """The active templates that can go out in bulk now: the e-mail ones, and the WhatsApp ones
    with an approved WhatsApp template once the WhatsApp Business API is set up. The bulk form
    offers only these, so nobody previews a send that would then be refused."""
    channels = Q(channel=Channel.EMAIL)
    if whatsapp.is_configured():
        channels |= Q(channel=Channel.WHATSAPP) & ~Q(whatsapp_template_name="")
    return MessageTemplate.objects.filter(channels, is_active=True)


def plan_bulk_send(customers, *, template, promo: str = "") -> BulkPlan:
    """Who would receive `template`, rendered for each; raises BulkError when the list is too
    long or the channel cannot send in bulk."""
    if template.channel == Channel.WHATSAPP:
        if not whatsapp.is_configured():
            raise BulkError(
                _("Bulk WhatsApp needs the WhatsApp Business API, which is not set up.")
            )
        if not template.whatsapp_template_name:
            # Most customers are outside their 24-hour window: only approved templates reach them.
            raise BulkError(_("Bulk WhatsApp needs a template with an approved WhatsApp template."))
    count = customers.count()
    if count > settings.BULK_SEND_LIMIT:
        raise BulkError(
            _("%(count)s customers is more than %(limit)s; narrow the filters.")
            % {"count": format_number(count), "limit": format_number(settings.BULK_SEND_LIMIT)}
        )
    plan = BulkPlan(customers=count)
    customers = with_tier_name(
        customers.select_related("owner", "subscription__plan")
    ).prefetch_related(
        Prefetch("contacts", queryset=Contact.objects.filter(is_primary=True), to_attr="primary"),
        "stores",
    )
    names = variables_in(template.body)
    for customer in customers:
        contact = customer.primary[0] if customer.primary else None
        address = ""
        if contact is not None:
            address = contact.email if template.channel == Channel.EMAIL else contact.whatsapp
        if contact is None or not address:
            plan.skipped["no_address"] = plan.skipped.get("no_address", 0) + 1
            continue
        values = customer_values(
            customer, contact=contact, language=template.language, extra={"promo": promo}
        )
        try:
            subject, text = template.render(values)
        except TemplateError as error:
            key = "missing:" + ",".join(error.names)
            plan.skipped[key] = plan.skipped.get(key, 0) + 1
            continue
        plan.recipients.append(
            Recipient(customer, contact, address, subject, text, [values[n] for n in names])
        )
    return plan


def _first_free_slot(channel: str) -> tuple[datetime, timedelta]:
    """When a new bulk send on `channel` may send its first message, and the spacing of the
    next ones: after the last slot taken by the channel's queued bulk messages (all bulk sends
    share the channel's rate), or now. Holds the channel's lock until the transaction ends,
    so two bulk sends started together do not take the same slots."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [SLOT_LOCK, _CHANNEL_KEYS[channel]]
            )
    # SQLite lets one writer at a time: the second bulk send waits for the first one's commit.
    spacing = timedelta(minutes=1) / delivery.bulk_per_minute(channel)
    last = Message.objects.filter(
        channel=channel, status=Message.Status.QUEUED, bulk_send__isnull=False
    ).aggregate(last=Max("next_attempt_at"))["last"]
    start = now()
    if last is not None and last + spacing > start:
        start = last + spacing
    return start, spacing


@transaction.atomic
def start_bulk_send(
    *, actor, customers, template, promo: str, query: str, confirmation: uuid.UUID | None = None
) -> BulkSend:
    """Queue `template` for every recipient of the plan, spaced by the channel's bulk rate
    (`delivery.bulk_per_minute`) after the slots other bulk sends on the channel have taken.

    `confirmation` is the key of the confirmation form; a send already started with it raises
    IntegrityError (the key is unique), so a confirmation posted twice queues nothing twice.
    """
    plan = plan_bulk_send(customers, template=template, promo=promo)
    if not plan.recipients:
        raise BulkError(_("Nobody on this list can receive this message."))
    queued_at = now()
    bulk = BulkSend.objects.create(
        template=template,
        query=query[:1000],
        promo=promo,
        total=len(plan.recipients),
        skipped=plan.skipped,
        created_by=actor,
        confirmation=confirmation,
    )
    start, spacing = _first_free_slot(template.channel)
    via = Message.Via.SMTP if template.channel == Channel.EMAIL else Message.Via.CLOUD_API
    messages = Message.objects.bulk_create(
        [
            Message(
                customer=recipient.customer,
                contact=recipient.contact,
                template=template,
                channel=template.channel,
                via=via,
                recipient=recipient.address,
                subject=recipient.subject,
                body=recipient.text,
                status=Message.Status.QUEUED,
                sent_by=actor,
                next_attempt_at=start + spacing * index,
                whatsapp_template_name=template.whatsapp_template_name
                if template.channel == Channel.WHATSAPP
                else "",
                parameters=recipient.parameters if template.channel == Channel.WHATSAPP else [],
                bulk_send=bulk,
            )
            for index, recipient in enumerate(plan.recipients)
        ],
        batch_size=500,
    )
    kind = EventKind.EMAIL if template.channel == Channel.EMAIL else EventKind.WHATSAPP
    record_events(
        [
            new_event(
                message.customer,
                kind,
                actor=actor,
                summary=message.subject or message.body,
                data=message.timeline_data(),
                occurred_at=queued_at,
                source_object=message,
            )
            for message in messages
        ]
    )
    # The first message goes now; the others as they fall due (the every-minute schedule).
    bulk.job = enqueue(
        SEND_DUE_MESSAGES,
        label=gettext("Bulk send: %(template)s") % {"template": template},
        created_by=actor,
        link=reverse("engagement:bulk-detail", args=[bulk.code]),
    )
    bulk.save(update_fields=["job"])
    return bulk
