import datetime

import pytest
from django.apps import apps

from setia.customers.models import Customer
from setia.engagement.templating import (
    MissingVariables,
    TemplateError,
    UnknownVariables,
    customer_values,
    render,
    variables_in,
    with_tier_name,
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
        "plan": "Bisnis",
        "renews_on": "17 Agustus 2027",
        "promo": "Gratis ongkir",
    }
    # The plan is named in the template's language, whoever sends it.
    assert customer_values(customer, language="en")["plan"] == "Business"


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


def _assign_tier(customer, name: str):
    # Through the app registry: engagement does not import the tiers app, its tests neither.
    tier = apps.get_model("tiers", "Tier").objects.get(name=name)
    apps.get_model("tiers", "CustomerTier").objects.create(
        customer=customer,
        tier=tier,
        since=datetime.date(2026, 11, 1),
        computed_on=datetime.date(2026, 11, 1),
    )


def test_it_renders_the_customers_tier_from_the_database(customer):
    _assign_tier(customer, "Gold")

    values = customer_values(customer, language="id")

    assert values["tier"] == "Emas"
    assert render("Halo {customer}, pelanggan {tier} kami", values) == (
        "Halo Batik Lestari, pelanggan Emas kami"
    )
    assert customer_values(customer, language="en")["tier"] == "Gold"


def test_the_tier_read_with_the_customers_of_a_bulk_send_needs_no_query_each(
    customer, django_assert_num_queries
):
    _assign_tier(customer, "Platinum")
    loaded = (
        with_tier_name(Customer.objects.filter(pk=customer.pk))
        .select_related("owner", "subscription")
        .prefetch_related("contacts", "stores")
        .get()
    )

    with django_assert_num_queries(0):
        values = customer_values(loaded, language="en")

    assert values["tier"] == "Platinum"


def test_a_customer_without_a_tier_is_a_missing_value(customer):
    values = customer_values(customer, language="en")

    with pytest.raises(MissingVariables) as error:
        render("Dear {customer}, as a {tier} customer", values)

    assert error.value.names == ["tier"]
    assert str(error.value.message) == "No value for {tier} for this customer."
