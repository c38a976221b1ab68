"""Celery tasks of the engagement app. They take IDs and are idempotent: a message is claimed
before it is sent, so a task run twice sends once."""

from celery import shared_task

from setia.engagement import delivery, offers
from setia.engagement.models import Channel
from setia.lib.dates import today


@shared_task(ignore_result=True)
def send_email_message(message_id: int) -> str:
    """Send one queued e-mail (see delivery.deliver_email)."""
    return delivery.deliver_email(message_id)


@shared_task(ignore_result=True)
def send_whatsapp_message(message_id: int) -> str:
    """Send one queued WhatsApp Cloud API message (see delivery.deliver_whatsapp)."""
    return delivery.deliver_whatsapp(message_id)


@shared_task(ignore_result=True)
def send_due_messages() -> int:
    """Retry the queued messages whose next attempt is due; run every minute by beat."""
    count = 0
    for channel, deliver in (
        (Channel.EMAIL, delivery.deliver_email),
        (Channel.WHATSAPP, delivery.deliver_whatsapp),
    ):
        ids = delivery.due_message_ids(channel)
        for message_id in ids:
            deliver(message_id)
        count += len(ids)
    return count


@shared_task(ignore_result=True)
def end_finished_discounts() -> int:
    """Put back the previous discount once an accepted retention offer's months are over."""
    return offers.end_finished_discounts(today())
