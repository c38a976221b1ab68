"""The seed's Frame a Trip co-campaign (Instagram feed and story, admin banner) for a shared
segment of fashion merchants: half of them invited (the rest, never invited, are the
comparison group the results need), about half of those joined, each step on their timelines,
and a few of the joined merchants' promotions in the reference week for the weekly caption.
Set-based: two statements to invite, two to join.

Then the seed's TikTok programme, an initiative for the low- and mid-GMV tiers (Bronze and
Silver): half of its audience invited, half of those enrolled, four milestones (two done)."""

import datetime
import json

from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from rich.progress import Progress

from setia.accounts.models import Role
from setia.campaigns import actions
from setia.campaigns.models import Campaign, Milestone, Participant, Promotion
from setia.campaigns.statuses import CampaignKind, Channel, ParticipantStatus
from setia.customers.demo_load import demo_customers
from setia.customers.models import Customer
from setia.history.actions import event_data_sql, record_events_select
from setia.history.models import EventKind, TimelineEvent
from setia.partners.models import Partner
from setia.segments.models import Segment
from setia.tiers.models import Tier

NAME = "Frame a Trip: foto produk di Instagram dan banner admin"
SEGMENT = "Merchant fashion"
# Of the invited merchants, this share (percent) joined.
JOINED_SHARE = 50


INITIATIVE = "Program TikTok Shop untuk merchant GMV rendah dan menengah"
INITIATIVE_TIERS = ["bronze", "silver"]
# (title, days from the start to the due date, done)
MILESTONES = [
    ("Kelas live shopping TikTok untuk angkatan pertama", 0, True),
    ("Semua peserta punya akun TikTok Shop terhubung", 14, True),
    ("Siaran live pertama tiap peserta", 30, False),
    ("Evaluasi GMV dan laporan ke tim", 60, False),
]


def load(*, seed: int, people, reference: datetime.date, progress: Progress) -> str:
    """The campaign and the initiative once: loading again adds nothing."""
    return f"{_load_campaign(people, reference, progress)} {_load_initiative(people, reference)}"


def _load_initiative(people, reference: datetime.date) -> str:
    """The TikTok programme: started 45 days before the reference day, for 90 days."""
    if Campaign.objects.filter(name=INITIATIVE).exists():
        return "initiatives=0 enrolled=0 milestones=0"
    manager = next(user for user in people.users if user.groups.filter(name=Role.MANAGER))
    with transaction.atomic():
        starts_on = reference - datetime.timedelta(days=45)
        initiative = actions.save_campaign(
            campaign=Campaign(
                kind=CampaignKind.INITIATIVE,
                name=INITIATIVE,
                objective="Bantu merchant tier Perunggu dan Perak berjualan lewat live "
                "shopping TikTok: pelatihan, pendampingan akun, dan target siaran live.",
                channels=[Channel.WHATSAPP, Channel.EMAIL],
                starts_on=starts_on,
                ends_on=starts_on + datetime.timedelta(days=89),
                content="Grup WhatsApp peserta, materi kelas live shopping, jadwal siaran.",
            ),
            partners=[],
            audience_tiers=Tier.objects.filter(slug__in=INITIATIVE_TIERS),
            actor=manager,
        )
        everyone = actions.audience(initiative, manager).filter(pk__in=demo_customers())
        # Every other merchant of the audience (by id): the rest are the comparison group.
        chosen = everyone.order_by("pk").values_list("pk", flat=True)
        invited = actions.invite_audience(
            campaign=initiative,
            actor=manager,
            customers=Customer.objects.filter(pk__in=list(chosen)[::2]),
        )
        invited_at = timezone.make_aware(
            datetime.datetime.combine(starts_on, datetime.time(9)) - datetime.timedelta(days=7)
        )
        Participant.objects.filter(campaign=initiative).update(invited_at=invited_at)
        TimelineEvent.objects.filter(
            kind=EventKind.CAMPAIGN, data__campaign_id=initiative.pk
        ).update(occurred_at=invited_at)
        enrolled = (
            _join_share(initiative, invited, invited_at + datetime.timedelta(days=2), manager)
            if invited
            else 0
        )
        for title, days, done in MILESTONES:
            milestone = actions.add_milestone(
                campaign=initiative,
                title=title,
                due_on=starts_on + datetime.timedelta(days=days),
                actor=manager,
            )
            if done:
                actions.mark_milestone(milestone=milestone, done=True, actor=manager)
                # Ticked off on its due day, not on the day the demo was loaded.
                Milestone.objects.filter(pk=milestone.pk).update(
                    done_at=timezone.make_aware(
                        datetime.datetime.combine(milestone.due_on, datetime.time(16))
                    )
                )
    return f"initiatives=1 enrolled={enrolled} milestones={len(MILESTONES)}"


def _load_campaign(people, reference: datetime.date, progress: Progress) -> str:
    """The Frame a Trip campaign."""
    if Campaign.objects.filter(name=NAME).exists():
        return "campaigns created=0 invited=0 joined=0 promotions=0"
    manager = next(user for user in people.users if user.groups.filter(name=Role.MANAGER))
    bar = progress.add_task("Demo campaigns", total=1)
    with transaction.atomic():
        segment = Segment.objects.filter(name=SEGMENT, is_shared=True).first()
        if segment is None:
            segment = Segment.objects.create(
                name=SEGMENT,
                owner=manager,
                is_shared=True,
                query="category=fashion",
            )
        campaign = actions.save_campaign(
            campaign=Campaign(
                name=NAME,
                objective="Naikkan penjualan merchant fashion lewat foto produk profesional dari "
                "Frame a Trip, dipromosikan bersama.",
                channels=[Channel.INSTAGRAM_POST, Channel.INSTAGRAM_STORY, Channel.ADMIN_BANNER],
                segment=segment,
                starts_on=reference - datetime.timedelta(days=30),
                ends_on=reference - datetime.timedelta(days=2),
                content="Feed & story: “Foto produkmu, cerita brand-mu” #SetiaxFrameATrip\n"
                "Banner admin: diskon 30% sesi foto produk untuk merchant terpilih.",
            ),
            partners=Partner.objects.filter(name="Frame a Trip"),
            actor=manager,
        )
        invited = actions.invite_audience(
            campaign=campaign,
            actor=manager,
            customers=Customer.objects.filter(pk__in=_first_half(segment)),
        )
        invited_at = timezone.make_aware(
            datetime.datetime.combine(campaign.starts_on, datetime.time(9))
            - datetime.timedelta(days=7)
        )
        Participant.objects.filter(campaign=campaign).update(invited_at=invited_at)
        TimelineEvent.objects.filter(kind=EventKind.CAMPAIGN, data__campaign_id=campaign.pk).update(
            occurred_at=invited_at
        )
        joined = _join_share(campaign, invited, invited_at + datetime.timedelta(days=3), manager)
        promotions = _promotions(campaign, reference, manager)
    progress.advance(bar)
    return f"campaigns created=1 invited={invited} joined={joined} promotions={promotions}"


# Merchants' own promotions in the reference week, for the weekly caption: (name, discount,
# days from the week's Monday to the start, days it runs).
PROMOTIONS = [
    ("Harbolnas 12.12", "20%", -3, 10),
    ("Gratis ongkir se-Jawa", "Gratis ongkir", 0, 7),
    ("Flash sale akhir pekan", "Rp25.000", 5, 2),
    ("Bundling kain + jahit", "15%", 2, 14),
]


def _promotions(campaign: Campaign, reference: datetime.date, manager) -> int:
    """A promotion for each of the first joined merchants, running in the reference week (a
    few rows, each through the action so that it is on the merchant's timeline)."""
    monday = reference - datetime.timedelta(days=reference.weekday())
    joined = (
        Participant.objects.filter(campaign=campaign, status=ParticipantStatus.JOINED)
        .select_related("customer")
        .order_by("customer_id")[: len(PROMOTIONS)]
    )
    for participant, (name, discount, start, days) in zip(joined, PROMOTIONS, strict=False):
        starts_on = monday + datetime.timedelta(days=start)
        actions.save_promotion(
            promotion=Promotion(
                customer=participant.customer,
                name=name,
                starts_on=starts_on,
                ends_on=starts_on + datetime.timedelta(days=days - 1),
                discount=discount,
                link=f"https://{slugify(participant.customer.name)}.example/promo",
                campaign=campaign,
            ),
            actor=manager,
        )
    return min(len(joined), len(PROMOTIONS))


def _first_half(segment):
    """The first half (by id) of the segment's demo merchants: the same ones every load,
    whatever ids the database gave them."""
    audience = demo_customers().in_segment(segment.query).order_by("pk")
    return audience.values("pk")[: max(1, audience.count() // 2)]


def _join_share(campaign: Campaign, invited: int, moment: datetime.datetime, manager) -> int:
    """Mark JOINED_SHARE percent of the `invited` (at least one; the first by id) as joined at
    `moment`, with their timeline events."""
    table = connection.ops.quote_name(Participant._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = %s, joined_at = %s, updated_at = %s "
            f"WHERE id IN (SELECT id FROM {table} WHERE campaign_id = %s ORDER BY id LIMIT %s)",
            [
                str(ParticipantStatus.JOINED),
                moment,
                moment,
                campaign.pk,
                max(1, invited * JOINED_SHARE // 100),
            ],
        )
        joined = cursor.rowcount
    record_events_select(
        "SELECT customer_id, %s, %s, %s, "
        + event_data_sql()
        + ", %s, 'campaigns.participant', CAST(id AS VARCHAR(64)), %s, %s "
        + f"FROM {table} WHERE campaign_id = %s AND joined_at = %s",
        [
            EventKind.CAMPAIGN,
            manager.pk,
            actions.step_summary(campaign, ParticipantStatus.JOINED),
            json.dumps(actions.step_data(campaign, ParticipantStatus.JOINED)),
            moment,
            moment,
            moment,
            campaign.pk,
            moment,
        ],
    )
    return joined
