import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from setia.customers.models import Customer
from setia.health.actions import compute_health
from setia.health.models import FactorSetting, FactorWeight, HealthSnapshot, Policy
from setia.health.tests.factories import DAY, MOMENT, contact, only_factors, uptime
from setia.test import make_customer
from setia.tiers.models import Tier

pytestmark = pytest.mark.django_db

SETTINGS = "/health/settings/"
DISTRIBUTION = "/health/"
LIST = "/customers/"


def _post_data(client) -> dict:
    """The settings form as the page fills it in."""
    form = client.get(SETTINGS).context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = str(value)
    return data


def test_only_managers_edit_the_settings(client, manager, executive):
    client.force_login(executive)
    assert client.get(SETTINGS).status_code == 403
    client.force_login(manager)
    response = client.get(SETTINGS)
    assert response.status_code == 200
    assert "Days since the last interaction" in response.text


def test_a_manager_changes_thresholds_and_a_tiers_weight(client, manager):
    client.force_login(manager)
    gold = Tier.objects.order_by("position").first()
    data = _post_data(client)
    data |= {"contact-good": "14", "contact-poor": "45", f"w-uptime-{gold.pk}": "4"}
    data.pop("any_poor_caps", None)

    response = client.post(SETTINGS, data)

    assert response.status_code == 302
    setting = FactorSetting.objects.get(factor="contact")
    assert (setting.good, setting.poor) == (14, 45)
    assert FactorWeight.objects.get(factor="uptime", tier=gold).weight == 4
    # a tier's weight equal to the default is not kept: the tier follows the default
    assert not FactorWeight.objects.filter(factor="contact", tier=gold).exists()
    assert Policy.current().any_poor_caps is False


def test_thresholds_the_wrong_way_round_are_refused_in_the_readers_language(client, manager):
    manager.language = "id"
    manager.save(update_fields=["language"])
    client.force_login(manager)
    data = _post_data(client) | {"uptime-good": "90", "uptime-poor": "95"}

    response = client.post(SETTINGS, data)

    assert response.status_code == 400
    assert "ambang buruk" in response.text
    assert not FactorSetting.objects.filter(factor="uptime").exists()  # nothing saved


@time_machine.travel(MOMENT, tick=False)
def test_the_list_filters_and_sorts_by_health(client, manager):
    only_factors("contact")
    for name, days in (("Sehat", 2), ("Sedang", 45), ("Sakit", 90)):
        contact(make_customer(name=name), days)
    make_customer(name="Baru")  # created now: 0 days, good
    compute_health(today=DAY)
    client.force_login(manager)

    def names(params):
        return [c.name for c in client.get(LIST, params).context["page"].object_list]

    assert names({"health": "p"}) == ["Sakit"]
    # the filter and the sorts read as many queries as the plain list
    with CaptureQueriesContext(connection) as plain:
        client.get(LIST)
    for params in ({"health": "p"}, {"sort": "health"}, {"sort": "-health", "health": "g"}):
        with CaptureQueriesContext(connection) as listed:
            client.get(LIST, params)
        assert len(listed) == len(plain)
    assert names({"sort": "health"}) == ["Sakit", "Sedang", "Baru", "Sehat"]
    assert names({"sort": "-health"})[:2] == ["Baru", "Sehat"]


@time_machine.travel(MOMENT, tick=False)
def test_the_distribution_counts_grades_by_tier_owner_and_category(
    client, manager, executive, team_a
):
    only_factors("contact")
    for days in (1, 2, 90):
        contact(make_customer(owner=executive, team=team_a), days)
    compute_health(today=DAY)
    client.force_login(manager)

    response = client.get(DISTRIBUTION)

    assert response.status_code == 200
    total = response.context["total"]
    assert (total["good"], total["average"], total["poor"]) == (2, 0, 1)
    by_owner = {
        row["label"]: row for _key, _title, rows in [response.context["groups"][1]] for row in rows
    }
    assert by_owner[executive.full_name]["poor"] == 1


@time_machine.travel(MOMENT, tick=False)
def test_the_360_card_shows_the_score_its_reasons_and_the_trend(client, manager):
    only_factors("contact", "uptime")
    customer = make_customer()
    contact(customer, 63)
    uptime(customer, "91")
    for back in range(1, 5):
        HealthSnapshot.objects.create(
            customer=customer, day=DAY.replace(day=DAY.day - back), score=60 + back, grade="a"
        )
    compute_health(today=DAY)
    client.force_login(manager)

    response = client.get(Customer.objects.get(pk=customer.pk).get_absolute_url())

    assert 'id="health"' in response.text
    assert "poor: no contact for 63 days" in response.text
    assert "poor: uptime 91%" in response.text
    assert 'alt="Health score per day over the last 90 days."' in response.text
