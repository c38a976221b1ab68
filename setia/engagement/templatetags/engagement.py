from django import template

from setia.engagement.models import OfferStatus
from setia.engagement.timeline import timeline_page
from setia.lib.dates import today

register = template.Library()


@register.inclusion_tag("engagement/_timeline.html", takes_context=True)
def customer_timeline(context):
    """The first page of the 360 page's customer timeline (one query)."""
    request = context["request"]
    customer = context["customer"]
    return {
        "customer": customer,
        "timeline": timeline_page(customer, request.GET.copy() if "kind" in request.GET else None),
        "request": request,
    }


@register.inclusion_tag("engagement/_offers.html", takes_context=True)
def customer_offers(context):
    """The 360 page's retention offers card: the latest offers and the discount in force
    (one query)."""
    customer = context["customer"]
    user = context["request"].user
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
    return {
        "customer": customer,
        "offers": offers,
        "active": active,
        "can_propose": user.has_perm("engagement.add_retentionoffer"),
    }


OFFERS_SHOWN = 5
