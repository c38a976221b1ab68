import importlib
from datetime import date

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse

from setia.customers.models import Category
from setia.test import make_customer
from setia.tiers.actions import assign_tiers
from setia.tiers.models import Tier, TierRule
from setia.tiers.tests.factories import set_gmv

LIST = reverse("tiers:tier-list")
REPORT = reverse("tiers:tier-report")
RULE_ADD = reverse("tiers:rule-add")
GOLD_EDIT = reverse("tiers:tier-edit", args=["gold"])


def _rule_delete(rule):
    return reverse("tiers:rule-delete", args=[rule.pk])


# The tiers page


@pytest.mark.parametrize("persona", ["manager", "executive", "intern", "viewer"])
def test_it_shows_tiers_and_thresholds_to_everyone(client, db, request, persona):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(LIST)

    assert response.status_code == 200
    assert [tier.slug for tier, _rule in response.context["rows"]] == [
        "platinum",
        "gold",
        "silver",
        "bronze",
    ]
    assert "Rp 1.500.000.000" in response.text


def test_it_redirects_anonymous_visitors(client, db):
    for url in (LIST, REPORT, GOLD_EDIT, RULE_ADD):
        assert client.get(url).status_code == 302


def test_it_refuses_post_on_read_only_pages(client, manager):
    client.force_login(manager)

    assert client.post(LIST).status_code == 405
    assert client.post(REPORT).status_code == 405


# Editing a tier


def test_it_lets_a_manager_rename_recolour_and_change_the_threshold(client, manager):
    client.force_login(manager)

    response = client.post(
        GOLD_EDIT,
        {
            "name": "Gold Club",
            "name_id": " Klub  Emas ",
            "aliases": "VIP",
            "colour": "#FFD700",
            "min_gmv_90d": "Rp 250.000.000",
        },
    )

    assert response.status_code == 302
    gold = Tier.objects.get(slug="gold")
    assert (gold.name, gold.name_id, gold.aliases, gold.colour) == (
        "Gold Club",
        "Klub Emas",
        "VIP",
        "#ffd700",
    )
    assert TierRule.objects.get(tier=gold, category=None).min_gmv_90d == 250_000_000


def test_it_rejects_a_bad_colour(client, manager):
    client.force_login(manager)

    response = client.post(GOLD_EDIT, {"name": "Gold", "colour": "gold", "min_gmv_90d": "1"})

    assert response.status_code == 400
    assert Tier.objects.get(slug="gold").colour == "#b8860b"


@pytest.mark.parametrize("persona", ["executive", "intern", "viewer"])
def test_it_forbids_others_to_edit_tiers_and_rules(client, db, request, persona):
    rule = TierRule.objects.create(
        tier=Tier.objects.get(slug="gold"),
        category=Category.objects.get(slug="beauty"),
        min_gmv_90d=1,
    )
    client.force_login(request.getfixturevalue(persona))

    edit = client.post(GOLD_EDIT, {"name": "X", "colour": "#000000", "min_gmv_90d": "1"})
    add = client.post(
        RULE_ADD, {"tier": rule.tier_id, "category": rule.category_id, "min_gmv_90d": "5"}
    )
    delete = client.post(_rule_delete(rule))

    assert (edit.status_code, add.status_code, delete.status_code) == (403, 403, 403)
    assert Tier.objects.get(slug="gold").name == "Gold"
    assert TierRule.objects.filter(pk=rule.pk, min_gmv_90d=1).exists()
    assert TierRule.objects.count() == 5


def test_it_answers_404_for_an_unknown_tier(client, manager):
    client.force_login(manager)

    assert client.get(reverse("tiers:tier-edit", args=["diamond"])).status_code == 404


# Category rules


def test_it_adds_and_deletes_a_category_rule(client, manager):
    client.force_login(manager)
    fashion = Category.objects.get(slug="fashion")
    gold = Tier.objects.get(slug="gold")

    added = client.post(
        RULE_ADD, {"tier": gold.pk, "category": fashion.pk, "min_gmv_90d": "200.000.000"}
    )
    rule = TierRule.objects.get(category=fashion)
    duplicate = client.post(RULE_ADD, {"tier": gold.pk, "category": fashion.pk, "min_gmv_90d": "1"})
    deleted = client.post(_rule_delete(rule))

    assert (added.status_code, duplicate.status_code, deleted.status_code) == (302, 400, 302)
    assert rule.min_gmv_90d == 200_000_000
    assert not TierRule.objects.filter(category=fashion).exists()


def test_it_does_not_delete_a_general_rule_through_the_category_route(client, manager):
    client.force_login(manager)
    general = TierRule.objects.get(tier__slug="gold", category=None)

    assert client.post(_rule_delete(general)).status_code == 404
    assert client.get(_rule_delete(general)).status_code == 405
    assert TierRule.objects.filter(pk=general.pk).exists()


# The movement report


@pytest.fixture
def movements(team_a, team_b, executive, other_executive):
    """Team A: one customer up, one down in November 2026; team B: one up."""
    up = make_customer(team=team_a, owner=executive, name="Naik")
    down = make_customer(team=team_a, owner=executive, name="Turun")
    elsewhere = make_customer(team=team_b, owner=other_executive, name="Tim B")
    set_gmv(up, 70_000_000)
    set_gmv(down, 400_000_000)
    set_gmv(elsewhere, 70_000_000)
    assign_tiers(today=date(2026, 10, 30))
    set_gmv(up, 350_000_000)
    set_gmv(down, 10_000_000)
    set_gmv(elsewhere, 400_000_000)
    assign_tiers(today=date(2026, 11, 2))
    assign_tiers(today=date(2026, 11, 3))
    return up, down, elsewhere


@time_machine.travel("2026-11-20 10:00 +0700")
def test_it_reports_moves_by_owner_and_category_within_what_the_user_sees(
    client, executive, movements
):
    client.force_login(executive)

    response = client.get(REPORT)

    assert response.status_code == 200
    moves = [
        (change.customer.name, change.old_tier.slug, change.new_tier.slug)
        for change in response.context["movers"]
    ]
    assert sorted(moves) == [("Naik", "silver", "gold"), ("Turun", "gold", "bronze")]
    owner = executive.full_name
    assert response.context["by_owner"] == [{"name": owner, "up": 1, "down": 1}]
    assert response.context["counts_chart"].startswith("data:image/svg+xml;base64,")


@time_machine.travel("2026-11-20 10:00 +0700")
def test_it_reports_every_team_to_a_manager(client, manager, movements):
    client.force_login(manager)

    response = client.get(REPORT, {"month": "2026-11"})

    assert len(response.context["movers"]) == 3
    assert response.context["by_category"][0]["up"] == 2


@time_machine.travel("2026-11-20 10:00 +0700")
def test_it_reports_another_month_and_ignores_first_assignments(client, manager, movements):
    client.force_login(manager)

    october = client.get(REPORT, {"month": "2026-10"})
    this_month = client.get(REPORT)

    assert october.context["movers"] == []
    assert this_month.context["month"] == date(2026, 11, 1)


@pytest.mark.parametrize("month", ["2026-13", "9999-12", "0001-01", "²", "2026-1", "\x00"])
def test_it_refuses_a_malformed_month_with_a_message(client, manager, month):
    client.force_login(manager)

    response = client.get(REPORT, {"month": month})

    assert response.status_code == 400
    assert "Tulis bulan sebagai TTTT-BB, antara 2000 dan 2100." in response.text


@time_machine.travel("2026-11-20 10:00 +0700")
def test_it_renders_the_report_in_a_constant_number_of_queries(
    client, manager, movements, django_assert_max_num_queries
):
    client.force_login(manager)

    with django_assert_max_num_queries(10):
        client.get(REPORT)


@time_machine.travel("2026-11-20 10:00 +0700")
def test_the_report_puts_its_summary_and_chart_before_the_list_of_movers(
    client, manager, movements
):
    manager.language = "en"
    manager.save(update_fields=["language"])
    client.force_login(manager)

    response = client.get(REPORT)

    text = response.text
    assert response.context["ups"] == 2
    assert response.context["downs"] == 1
    assert text.index('id="summary"') < text.index('id="counts"') < text.index('id="movers"')
    assert text.index('id="by-owner"') < text.index('id="movers"')
    summary = text[text.index('id="summary"') : text.index('id="counts"')]
    assert "2 moves up" in summary
    assert "1 move down" in summary


def test_the_seeded_tiers_are_named_in_both_languages(client, manager):
    assert [(tier.name, tier.name_id) for tier in Tier.objects.all()] == [
        ("Platinum", "Platinum"),
        ("Gold", "Emas"),
        ("Silver", "Perak"),
        ("Bronze", "Perunggu"),
    ]
    client.force_login(manager)
    manager.language = "id"
    manager.save(update_fields=["language"])
    in_indonesian = client.get(LIST).text
    manager.language = "en"
    manager.save(update_fields=["language"])
    in_english = client.get(LIST).text

    assert "</svg> Perunggu</span>" in in_indonesian and "Bronze" not in in_indonesian
    assert "</svg> Bronze</span>" in in_english and "Perunggu" not in in_english


def test_the_tier_names_seed_keeps_an_admins_name(db):
    seed = importlib.import_module("setia.tiers.migrations.0003_tier_names_in_both_languages")
    Tier.objects.filter(slug="gold").update(name_id="Kencana")
    Tier.objects.filter(slug="silver").update(name_id="")

    seed.fill_names(apps, None)

    assert dict(Tier.objects.values_list("slug", "name_id")) == {
        "platinum": "Platinum",
        "gold": "Kencana",
        "silver": "Perak",
        "bronze": "Perunggu",
    }
