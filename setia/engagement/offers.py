"""Retention offers: propose a discount to keep a customer, approve or reject it, record the
customer's answer (an accepted discount goes onto the subscription), and put the previous
discount back once its months are over. Every step goes on the customer's timeline through
`setia.history.actions`.
"""

from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from setia.customers.actions import save_edit, save_subscription
from setia.customers.models import Subscription
from setia.engagement.models import OfferStatus, RetentionOffer
from setia.history.actions import record_event
from setia.history.models import EventKind
from setia.lib.dates import add_months, now, today


class OfferError(Exception):
    """An offer step that cannot be taken; `message` is translatable and user-facing."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def needs_manager(discount_percent: int) -> bool:
    """Whether a discount is above what an executive may grant alone (a setting, 20% by
    default)."""
    return discount_percent > settings.RETENTION_APPROVAL_THRESHOLD


def _offer_event(offer, actor, *, summary: str = "") -> None:
    record_event(
        offer.customer,
        EventKind.OFFER,
        actor=actor,
        summary=summary,
        data=offer.timeline_data(),
        source_object=offer,
    )


@transaction.atomic
def propose_offer(
    *, customer, actor, asked: str, offered: str, discount_percent: int, months: int
) -> RetentionOffer:
    """Record a retention offer. A discount within the threshold, or proposed by someone who
    may approve, is approved at once; a larger one waits for a manager."""
    subscription = Subscription.objects.filter(customer=customer).first()
    if subscription is None:
        raise OfferError(_("Record the customer's subscription before offering a discount."))
    offer = RetentionOffer(
        customer=customer,
        asked=asked,
        offered=offered,
        discount_percent=discount_percent,
        months=months,
        monthly_price=subscription.monthly_price,
        proposed_by=actor,
    )
    if not needs_manager(discount_percent) or actor.has_perm("engagement.approve_retentionoffer"):
        offer.status = OfferStatus.APPROVED
        offer.approved_by = actor
        offer.approved_at = now()
    offer.save()
    _offer_event(offer, actor, summary=offered or asked)
    return offer


def _move(
    offer,
    *,
    actor,
    from_status: str,
    changes: dict,
    expected_version: int | None,
    then: Callable[[], None] | None = None,
) -> None:
    """Take one step of `offer` from `from_status` through `save_edit`: a step taken from an
    older version of the offer is refused (StaleEditError, audited); without a version (a
    writer with no form), of two managers deciding at once only the first one's step counts.
    `then()` runs in the same transaction once the step is sure."""

    def check_then_follow(record) -> None:
        # The row is locked by the version's UPDATE: the status read here cannot change.
        stored = RetentionOffer.objects.filter(pk=record.pk, status=from_status)
        if not stored.exists():
            raise OfferError(_("This offer was already decided; reload the page."))
        if then is not None:
            then()
        _offer_event(record, actor)

    save_edit(
        record=offer,
        customer=offer.customer,
        actor=actor,
        data=changes,
        expected_version=expected_version,
        before_write=check_then_follow,
        on_timeline=False,
    )


def approve_offer(*, offer, actor, expected_version: int | None = None) -> None:
    """A manager approves an offer that waits for approval."""

    if not actor.has_perm("engagement.approve_retentionoffer"):
        raise OfferError(_("Only a manager can approve this discount."))
    _move(
        offer,
        actor=actor,
        from_status=OfferStatus.PROPOSED,
        changes={"status": OfferStatus.APPROVED, "approved_by": actor, "approved_at": now()},
        expected_version=expected_version,
    )


def reject_offer(*, offer, actor, reason: str, expected_version: int | None = None) -> None:
    """A manager refuses an offer that waits for approval, saying why."""

    if not actor.has_perm("engagement.approve_retentionoffer"):
        raise OfferError(_("Only a manager can approve this discount."))
    _move(
        offer,
        actor=actor,
        from_status=OfferStatus.PROPOSED,
        changes={"status": OfferStatus.REJECTED, "reason": reason, "decided_at": now()},
        expected_version=expected_version,
    )


def record_outcome(
    *, offer, actor, outcome: str, reason: str, expected_version: int | None = None
) -> None:
    """Record the customer's answer to an approved offer. An accepted discount is applied to
    the subscription (through save_subscription, so it is audited) until its months are over."""
    if outcome not in RetentionOffer.OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}")
    changes = {"status": outcome, "reason": reason, "decided_at": now()}
    apply_discount: Callable[[], None] | None = None
    if outcome == OfferStatus.ACCEPTED:
        subscription = Subscription.objects.filter(customer=offer.customer).first()
        if subscription is None:
            raise OfferError(_("Record the customer's subscription before offering a discount."))
        changes["previous_discount_percent"] = subscription.discount_percent
        changes["discount_until"] = add_months(today(), offer.months)

        def put_discount_on() -> None:
            save_subscription(
                customer=offer.customer,
                actor=actor,
                data={"discount_percent": offer.discount_percent},
                source="retention offer",
            )

        apply_discount = put_discount_on

    _move(
        offer,
        actor=actor,
        from_status=OfferStatus.APPROVED,
        changes=changes,
        expected_version=expected_version,
        then=apply_discount,
    )


def end_finished_discounts(day) -> int:
    """Put back the previous discount of subscriptions whose accepted offer ended before
    `day`, unless someone changed the discount since. Returns how many were ended."""
    ended = 0
    finished = RetentionOffer.objects.filter(
        status=OfferStatus.ACCEPTED,
        discount_until__lte=day,
        previous_discount_percent__isnull=False,
    ).select_related("customer")
    for offer in finished:
        with transaction.atomic():
            subscription = Subscription.objects.filter(customer=offer.customer).first()
            if subscription and subscription.discount_percent == offer.discount_percent:
                save_subscription(
                    customer=offer.customer,
                    actor=None,
                    data={"discount_percent": offer.previous_discount_percent},
                    source="retention offer ended",
                )
            RetentionOffer.objects.filter(pk=offer.pk).update(
                previous_discount_percent=None, updated_at=now()
            )
            ended += 1
    return ended
