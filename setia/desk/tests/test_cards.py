import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from setia.customers.models import Customer
from setia.desk.cards import CARD_RELATED, cards_for


def _request(user, **params):
    request = RequestFactory().get("/", params)
    request.user = user
    return request


def _templates(cards) -> dict[str, list[str]]:
    return {slot: [card.template for card in slot_cards] for slot, slot_cards in cards.items()}


def test_it_lists_each_slots_cards_in_page_order(executive, customer):
    cards = cards_for(customer, _request(executive))

    assert _templates(cards) == {
        "summary": ["customers/_brief.html", "health/_card.html", "tiers/_customer_value.html"],
        "main": [
            "work/_customer_tasks.html",
            "engagement/_log_card.html",
            "engagement/_timeline.html",
        ],
        "side": ["engagement/_offers.html"],
    }


def test_it_leaves_out_the_cards_a_viewer_may_not_see(viewer, customer):
    cards = cards_for(customer, _request(viewer))

    assert _templates(cards)["main"] == ["engagement/_timeline.html"]


def test_it_gives_each_card_the_customer(executive, customer):
    cards = cards_for(customer, _request(executive))

    assert {card.context["customer"] for slot in cards.values() for card in slot} == {customer}


def test_it_reads_the_timeline_kind_from_the_query_string(executive, customer):
    cards = cards_for(customer, _request(executive, kind="note"))

    assert cards["main"][-1].context["timeline"].kind == "note"


@pytest.mark.parametrize("persona", ["executive", "viewer"])
def test_it_builds_the_cards_in_a_fixed_number_of_queries(request, customer, persona):
    user = request.getfixturevalue(persona)
    user.has_perm("customers.view_customer")  # the permission cache, read once per request

    # As the 360 page reads it: its one-to-one records joined in.
    customer = Customer.objects.select_related("category", "subscription__plan", *CARD_RELATED).get(
        pk=customer.pk
    )

    with CaptureQueriesContext(connection) as queries:
        cards_for(customer, _request(user))

    # The brief (health settings; tasks and playbook runs, executive only; interactions;
    # similar customers); health (no score: none; the settings are the brief's); months,
    # rules and tier changes; tasks (the brief's, executive only); timeline; offers.
    assert len(queries.captured_queries) == {"executive": 10, "viewer": 8}[persona]
