"""Merchants worth a success story: strong GMV growth over the last 90 days against the 90
before (from a minimum GMV, so that a tiny shop doubling from almost nothing does not rank
first) and a high health score, among the live merchants the reader may see and not already
in the pipeline. One query, ranked in the database; the health score and the rollup are read
from the customer's row and its rollup, never recomputed here."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, F, OuterRef
from django.utils import translation
from django.utils.translation import gettext as _

from setia.customers.models import Customer
from setia.stories.models import Story

# Growth of at least this many percent, 90 days against the 90 before.
MIN_GROWTH_PERCENT = 30
# A 90-day GMV of at least this much (rupiah): Rp 50 million a quarter.
MIN_GMV_90D = 50_000_000
# A health score of at least this (0-100): the "good" grade's default threshold.
MIN_HEALTH = 75


def _meeting_the_bar(customers):
    """`customers` whose figures make them candidates, annotated with `candidate_growth`
    (percent), `candidate_gmv` (90 days, rupiah) and `candidate_health`."""
    return customers.filter(
        rollup__gmv_90d__gte=MIN_GMV_90D,
        rollup__gmv_growth_pct__gte=MIN_GROWTH_PERCENT,
        health_score__gte=MIN_HEALTH,
    ).annotate(
        candidate_growth=F("rollup__gmv_growth_pct"),
        candidate_gmv=F("rollup__gmv_90d"),
        candidate_health=F("health_score"),
    )


def suggested_for(user):
    """The candidates `user` may see, the fastest growing first. A merchant with a story in
    the pipeline, or one that declined or was published, is not suggested again."""
    customers = Customer.objects.visible_to(user).alive()
    return (
        _meeting_the_bar(customers)
        .exclude(Exists(Story.objects.filter(customer=OuterRef("pk"))))
        .order_by(F("rollup__gmv_growth_pct").desc(), "name", "id")
    )


@dataclass(frozen=True)
class Candidate:
    customer: Customer
    gmv: int
    reason: str


def rows(customers) -> list[Candidate]:
    """The candidates of `suggested_for` (a page of them) with their reasons."""
    return [
        Candidate(
            customer,
            customer.candidate_gmv,
            reason(customer.candidate_growth, customer.candidate_health),
        )
        for customer in customers
    ]


def reason(growth: float, health: int) -> str:
    """“GMV +48% in 90 days, health 86”, in the active language."""
    return _("GMV +%(growth)s%% in 90 days, health %(health)s") % {
        "growth": round(growth),
        "health": health,
    }


def reason_for(customer) -> str:
    """Why `customer` is a candidate, in the site's language (stored on its story); empty
    when its figures do not make it one (a story added by hand)."""
    found = (
        _meeting_the_bar(Customer.objects.filter(pk=customer.pk))
        .values_list("candidate_growth", "candidate_health")
        .first()
    )
    if found is None:
        return ""
    with translation.override(settings.LANGUAGE_CODE):
        return reason(*found)
