import datetime

import pytest

from setia.engagement.templating import (
    MissingVariables,
    TemplateError,
    UnknownVariables,
    customer_values,
    render,
    variables_in,
)
from setia.test import make_contact, make_store, make_subscription


def test_it_lists_the_variables_in_order_of_first_use():
    assert variables_in("Halo {contact}, {customer} {contact} {{literal}}") == [
        "contact",
        "customer",
    ]


def test_it_renders_the_values_and_literal_braces():
    text = render("Halo {contact}, promo {promo} {{kode}}", {"contact": "Sari", "promo": "10%"})

    assert text == "Halo Sari, promo 10% {kode}"


def test_a_missing_value_is_an_error_naming_every_missing_variable():
    with pytest.raises(MissingVariables) as caught:
        render(
            "Halo {contact} dari {customer}, tier {tier} {promo}",
            {"customer": "Batik", "tier": " "},
        )

    assert caught.value.names == ["contact", "tier", "promo"]
    assert str(caught.value.message) == "No value for {contact}, {tier}, {promo} for this customer."


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("{nama}", "{nama}"),
        ("{customer.__class__}", "{customer.__class__}"),
        ("{contact[0]}", "{contact[0]}"),
        ("{customer!r}", "{customer!r}"),
        ("{customer:>40}", "{customer:>40}"),
        ("{}", "{}"),
    ],
)
def test_it_refuses_unknown_variables_and_python_formatting(text, shown):
    with pytest.raises(UnknownVariables) as caught:
        variables_in(text)

    assert caught.value.names == [shown]
    assert str(caught.value.message).startswith(
        f"Unknown variables: {shown}. Use only: {{customer}}"
    )


@pytest.mark.parametrize("text", ["Halo {contact", "Halo contact}"])
def test_it_refuses_a_lone_brace(text):
    with pytest.raises(TemplateError, match="brace is not closed"):
        variables_in(text)


def test_it_reads_a_customers_values_in_the_templates_language(customer, executive):
    make_contact(customer, name="Budi")
    make_contact(customer, name="Sari Wijaya", is_primary=True)
    make_store(customer, domain="batiklestari.co.id")
    make_subscription(customer, plan="business", renews_on=datetime.date(2027, 8, 17))

    values = customer_values(customer, language="id", extra={"promo": "Gratis ongkir", "x": "y"})

    assert values == {
        "customer": "Batik Lestari",
        "contact": "Sari Wijaya",
        "store": "batiklestari.co.id",
        "city": "Bandung",
        "owner": executive.full_name,
        "tier": "",
        "plan": "Business",
        "renews_on": "17 Agustus 2027",
        "promo": "Gratis ongkir",
    }


def test_a_chosen_contact_replaces_the_primary_one(customer):
    make_contact(customer, name="Sari", is_primary=True)
    budi = make_contact(customer, name="Budi")

    assert customer_values(customer, contact=budi)["contact"] == "Budi"


def test_a_customer_without_contact_store_or_subscription_has_empty_values(customer):
    values = customer_values(customer, language="en")

    assert [name for name, value in values.items() if not value] == [
        "contact",
        "store",
        "tier",
        "plan",
        "renews_on",
        "promo",
    ]
