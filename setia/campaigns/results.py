"""A campaign's result on its participants' own GMV: difference in differences.

Participants are the merchants that joined. The comparison group is every other live merchant
in the same tier and category as at least one participant (same pairs), never invited to the
campaign. The campaign window runs from its start to its end or to yesterday, whichever is
earlier (the daily metrics arrive a day late); the period before is as many days just before
the start. For each group, its average GMV per merchant per day in each period (a missing day
counts as no sales); the uplift is the participants' change minus the comparison group's
change, as a share of the participants' average before. A group-wide change (a holiday, a
platform outage) moves both groups and cancels out.

Four queries whatever the number of merchants: the two groups' sizes and their GMV sums by
period, summed by the database over the daily metrics.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, Sum
from django.db.models.functions import Coalesce

from setia.campaigns.models import Campaign, Participant
from setia.campaigns.statuses import ParticipantStatus
from setia.metrics.models import StoreDailyMetric


@dataclass(frozen=True)
class Group:
    merchants: int
    before: float  # average GMV per merchant per day, in rupiah
    during: float

    @property
    def before_rupiah(self) -> int:
        return round(self.before)

    @property
    def during_rupiah(self) -> int:
        return round(self.during)

    @property
    def change(self) -> float:
        return self.during - self.before

    @property
    def change_percent(self) -> float | None:
        return 100 * self.change / self.before if self.before else None


@dataclass(frozen=True)
class Uplift:
    before_from: datetime.date
    before_to: datetime.date
    during_from: datetime.date
    during_to: datetime.date
    participants: Group
    comparison: Group

    @property
    def days(self) -> int:
        return (self.during_to - self.during_from).days + 1

    @property
    def difference(self) -> float:
        """Difference in differences: rupiah per merchant per day the campaign added."""
        return self.participants.change - self.comparison.change

    @property
    def difference_rupiah(self) -> int:
        return round(self.difference)

    @property
    def percent(self) -> float | None:
        """The difference as a share of the participants' average before."""
        before = self.participants.before
        return 100 * self.difference / before if before else None


def _rank(expression):
    # Merchants without a tier form a group of their own: rank 0 never matches a real rank.
    return Coalesce(expression, 0)


def comparison_group(campaign: Campaign, customers):
    """Of `customers`, the live ones never in `campaign` that share a tier and a category with
    one of its joined participants."""
    same_pair = (
        Participant.objects.filter(
            campaign=campaign,
            status=ParticipantStatus.JOINED,
            customer__category_id=OuterRef("category_id"),
        )
        .annotate(rank=_rank("customer__tier_rank"))
        .filter(rank=_rank(OuterRef("tier_rank")))
    )
    return (
        customers.alive()
        .filter(Exists(same_pair))
        .exclude(campaign_participations__campaign=campaign)
    )


def _group(customer_ids, count: int, before_from, start, during_to, days: int) -> Group:
    sums = StoreDailyMetric.objects.filter(
        day__gte=before_from, day__lte=during_to, store__customer_id__in=customer_ids
    ).aggregate(
        before=Sum("gmv", filter=Q(day__lt=start), default=0),
        during=Sum("gmv", filter=Q(day__gte=start), default=0),
    )
    per = count * days
    return Group(
        merchants=count,
        before=sums["before"] / per if per else 0.0,
        during=sums["during"] / per if per else 0.0,
    )


def measure(campaign: Campaign, customers, today: datetime.date) -> Uplift | None:
    """The campaign's uplift over the merchants of `customers` (those the reader may see);
    None before its first full day."""
    during_to = min(campaign.ends_on, today - datetime.timedelta(days=1))
    if during_to < campaign.starts_on:
        return None
    days = (during_to - campaign.starts_on).days + 1
    before_from = campaign.starts_on - datetime.timedelta(days=days)
    joined = customers.alive().filter(
        campaign_participations__campaign=campaign,
        campaign_participations__status=ParticipantStatus.JOINED,
    )
    comparison = comparison_group(campaign, customers)
    window = (before_from, campaign.starts_on, during_to, days)
    return Uplift(
        before_from=before_from,
        before_to=campaign.starts_on - datetime.timedelta(days=1),
        during_from=campaign.starts_on,
        during_to=during_to,
        participants=_group(joined.values("pk"), joined.count(), *window),
        comparison=_group(comparison.values("pk"), comparison.count(), *window),
    )
