"""Writes of the campaigns app: a campaign, its invitations from the audience segment (set-based,
each on the merchant's timeline), a participant joining, merchants' promotions and the weekly
caption."""

import json

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext as _

from setia.campaigns import captions
from setia.campaigns.models import Campaign, Caption, CaptionTemplate, Participant, Promotion
from setia.campaigns.statuses import ParticipantStatus
from setia.customers.models import Customer
from setia.history.actions import event_data_sql, record_event, record_events_select
from setia.history.models import EventKind
from setia.lib.dates import now


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
def save_campaign(*, campaign: Campaign, partners, actor) -> Campaign:
    """Save a new or edited campaign with its partners."""
    if campaign.pk is None:
        campaign.created_by = actor if getattr(actor, "is_authenticated", False) else None
    campaign.save()
    campaign.partners.set(partners)
    return campaign


@transaction.atomic
def invite_segment(*, campaign: Campaign, actor, customers=None) -> int:
    """Invite the merchants of the campaign's segment that `actor` may see (of `customers`, a
    queryset, when given) and that are not in it yet; return how many. Two INSERT … SELECT statements whatever their number: the
    participants, then an "invited" event on each one's timeline."""
    if campaign.segment is None:
        raise CampaignError(_("Choose the campaign's audience segment first."))
    chosen = Customer.objects.visible_to(actor).alive().in_segment(campaign.segment.query)
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
def save_promotion(*, promotion: Promotion, actor) -> Promotion:
    """Save a new merchant promotion, on the merchant's timeline."""
    promotion.created_by = actor if getattr(actor, "is_authenticated", False) else None
    promotion.save()
    data = {"promotion": promotion.name, "discount": promotion.discount}
    with translation.override(settings.LANGUAGE_CODE):
        summary = _("Promotion %(promotion)s: %(discount)s") % data
    record_event(
        promotion.customer,
        EventKind.CAMPAIGN,
        actor=actor,
        summary=summary,
        data=data,
        occurred_at=now(),
        source_object=promotion,
    )
    return promotion


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
