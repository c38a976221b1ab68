"""Candidates come from planted daily metrics: the rollup's 90 days against the 90 before,
the health score on the customer's row, the reader's record rules and the pipeline."""

import datetime

import pytest

from setia.campaigns.tests.factories import plant_gmv
from setia.customers.models import Customer
from setia.metrics.actions import recompute_rollups
from setia.stories import candidates
from setia.stories.tests.factories import make_story
from setia.test import make_customer

TODAY = datetime.date(2026, 12, 1)
DAYS = [TODAY - datetime.timedelta(days=n) for n in range(1, 181)]
RECENT = TODAY - datetime.timedelta(days=90)


def _merchant(name, *, before, after, health, team, owner, seed):
    """A merchant selling `before` a day in the older 90 days and `after` in the last 90."""
    customer = make_customer(team=team, owner=owner, name=name)
    plant_gmv(customer, DAYS, lambda day: after if day >= RECENT else before, seed=seed, noise=0)
    Customer.objects.filter(pk=customer.pk).update(health_score=health)
    return customer


@pytest.fixture
def planted(team_a, team_b, executive, other_executive):
    ours = {"team": team_a, "owner": executive}
    merchants = {
        # +50% on Rp 90 million before: a candidate.
        "grower": _merchant(
            "Rumah Jati", before=1_000_000, after=1_500_000, health=86, seed=1, **ours
        ),
        # +100%, faster: ranked first.
        "doubler": _merchant(
            "Dapur Asri", before=1_000_000, after=2_000_000, health=80, seed=2, **ours
        ),
        # +20%: not enough growth.
        "slow": _merchant(
            "Teras Kita", before=1_000_000, after=1_200_000, health=90, seed=3, **ours
        ),
        # +100% of almost nothing: under the minimum GMV.
        "tiny": _merchant("Kayu Kecil", before=100_000, after=200_000, health=90, seed=4, **ours),
        # Growing, but health 60.
        "unhealthy": _merchant(
            "Rotan Ruang", before=1_000_000, after=1_600_000, health=60, seed=5, **ours
        ),
        # Growing and healthy, but another team's.
        "theirs": _merchant(
            "Anyam Hangat",
            before=1_000_000,
            after=1_600_000,
            health=90,
            seed=6,
            team=team_b,
            owner=other_executive,
        ),
    }
    recompute_rollups(today=TODAY)
    return merchants


def test_it_suggests_strong_growth_and_high_health_fastest_first(planted, executive):
    found = list(candidates.suggested_for(executive))

    assert [c.name for c in found] == ["Dapur Asri", "Rumah Jati"]
    assert [candidates.reason(c.candidate_growth, c.candidate_health) for c in found] == [
        "GMV +100% in 90 days, health 80",
        "GMV +50% in 90 days, health 86",
    ]
    assert [c.candidate_gmv for c in found] == [180_000_000, 135_000_000]


def test_a_manager_sees_every_teams_candidates(planted, manager):
    assert [c.name for c in candidates.suggested_for(manager)] == [
        "Dapur Asri",
        "Anyam Hangat",
        "Rumah Jati",
    ]


def test_merchants_in_the_pipeline_are_not_suggested_again(planted, executive):
    make_story(planted["doubler"])
    make_story(planted["grower"], state="declined")

    assert list(candidates.suggested_for(executive)) == []


def test_it_is_one_query_whatever_the_number_of_merchants(
    planted, executive, django_assert_num_queries
):
    executive.has_perm("customers.view_customer")  # the permissions, cached on the user

    with django_assert_num_queries(1):
        assert len(list(candidates.suggested_for(executive))) == 2


def test_the_reason_is_stored_in_the_sites_language(planted):
    assert candidates.reason_for(planted["grower"]) == "GMV +50% in 90 days, health 86"
    assert candidates.reason_for(planted["slow"]) == ""
