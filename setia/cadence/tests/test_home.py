"""The manager's home: where managers land, and what it sums up."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from setia.accounts.models import Role
from setia.cadence import kpis
from setia.cadence.models import Target
from setia.customers.models import Customer
from setia.history.actions import new_event, record_events
from setia.test import make_customer, make_user
from setia.work.schedule.models import Task

HOME = reverse("cadence:home")
NOW = datetime.datetime(2026, 11, 16, 3, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_managers_land_on_their_home_and_others_keep_theirs(client, manager, executive, admin_user):
    client.force_login(manager)
    assert client.get(reverse("home")).url == HOME
    client.force_login(executive)
    assert client.get(reverse("home")).url == reverse("work:my-day")
    client.force_login(admin_user)
    assert client.get(reverse("home")).url == reverse("customers:customer-list")


def test_it_shows_progress_risk_and_open_work(client, manager, executive, team_a):
    Target.objects.create(month=datetime.date(2026, 11, 1), kpi="calls", team=team_a, value=20)
    customer = make_customer(team=team_a, owner=executive, status=Customer.Status.AT_RISK)
    Customer.objects.filter(pk=customer.pk).update(gmv_90d=5_000_000)
    calm = make_customer(team=team_a, owner=executive, status=Customer.Status.ACTIVE)
    record_events([new_event(calm, "call", actor=executive) for _n in range(5)])
    Task.objects.create(title="Lama", owner=executive, due_at=NOW - datetime.timedelta(days=2))
    Task.objects.create(title="Nanti", owner=executive, due_at=NOW + datetime.timedelta(days=2))
    client.force_login(manager)

    response = client.get(HOME)

    assert response.status_code == 200
    [row] = response.context["targets"]
    assert (row["actual"], row["percent"]) == (5, 25)
    assert response.context["at_risk"] == [customer]
    assert response.context["at_risk_count"] == 1
    assert response.context["work"] == [
        {"owner_id": executive.pk, "owner__full_name": executive.full_name, "open": 2, "overdue": 1}
    ]
    page = response.content.decode()
    assert f'href="{reverse("cadence:target-list")}"' in page
    assert f'href="{reverse("work:onboarding-board")}"' in page
    assert f'href="{reverse("tiers:tier-report")}"' in page


def test_only_managers_open_it(client, executive):
    client.force_login(executive)
    assert client.get(HOME).status_code == 403


def test_it_is_a_fixed_number_of_queries(client, manager, team_a, django_assert_num_queries):
    client.force_login(manager)
    client.get(HOME)
    cache.clear()  # the counts a first visit kept for a minute
    for n in range(10):
        person = make_user(Role.EXECUTIVE, team=team_a)
        Target.objects.create(month=datetime.date(2026, 11, 1), kpi="calls", user=person, value=5)
        customer = make_customer(team=team_a, owner=person, status=Customer.Status.AT_RISK)
        record_events([new_event(customer, "call", actor=person)])
        Task.objects.create(title=f"Tugas {n}", owner=person, due_at=NOW)

    # The targets' actuals: the rollup's builds, then the calls, live (nothing is rolled up).
    with django_assert_num_queries(11):
        response = client.get(HOME)

    assert len(response.context["at_risk"]) == len(response.context["work"]) == 8
    live = [row["actual"] for row in response.context["targets"]]
    # Rolled up: the rollup's rows and the calls since its build; the four counts (at risk and
    # health, tier moves, onboarding, open work) as kept by the visit before.
    kpis.build_rollup(datetime.date(2026, 11, 1))
    with django_assert_num_queries(8):
        response = client.get(HOME)
    assert [row["actual"] for row in response.context["targets"]] == live
    assert len(response.context["work"]) == 8


def test_the_counts_are_kept_a_minute(client, manager, team_a):
    client.force_login(manager)
    make_customer(team=team_a, status=Customer.Status.AT_RISK)
    assert client.get(HOME).context["at_risk_count"] == 1
    make_customer(team=team_a, status=Customer.Status.AT_RISK)

    assert client.get(HOME).context["at_risk_count"] == 1
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=61)):
        response = client.get(HOME)
    assert response.context["at_risk_count"] == 2
    assert b"home-counted-at" in response.content


def test_it_shows_the_health_distribution_linked_to_the_list(client, manager, team_a):
    grades = ["g", "g", "a", "p", "p", "p", ""]
    for grade in grades:
        customer = make_customer(team=team_a)
        Customer.objects.filter(pk=customer.pk).update(health_grade=grade)
    gone = make_customer(team=team_a, deleted_at=NOW)
    Customer.objects.filter(pk=gone.pk).update(health_grade="g")
    client.force_login(manager)

    response = client.get(HOME)

    assert [(row["grade"], row["count"]) for row in response.context["health"]] == [
        ("g", 2),
        ("a", 1),
        ("p", 3),
    ]
    page = response.content.decode()
    for grade in "gap":
        assert f'href="{reverse("customers:customer-list")}?health={grade}"' in page
    assert f'href="{reverse("health:distribution")}"' in page
