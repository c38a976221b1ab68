"""Plans and categories, managed lists named in both languages: seeded names, the reader's
language on the pages, the admin that edits them."""

import importlib

from django.apps import apps
from django.urls import reverse
from django.utils import translation

from setia.customers import actions
from setia.customers.models import Category, Plan, Subscription
from setia.test import make_subscription


def _speaks(user, language: str) -> None:
    user.language = language
    user.save(update_fields=["language"])


def test_the_plans_are_seeded_in_both_languages_with_their_stored_codes(db):
    assert [(p.code, p.name, p.name_id, p.is_active) for p in Plan.objects.all()] == [
        ("starter", "Starter", "Pemula", True),
        ("growth", "Growth", "Berkembang", True),
        ("business", "Business", "Bisnis", True),
        ("enterprise", "Enterprise", "Korporat", True),
    ]
    # "Pro" is no plan's alias: a sheet's "Pro" stays a value outside the list.
    assert not any("pro" in plan.aliases.lower().split(", ") for plan in Plan.objects.all())


def test_plans_and_categories_show_in_the_readers_language(db):
    business = Plan.objects.get(code="business")
    craft = Category.objects.get(slug="hobby")

    with translation.override("id"):
        shown = (business.display_name, craft.display_name)
        in_sql = Plan.objects.filter(code="business").values_list(
            Plan.display_name_sql(), flat=True
        )
        assert (shown, list(in_sql)) == (("Bisnis", "Hobi & Kerajinan"), ["Bisnis"])
    with translation.override("en"):
        assert (business.display_name, craft.display_name) == ("Business", "Hobby & Craft")
    # The English name, whatever the language: history snapshots compare it.
    assert str(business) == "Business"


def test_the_360_page_names_the_plan_in_the_readers_language(client, executive, customer):
    make_subscription(customer, plan="business")
    client.force_login(executive)

    _speaks(executive, "id")
    in_indonesian = client.get(customer.get_absolute_url()).text
    _speaks(executive, "en")
    in_english = client.get(customer.get_absolute_url()).text

    assert "<dd>Bisnis</dd>" in in_indonesian and "Business" not in in_indonesian
    assert "<dd>Business</dd>" in in_english and "Bisnis" not in in_english


def test_the_form_offers_active_plans_by_name_and_keeps_a_retired_current_one(
    client, executive, customer
):
    url = reverse("customers:subscription-edit", args=[customer.code])
    Plan.objects.filter(code="enterprise").update(is_active=False)
    client.force_login(executive)
    _speaks(executive, "id")

    new = client.get(url).context["form"].fields["plan"]
    assert [label for _value, label in new.choices][1:] == ["Pemula", "Berkembang", "Bisnis"]
    make_subscription(customer, plan="enterprise")
    current = client.get(url).context["form"].fields["plan"]
    assert [label for _value, label in current.choices][-1] == "Korporat"


def test_a_plan_change_reads_in_the_readers_language_in_the_history(client, executive, customer):
    subscription = make_subscription(customer, plan="starter")
    actions.save_subscription(
        customer=customer,
        actor=executive,
        data={"plan": Plan.objects.get(code="business")},
        expected_version=subscription.version,
    )
    # The history keeps the code, as when plans were a fixed list.
    assert Subscription.objects.get().plan_id == "business"
    client.force_login(executive)
    _speaks(executive, "id")

    response = client.get(customer.get_absolute_url())

    assert (
        '<td class="before">Pemula</td><td aria-hidden="true">→</td><td class="after">Bisnis</td>'
    ) in response.text


def test_an_admin_edits_both_names_and_the_aliases_but_never_the_code(client, admin_user):
    client.force_login(admin_user)
    growth = Plan.objects.get(code="growth")
    url = reverse("admin:customers_plan_change", args=[growth.pk])

    page = client.get(url)
    response = client.post(
        url,
        {
            "code": "tumbuh",
            "name": "Growth",
            "name_id": "Tumbuh",
            "aliases": "Pro, Profesional",
            "is_active": "on",
            "position": "1",
        },
    )

    assert page.status_code == 200 and 'name="name_id"' in page.text
    assert 'name="code"' not in page.text
    assert response.status_code == 302
    growth.refresh_from_db()
    assert (growth.code, growth.name_id, growth.alias_list) == (
        "growth",
        "Tumbuh",
        ["Pro", "Profesional"],
    )
    assert client.get(reverse("admin:customers_plan_changelist")).status_code == 200


def test_the_plan_seed_keeps_an_admins_plan(db):
    seed = importlib.import_module("setia.customers.migrations.0010_plans_managed_list")
    Plan.objects.filter(code="business").update(name_id="Usaha", aliases="")

    seed.seed_plans(apps, None)

    business = Plan.objects.get(code="business")
    assert (business.name_id, Plan.objects.count()) == ("Usaha", 4)
