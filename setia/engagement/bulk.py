"""Sending one template to a filtered list of customers.

The plan renders the message for each customer's primary contact in memory (one query with
prefetches), so the preview shows the exact count and why some customers are skipped. Starting
it inserts every message and timeline event in bulk, spaced by the rate limit through
`next_attempt_at`; the per-minute sweep (`send_due_messages`) sends them as they come due.
"""

import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from setia.customers.models import Contact, Customer
from setia.engagement import whatsapp
from setia.engagement.models import BulkSend, Channel, Message
from setia.engagement.templating import TemplateError, customer_values, variables_in, with_tier_name
from setia.history.actions import new_event, record_events
from setia.history.models import EventKind
from setia.jobs.actions import enqueue
from setia.lib.dates import now


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
            % {"count": count, "limit": settings.BULK_SEND_LIMIT}
        )
    plan = BulkPlan(customers=count)
    customers = with_tier_name(customers.select_related("owner", "subscription")).prefetch_related(
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


@transaction.atomic
def start_bulk_send(
    *, actor, customers, template, promo: str, query: str, confirmation: uuid.UUID | None = None
) -> BulkSend:
    """Queue `template` for every recipient of the plan, spaced by BULK_SEND_PER_MINUTE.

    `confirmation` is the key of the confirmation form; a send already started with it raises
    IntegrityError (the key is unique), so a confirmation posted twice queues nothing twice.
    """
    plan = plan_bulk_send(customers, template=template, promo=promo)
    if not plan.recipients:
        raise BulkError(_("Nobody on this list can receive this message."))
    bulk = BulkSend.objects.create(
        template=template,
        query=query[:1000],
        promo=promo,
        total=len(plan.recipients),
        skipped=plan.skipped,
        created_by=actor,
        confirmation=confirmation,
    )
    start = now()
    spacing = timedelta(minutes=1) / settings.BULK_SEND_PER_MINUTE
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
                occurred_at=start,
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
