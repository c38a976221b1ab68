"""The webhooks' background work: the dispatcher (beat, every WEBHOOKS_DISPATCH_SECONDS) and the
sending of one webhook's deliveries (a job queued by the dispatcher, the test button and each
retry)."""

from celery import shared_task

from setia.webhooks import actions


@shared_task(ignore_result=True)
def dispatch() -> int:
    """New history → deliveries, and a `send` job per webhook with some waiting."""
    return actions.dispatch()


@shared_task(ignore_result=True)
def send(webhook_id: int, test: bool = False) -> int:
    """Post a webhook's pending deliveries (see `actions.send`)."""
    return actions.send(webhook_id, test)


@shared_task(ignore_result=True)
def purge() -> int:
    """Forget old deliveries and their log (daily)."""
    return actions.purge()
