"""A campaign's result on its participants' own GMV: difference in differences.

Participants are the merchants that joined. The comparison group is every other live merchant
in the same tier and category as at least one participant (same pairs), never invited to the
campaign. The campaign window runs from its start to its end or to yesterday, whichever is
earlier (the daily metrics arrive a day late); the period before is as many days just before
the start. For each group, its average GMV per merchant per day in each period (a missing day
counts as no sales); the uplift is the participants' change minus the comparison group's
change, as a share of the participants' average before. A group-wide change (a holiday, a
platform outage) moves both groups and cancels out.

One query whatever the number of merchants (`tally`): the merchants of each group and each
one's GMV in each period, read by two index range scans over its stores' daily metrics (one
per period, on the primary key (store, day), which carries the GMV so that PostgreSQL reads
the index alone), summed by the database. The same query counts the invited participants, so
that the campaign page reads its counts there too.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from setia.campaigns.models import Campaign, Participant
from setia.campaigns.statuses import ParticipantStatus
from setia.customers.models import Customer, Store
from setia.engagement.models import Channel as MessageChannel
from setia.engagement.models import Direction, Interaction, Message
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
    def measurable(self) -> bool:
        """Both groups have merchants: with no comparison group (the audience took every
        merchant of its tiers and categories) there is nothing to subtract, and the
        participants' own change is no uplift."""
        return self.participants.merchants > 0 and self.comparison.merchants > 0

    @property
    def percent(self) -> float | None:
        """The difference as a share of the participants' average before."""
        before = self.participants.before
        return 100 * self.difference / before if before and self.measurable else None


@dataclass(frozen=True)
class Tally:
    """A campaign's participants the reader may see, and its result over them."""

    invited: int  # every participant, joined or not
    joined: int
    uplift: Uplift | None  # None before the campaign's first full day


# The role of each merchant in the query's rows.
_JOINED, _INVITED, _COMPARISON = 1, 2, 3


def _tally_sql(campaign: Campaign, customers, *, sums: bool) -> tuple[str, list]:
    """The query behind `tally`: one row per role (merchants, GMV before, GMV during), the
    periods' dates left as its first four parameters (none without `sums`)."""
    # Merchants without a tier form a group of their own: rank 0 never matches a real rank.
    seen = (
        customers.alive()
        .order_by()
        .annotate(
            seen_id=F("pk"), seen_category=F("category_id"), seen_rank=Coalesce("tier_rank", 0)
        )
        .values("seen_id", "seen_category", "seen_rank")
    )
    seen_sql, seen_params = seen.query.sql_with_params()
    quote = connection.ops.quote_name
    participant = quote(Participant._meta.db_table)
    customer = quote(Customer._meta.db_table)
    store = quote(Store._meta.db_table)
    metric = quote(StoreDailyMetric._meta.db_table)
    # One merchant's GMV over one period: an index range scan per store (see the docstring).
    gmv = (
        f"(SELECT SUM(m.gmv) FROM {store} AS s INNER JOIN {metric} AS m ON m.store_id = s.id"
        " WHERE s.customer_id = roles.customer_id AND m.day >= %s AND m.day <= %s)"
        if sums
        else "0"
    )
    # The pairs (category, tier) come from every joined participant, seen or not, as the
    # comparison group is defined; the invited that never joined are only counted.
    sql = f"""
SELECT roles.role, COUNT(*),
    SUM(CASE WHEN roles.role = {_INVITED} THEN NULL ELSE {gmv} END),
    SUM(CASE WHEN roles.role = {_INVITED} THEN NULL ELSE {gmv} END)
FROM (
    SELECT seen.seen_id AS customer_id,
        CASE WHEN p.id IS NULL THEN {_COMPARISON}
            WHEN p.status = %s THEN {_JOINED} ELSE {_INVITED} END AS role
    FROM ({seen_sql}) AS seen
    LEFT JOIN {participant} AS p ON p.campaign_id = %s AND p.customer_id = seen.seen_id
    WHERE p.id IS NOT NULL OR EXISTS (
        SELECT 1 FROM {participant} AS jp INNER JOIN {customer} AS c ON c.id = jp.customer_id
        WHERE jp.campaign_id = %s AND jp.status = %s
            AND c.category_id = seen.seen_category AND COALESCE(c.tier_rank, 0) = seen.seen_rank
    )
) AS roles
GROUP BY roles.role"""
    joined = str(ParticipantStatus.JOINED)
    return sql, [joined, *seen_params, campaign.pk, campaign.pk, joined]


def tally(campaign: Campaign, customers, today: datetime.date) -> Tally:
    """The campaign's participants among the merchants of `customers` (those the reader may
    see) and its uplift over them (None before its first full day), in one query."""
    during_to = min(campaign.ends_on, today - datetime.timedelta(days=1))
    # Before the first full day there is nothing to sum: the query only counts.
    days = max((during_to - campaign.starts_on).days + 1, 0)
    start = campaign.starts_on
    before_from = start - datetime.timedelta(days=days)
    try:
        sql, params = _tally_sql(campaign, customers, sums=bool(days))
    except EmptyResultSet:  # a reader who may see no merchant
        rows = []
    else:
        day = connection.ops.adapt_datefield_value
        before_to = start - datetime.timedelta(days=1)
        window = [day(before_from), day(before_to), day(start), day(during_to)] if days else []
        with connection.cursor() as cursor:
            cursor.execute(sql, [*window, *params])
            rows = cursor.fetchall()
    found = {
        role: (count, int(before or 0), int(during or 0)) for role, count, before, during in rows
    }

    def group(role: int) -> Group:
        count, before, during = found.get(role, (0, 0, 0))
        per = count * days
        return Group(
            merchants=count,
            before=before / per if per else 0.0,
            during=during / per if per else 0.0,
        )

    participants = group(_JOINED)
    uplift = None
    if days:
        uplift = Uplift(
            before_from=before_from,
            before_to=start - datetime.timedelta(days=1),
            during_from=start,
            during_to=during_to,
            participants=participants,
            comparison=group(_COMPARISON),
        )
    return Tally(
        invited=participants.merchants + group(_INVITED).merchants,
        joined=participants.merchants,
        uplift=uplift,
    )


def measure(campaign: Campaign, customers, today: datetime.date) -> Uplift | None:
    """The campaign's uplift over the merchants of `customers` (those the reader may see);
    None before its first full day."""
    return tally(campaign, customers, today).uplift


# A merchant's inbound message counts as a reply to a campaign message if it arrives within
# this many days after it: later, it is more likely about something else.
REPLY_DAYS = 7


@dataclass(frozen=True)
class ChannelMessages:
    """The campaign's messages on one channel (WhatsApp or e-mail) to its participants."""

    channel: str
    sent: int  # left us: sent, delivered, read, or opened in WhatsApp by the sender
    delivered: int  # delivered or read
    read: int
    replied: int  # delivered, then answered on the same channel within REPLY_DAYS

    @property
    def label(self) -> str:
        return str(MessageChannel(self.channel).label)

    @property
    def delivered_percent(self) -> float | None:
        return 100 * self.delivered / self.sent if self.sent else None

    @property
    def replied_percent(self) -> float | None:
        return 100 * self.replied / self.delivered if self.delivered else None


_SENT = [
    Message.Status.SENT,
    Message.Status.DELIVERED,
    Message.Status.READ,
    Message.Status.OPENED,
]
_DELIVERED = [Message.Status.DELIVERED, Message.Status.READ]


def window_moments(campaign: Campaign) -> tuple[datetime.datetime, datetime.datetime]:
    """The campaign's window as moments: from its first day's midnight to the midnight after
    its last day, in the team's time zone (Asia/Jakarta)."""
    zone = timezone.get_default_timezone()
    start = datetime.datetime.combine(campaign.starts_on, datetime.time.min, zone)
    end = datetime.datetime.combine(
        campaign.ends_on + datetime.timedelta(days=1), datetime.time.min, zone
    )
    return start, end


def message_counts(campaign: Campaign, customers) -> list[ChannelMessages]:
    """The WhatsApp and e-mail messages sent to the campaign's participants among the merchants
    of `customers` (those the reader may see) during its window, per channel: sent, delivered
    (or read), read, and replied (delivered, then an inbound interaction of the same kind from
    that merchant within `REPLY_DAYS`). One query, grouped by channel."""
    start, end = window_moments(campaign)
    participants = Participant.objects.filter(
        campaign=campaign, customer__in=customers.alive().values("pk")
    ).values("customer_id")
    sent_at = Coalesce("sent_at", "created_at")
    reply = Interaction.objects.filter(
        customer_id=OuterRef("customer_id"),
        kind=OuterRef("channel"),
        direction=Direction.INBOUND,
        occurred_at__gt=OuterRef("moment"),
        occurred_at__lte=OuterRef("reply_until"),
    )
    rows = (
        Message.objects.filter(customer_id__in=participants)
        .annotate(moment=sent_at)
        .filter(moment__gte=start, moment__lt=end)
        .annotate(
            reply_until=ExpressionWrapper(
                sent_at + datetime.timedelta(days=REPLY_DAYS), output_field=DateTimeField()
            ),
            has_reply=Exists(reply),
        )
        .order_by()
        .values("channel")
        .annotate(
            sent=Count("pk", filter=Q(status__in=_SENT)),
            delivered=Count("pk", filter=Q(status__in=_DELIVERED)),
            read=Count("pk", filter=Q(status=Message.Status.READ)),
            replied=Count("pk", filter=Q(status__in=_DELIVERED, has_reply=True)),
        )
    )
    found: dict[str, tuple[int, int, int, int]] = {
        row["channel"]: (row["sent"], row["delivered"], row["read"], row["replied"]) for row in rows
    }
    return [
        ChannelMessages(channel, *found.get(channel, (0, 0, 0, 0)))
        for channel in MessageChannel.values
    ]
