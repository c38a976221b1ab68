"""Writes of the campaigns app: a campaign or initiative, its invitations from the audience
(set-based, each on the merchant's timeline), a participant joining, milestones, merchants'
promotions (entered, edited, imported, added for a campaign's participants) and the weekly
caption."""

import json
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.translation import gettext as _

from setia.campaigns import captions, messages, promotion_files
from setia.campaigns.models import (
    Campaign,
    Caption,
    CaptionTemplate,
    Milestone,
    Participant,
    Promotion,
)
from setia.campaigns.statuses import ParticipantStatus
from setia.customers.models import Customer
from setia.history.actions import (
    event_data_sql,
    new_event,
    record_event,
    record_events,
    record_events_select,
)
from setia.history.models import EventKind
from setia.lib.dates import now
from setia.lib.reading import open_table


class CampaignError(Exception):
    """A step that cannot be taken; `message` is translatable and user-facing."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def step_data(campaign: Campaign, status: str) -> dict:
    """The data of a campaign step's timeline event (see `setia.campaigns.messages`)."""
    return {"campaign": campaign.name, "campaign_id": campaign.pk, "status": status}


def step_summary(campaign: Campaign, status: str) -> str:
    """The stored text of a campaign step's timeline event, in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("Campaign %(campaign)s: %(status)s") % {
            "campaign": campaign.name,
            "status": ParticipantStatus(status).label,
        }


@transaction.atomic
def save_campaign(
    *, campaign: Campaign, partners, actor, audience_tiers=(), audience_categories=()
) -> Campaign:
    """Save a new or edited campaign (or initiative) with its partners and the tiers and
    categories its audience is narrowed to."""
    if campaign.pk is None:
        campaign.created_by = actor if getattr(actor, "is_authenticated", False) else None
    campaign.save()
    campaign.partners.set(partners)
    campaign.audience_tiers.set(audience_tiers)
    campaign.audience_categories.set(audience_categories)
    return campaign


def audience(campaign: Campaign, actor):
    """The live merchants of the campaign's audience that `actor` may see: its segment's (every
    merchant without one), narrowed to its tiers and its categories when it names any."""
    chosen = Customer.objects.visible_to(actor).alive()
    if campaign.segment is not None:
        chosen = chosen.in_segment(campaign.segment.query)
    tiers = campaign.audience_tiers.values("position")
    if tiers.exists():
        chosen = chosen.filter(tier_rank__in=tiers)
    categories = campaign.audience_categories.values("pk")
    if categories.exists():
        chosen = chosen.filter(category__in=categories)
    return chosen


@transaction.atomic
def invite_audience(*, campaign: Campaign, actor, customers=None) -> int:
    """Invite the merchants of the campaign's audience (`audience`) that are not in it yet (of
    `customers`, a queryset, when given); return how many. Two INSERT … SELECT statements
    whatever their number: the participants, then an "invited" event on each one's
    timeline."""
    if (
        campaign.segment is None
        and not campaign.audience_tiers.exists()
        and not campaign.audience_categories.exists()
    ):
        raise CampaignError(_("Choose the audience first: a segment, tiers or categories."))
    chosen = audience(campaign, actor)
    if customers is not None:
        chosen = chosen.filter(pk__in=customers.values("pk"))
    chosen = (
        chosen.exclude(campaign_participations__campaign=campaign)
        .order_by()
        .annotate(chosen_id=F("pk"))
        .values("chosen_id")
    )
    try:
        select_sql, select_params = chosen.query.sql_with_params()
    except EmptyResultSet:  # `customers` is known to be empty: nobody to invite
        return 0
    moment = now()
    table = connection.ops.quote_name(Participant._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (campaign_id, customer_id, status, invited_at, updated_at) "
            f"SELECT %s, chosen.chosen_id, %s, %s, %s FROM ({select_sql}) AS chosen",
            [campaign.pk, str(ParticipantStatus.INVITED), moment, moment, *select_params],
        )
        invited = cursor.rowcount
    if invited:
        person = actor.pk if getattr(actor, "is_authenticated", False) else None
        record_events_select(
            "SELECT customer_id, %s, %s, %s, "
            + event_data_sql()
            + ", %s, 'campaigns.participant', CAST(id AS VARCHAR(64)), %s, %s "
            + f"FROM {table} WHERE campaign_id = %s AND invited_at = %s",
            [
                EventKind.CAMPAIGN,
                person,
                step_summary(campaign, ParticipantStatus.INVITED),
                json.dumps(step_data(campaign, ParticipantStatus.INVITED)),
                moment,
                moment,
                moment,
                campaign.pk,
                moment,
            ],
        )
    return invited


@transaction.atomic
def join(*, participant: Participant, actor) -> Participant:
    """Mark an invited merchant as joined (CampaignError if it already has), on its
    timeline."""
    current = Participant.objects.select_for_update().get(pk=participant.pk)
    if current.status != ParticipantStatus.INVITED:
        raise CampaignError(_("This merchant has already joined."))
    moment = now()
    participant.status = ParticipantStatus.JOINED
    participant.joined_at = moment
    participant.save(update_fields=["status", "joined_at", "updated_at"])
    record_event(
        participant.customer,
        EventKind.CAMPAIGN,
        actor=actor,
        summary=step_summary(participant.campaign, ParticipantStatus.JOINED),
        data=step_data(participant.campaign, ParticipantStatus.JOINED),
        occurred_at=moment,
        source_object=participant,
    )
    return participant


@transaction.atomic
def add_milestone(*, campaign: Campaign, title: str, due_on, actor) -> Milestone:
    """Add a milestone to a campaign or initiative."""
    return Milestone.objects.create(campaign=campaign, title=title, due_on=due_on)


@transaction.atomic
def mark_milestone(*, milestone: Milestone, done: bool, actor) -> Milestone:
    """Tick a milestone off as done (by `actor`, now), or back to open."""
    person = actor if getattr(actor, "is_authenticated", False) else None
    milestone.done_at = now() if done else None
    milestone.done_by = person if done else None
    milestone.save(update_fields=["done_at", "done_by"])
    return milestone


def _promotion_event(promotion: Promotion, actor, *, edited: bool):
    """The unsaved timeline event of a promotion entered or edited (`record_events`)."""
    data: dict[str, object] = {"promotion": promotion.name, "discount": promotion.discount}
    if edited:
        data["edited"] = True
    with translation.override(settings.LANGUAGE_CODE):
        summary = messages.promotion_text(data)
    return new_event(
        promotion.customer,
        EventKind.CAMPAIGN,
        actor=actor,
        summary=summary,
        data=data,
        occurred_at=now(),
        source_object=promotion,
    )


@transaction.atomic
def save_promotion(*, promotion: Promotion, actor) -> Promotion:
    """Save a new or edited merchant promotion, on the merchant's timeline."""
    edited = promotion.pk is not None
    if not edited:
        promotion.created_by = actor if getattr(actor, "is_authenticated", False) else None
    promotion.save()
    record_events([_promotion_event(promotion, actor, edited=edited)])
    return promotion


@dataclass
class PromotionImport:
    """What an import of promotions did, or the row errors that stopped it."""

    rows: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[promotion_files.RowError] = field(default_factory=list)


def _promotion_key(customer_id: int, name: str, starts_on) -> tuple:
    # A promotion is the same one when its merchant, name (any case) and start are.
    return customer_id, name.lower(), starts_on


@transaction.atomic
def import_promotions(*, file, actor) -> PromotionImport:
    """Import merchants' promotions from a CSV or XLSX file (`promotion_files`), in one
    transaction: nothing is saved when any row has an error, and every row error is returned.
    A merchant is named as in the CRM (any case) or by its code, among the live merchants the
    actor may see; a campaign by its name. A promotion already there (same merchant, name and
    start) is updated, not added again, so importing a file twice adds nothing. Set-based: one
    query each for the merchants, campaigns and promotions already there, then one INSERT, one
    UPDATE and the timeline events. `reading.FileError` for a file that cannot be read."""
    table = open_table(file)
    rows, errors = promotion_files.read_rows(table)
    result = PromotionImport(rows=len(table.rows))
    names = promotion_files.labels()
    codes = {row.merchant_code for row in rows if row.merchant_code}
    typed = {row.merchant.lower() for row in rows if not row.merchant_code}
    merchants = list(
        Customer.objects.visible_to(actor)
        .alive()
        .annotate(lowered=Lower("name"))
        .filter(Q(code__in=codes) | Q(lowered__in=typed))
        .only("pk", "code", "name")
    )
    by_code = {merchant.code: merchant for merchant in merchants}
    by_name: dict[str, list] = {}
    for merchant in merchants:
        by_name.setdefault(merchant.lowered, []).append(merchant)
    wanted = {row.campaign.lower() for row in rows if row.campaign}
    by_campaign: dict[str, list[int]] = {}
    if wanted:
        for pk, lowered in (
            Campaign.objects.annotate(lowered=Lower("name"))
            .filter(lowered__in=wanted)
            .values_list("pk", "lowered")
        ):
            by_campaign.setdefault(lowered, []).append(pk)
    resolved = []
    seen: dict[tuple, int] = {}
    for row in rows:
        code = row.merchant_code
        matches = [by_code[code]] if code in by_code else by_name.get(row.merchant.lower(), [])
        if not matches:
            message = _("No merchant you may see is named “%(name)s”.") % {"name": row.merchant}
            errors.append(promotion_files.RowError(row.row, names["merchant"], message))
            continue
        if len(matches) > 1:
            message = _(
                "Several merchants are named “%(name)s”: give the code in the address of the "
                "merchant's page instead."
            ) % {"name": row.merchant}
            errors.append(promotion_files.RowError(row.row, names["merchant"], message))
            continue
        campaigns = by_campaign.get(row.campaign.lower(), []) if row.campaign else [None]
        if len(campaigns) != 1:
            message = (
                _("No campaign is named “%(name)s”.")
                if not campaigns
                else _("Several campaigns are named “%(name)s”.")
            ) % {"name": row.campaign}
            errors.append(promotion_files.RowError(row.row, names["campaign"], message))
            continue
        key = _promotion_key(matches[0].pk, row.name, row.starts_on)
        if key in seen:
            message = _("The same promotion as row %(row)s.") % {"row": seen[key]}
            errors.append(promotion_files.RowError(row.row, names["name"], message))
            continue
        seen[key] = row.row
        resolved.append((row, matches[0], campaigns[0]))
    if errors:
        result.errors = sorted(errors, key=lambda error: error.row)
        return result
    existing = {
        _promotion_key(promotion.customer_id, promotion.name, promotion.starts_on): promotion
        for promotion in Promotion.objects.filter(
            customer_id__in={merchant.pk for _row, merchant, _c in resolved},
            starts_on__in={row.starts_on for row, _m, _c in resolved},
        ).select_related("customer")
    }
    person = actor if getattr(actor, "is_authenticated", False) else None
    created, changed = [], []
    for row, merchant, campaign_id in resolved:
        values = {
            "ends_on": row.ends_on,
            "discount": row.discount,
            "link": row.link,
            "campaign_id": campaign_id,
        }
        promotion = existing.get(_promotion_key(merchant.pk, row.name, row.starts_on))
        if promotion is None:
            created.append(
                Promotion(
                    customer=merchant,
                    name=row.name,
                    starts_on=row.starts_on,
                    created_by=person,
                    **values,
                )
            )
        elif any(getattr(promotion, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(promotion, name, value)
            changed.append(promotion)
    Promotion.objects.bulk_create(created)
    Promotion.objects.bulk_update(changed, ["ends_on", "discount", "link", "campaign"])
    record_events(
        [_promotion_event(promotion, actor, edited=False) for promotion in created]
        + [_promotion_event(promotion, actor, edited=True) for promotion in changed]
    )
    result.created, result.updated = len(created), len(changed)
    result.unchanged = len(resolved) - len(created) - len(changed)
    return result


@transaction.atomic
def add_campaign_promotions(
    *, campaign: Campaign, name: str, starts_on, ends_on, discount: str, link: str, actor
) -> int:
    """Give each joined participant of `campaign` that `actor` may see the same promotion
    (linked to the campaign), unless it has it already (same name and start), and put it on
    their timelines; return how many were added. Two INSERT … SELECT statements whatever the
    number of participants: the promotions, then their timeline events."""
    visible = Customer.objects.visible_to(actor).alive()
    chosen = (
        Participant.objects.filter(
            campaign=campaign,
            status=ParticipantStatus.JOINED,
            customer__in=visible.values("pk"),
        )
        .exclude(
            customer__in=Promotion.objects.annotate(lowered=Lower("name"))
            .filter(lowered=name.lower(), starts_on=starts_on)
            .values("customer_id")
        )
        .order_by()
        .annotate(chosen_id=F("customer_id"))
        .values("chosen_id")
    )
    try:
        select_sql, select_params = chosen.query.sql_with_params()
    except EmptyResultSet:
        return 0
    moment = now()
    person = actor.pk if getattr(actor, "is_authenticated", False) else None
    table = connection.ops.quote_name(Promotion._meta.db_table)
    day = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (customer_id, name, starts_on, ends_on, discount, link, "
            "campaign_id, created_by_id, created_at) "
            f"SELECT chosen.chosen_id, %s, %s, %s, %s, %s, %s, %s, %s FROM ({select_sql}) AS chosen",
            [
                name,
                day(starts_on),
                day(ends_on),
                discount,
                link,
                campaign.pk,
                person,
                moment,
                *select_params,
            ],
        )
        added = cursor.rowcount
    if added:
        data = {"promotion": name, "discount": discount}
        with translation.override(settings.LANGUAGE_CODE):
            summary = messages.promotion_text(data)
        record_events_select(
            "SELECT customer_id, %s, %s, %s, "
            + event_data_sql()
            + ", %s, 'campaigns.promotion', CAST(id AS VARCHAR(64)), %s, %s "
            + f"FROM {table} WHERE campaign_id = %s AND created_at = %s AND name = %s",
            [
                EventKind.CAMPAIGN,
                person,
                summary,
                json.dumps(data),
                moment,
                moment,
                moment,
                campaign.pk,
                moment,
                name,
            ],
        )
    return added


@transaction.atomic
def save_caption_templates(*, texts: dict[str, str], actor) -> None:
    """Save the weekly caption's template of each language in `texts` (validated by the form
    with `captions.validate_template`)."""
    for language, text in texts.items():
        CaptionTemplate.objects.update_or_create(language=language, defaults={"text": text})


@transaction.atomic
def generate_captions(*, monday, actor, promotions) -> list[Caption]:
    """Write the caption of the week from `monday` in every language from `promotions` (those
    the actor may see) and keep each as a new version in the history; return them."""
    moment = now()
    person = actor if getattr(actor, "is_authenticated", False) else None
    return Caption.objects.bulk_create(
        Caption(
            week=monday,
            language=language,
            text=captions.render(promotions, monday, language),
            created_by=person,
            created_at=moment,
        )
        for language, _label in settings.LANGUAGES
    )
