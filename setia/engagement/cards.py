"""Engagement's cards on the customer 360 page (listed in setia/desk/cards.py)."""

from setia.core.cards import Card
from setia.core.http import AuthenticatedHttpRequest
from setia.customers.models import Customer
from setia.engagement.models import OfferStatus
from setia.engagement.timeline import timeline_page
from setia.lib.dates import today

OFFERS_SHOWN = 5


def log_card(customer: Customer, request: AuthenticatedHttpRequest) -> Card | None:
    """Buttons to log an interaction and send a message; for those who may log (no query).

    The quick-chat links use the page's `contacts`, already read for the contacts card."""
    if not request.user.has_perm("engagement.add_interaction"):
        return None
    return Card("engagement/_log_card.html", {"customer": customer})


def timeline_card(customer: Customer, request: AuthenticatedHttpRequest) -> Card:
    """The first page of the customer's timeline, or the kind asked for in `?kind=` (one
    query)."""
    params = request.GET.copy() if "kind" in request.GET else None
    return Card(
        "engagement/_timeline.html",
        {"customer": customer, "timeline": timeline_page(customer, params)},
    )


def offers_card(customer: Customer, request: AuthenticatedHttpRequest) -> Card:
    """The latest retention offers and the discount in force (one query)."""
    offers = list(customer.retention_offers.all()[:OFFERS_SHOWN])
    active = next(
        (
            offer
            for offer in offers
            if offer.status == OfferStatus.ACCEPTED
            and offer.discount_until
            and offer.discount_until >= today()
        ),
        None,
    )
    return Card(
        "engagement/_offers.html",
        {
            "customer": customer,
            "offers": offers,
            "active": active,
            "can_propose": request.user.has_perm("engagement.add_retentionoffer"),
        },
    )
