"""What the bulk-send tests share: an e-mail newsletter template, Bandung customers to send it to,
and the confirmation post of the bulk-send page."""

import pytest
from django.urls import reverse

from setia.engagement.tests.factories import make_template
from setia.test import make_contact, make_customer

URL = reverse("engagement:bulk-send")


@pytest.fixture
def newsletter(db):
    return make_template(
        name="Kabar",
        channel="email",
        subject="Kabar untuk {customer}",
        body="Halo {contact}, {promo}",
    )


@pytest.fixture
def bandung(team_a, executive):
    """Three Bandung customers with a primary e-mail contact, one without, one in Solo."""
    customers = []
    for name in ["Batik A", "Batik B", "Batik C"]:
        customer = make_customer(team=team_a, owner=executive, name=name, city="Bandung")
        make_contact(
            customer, name=f"Ibu {name[-1]}", email=f"{name[-1].lower()}@toko.test", is_primary=True
        )
        customers.append(customer)
    silent = make_customer(team=team_a, owner=executive, name="Batik D", city="Bandung")
    make_contact(silent, name="Pak D", email="", phone="+6281200000001", is_primary=True)
    solo = make_customer(team=team_a, owner=executive, name="Solo E", city="Solo")
    make_contact(solo, email="e@toko.test", is_primary=True)
    return customers


def confirm(
    client,
    template,
    *,
    query="city=Bandung",
    expected=3,
    promo="Gratis ongkir",
    confirmation="6f1c2a3e-0d4b-4c1a-9e55-2b7f0c9d8a11",
):
    return client.post(
        URL,
        {
            "template": template.code,
            "promo": promo,
            "query": query,
            "expected": expected,
            "confirmation": confirmation,
            "confirm": "on",
        },
    )
