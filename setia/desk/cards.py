"""The cards other apps put on the customer 360 page: one list, in page order.

A card function takes `(customer, request)`, runs its queries and returns a
`setia.core.cards.Card` (a template and its context), or None when the reader has nothing to
see there. The page calls every function listed here, in order, and draws what they return;
the templates run no query. To add a card, write the function in the app's `cards.py` and list
it in the slot where it belongs.
"""

from collections.abc import Callable

from setia.core.cards import Card
from setia.core.http import AuthenticatedHttpRequest
from setia.customers.models import Customer
from setia.desk.brief import brief_card
from setia.engagement import cards as engagement
from setia.health import cards as health
from setia.tiers import cards as tiers
from setia.work import cards as work

CardFunction = Callable[[Customer, AuthenticatedHttpRequest], Card | None]

# The customer's one-to-one records the cards read (tier, rollup, health, churn risk), joined
# into the page's query for the customer: each card reads them from the customer it is given
# instead of fetching them again.
CARD_RELATED = (
    "tier_assignment__tier",
    "tier_assignment__rule__category",
    "rollup",
    "health",
    "churn_risk",
)

# Slots of templates/customers/detail.html: "summary" under the profile, "main" under the
# contacts and stores, "side" under the subscription.
CARDS: dict[str, list[CardFunction]] = {
    "summary": [brief_card, health.health_card, tiers.value_card],
    "main": [work.tasks_card, engagement.log_card, engagement.timeline_card],
    "side": [engagement.offers_card],
}


def cards_for(customer: Customer, request: AuthenticatedHttpRequest) -> dict[str, list[Card]]:
    """Each slot's cards for `customer` as `request.user` sees them."""
    cards = {}
    for slot, functions in CARDS.items():
        built = (function(customer, request) for function in functions)
        cards[slot] = [card for card in built if card is not None]
    return cards
