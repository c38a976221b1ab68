"""Writes of the partners app: partners and their records, programme offers and the referral
funnel (each step on the merchant's timeline), meetings and their action items (as tasks)."""

import datetime
import json
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from setia.accounts.models import User
from setia.customers.models import Customer
from setia.history.actions import event_data_sql, record_event, record_events_select
from setia.history.models import EventKind
from setia.lib.dates import now
from setia.lib.reading import Table
from setia.partners import ratecards
from setia.partners.models import (
    ActionItem,
    Meeting,
    Partner,
    Programme,
    RateCardRow,
    RateCardVersion,
    Referral,
)
from setia.partners.stages import NEXT_STAGE, STAGE_TIME, Stage
from setia.work.schedule.actions import create_task

# Action items are due at the end of the working day they are set for.
ACTION_ITEM_DUE_TIME = datetime.time(17, 0)


class PartnerError(Exception):
    """A step that cannot be taken; `message` is translatable and user-facing."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def step_data(programme: Programme, stage: str) -> dict:
    """The data of a programme step's timeline event (see `setia.partners.messages`)."""
    return {
        "partner": programme.partner.name,
        "programme": programme.name,
        "programme_id": programme.pk,
        "stage": stage,
    }


def step_summary(programme: Programme, stage: str) -> str:
    """The stored text of a programme step's timeline event."""
    # The stored fallback, in the site's language; pages render the step in the reader's.
    with translation.override(settings.LANGUAGE_CODE):
        return _("%(partner)s — %(programme)s: %(stage)s") % {
            "partner": programme.partner.name,
            "programme": programme.name,
            "stage": Stage(stage).label,
        }


@transaction.atomic
def offer_programme(*, programme: Programme, actor, customers=None) -> int:
    """Offer `programme` to the eligible customers that `actor` may see (of `customers`, a
    queryset, when given) and that have not had it yet; return how many were offered.

    Two INSERT … SELECT statements whatever the number of merchants: the referrals, then one
    "offered" event on each merchant's timeline.
    """
    chosen = programme.eligible_customers().filter(
        pk__in=Customer.objects.visible_to(actor).values("pk")
    )
    if customers is not None:
        chosen = chosen.filter(pk__in=customers.values("pk"))
    chosen = (
        chosen.exclude(partner_referrals__programme=programme)
        .order_by()
        .annotate(chosen_id=F("pk"))
        .values("chosen_id")
    )
    select_sql, select_params = chosen.query.sql_with_params()
    moment = now()
    quote = connection.ops.quote_name
    table = quote(Referral._meta.db_table)
    person = actor.pk if getattr(actor, "is_authenticated", False) else None
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (programme_id, customer_id, stage, offered_at, offered_by_id, "
            f"updated_at) SELECT %s, chosen.chosen_id, %s, %s, %s, %s FROM ({select_sql}) AS chosen",
            [programme.pk, str(Stage.OFFERED), moment, person, moment, *select_params],
        )
        offered = cursor.rowcount
    if offered:
        record_events_select(
            "SELECT customer_id, %s, %s, %s, "
            + event_data_sql()
            + ", %s, 'partners.referral', CAST(id AS VARCHAR(64)), %s, %s "
            + f"FROM {table} WHERE programme_id = %s AND offered_at = %s AND stage = %s",
            [
                EventKind.PARTNER,
                person,
                step_summary(programme, Stage.OFFERED),
                json.dumps(step_data(programme, Stage.OFFERED)),
                moment,
                moment,
                moment,
                programme.pk,
                moment,
                Stage.OFFERED,
            ],
        )
    return offered


@transaction.atomic
def advance_referral(*, referral: Referral, stage: str, actor) -> Referral:
    """Move `referral` to `stage`, which must be the funnel's next step (PartnerError
    otherwise, nothing written); the step goes on the merchant's timeline."""
    # Locked and read again: two people clicking at once move it one step, not two.
    current = Referral.objects.select_for_update().get(pk=referral.pk)
    if stage not in Stage.values or NEXT_STAGE.get(Stage(current.stage)) != stage:
        raise PartnerError(
            _("A merchant at “%(current)s” cannot move to “%(stage)s”.")
            % {
                "current": Stage(current.stage).label,
                "stage": Stage(stage).label if stage in Stage.values else stage,
            }
        )
    moment = now()
    referral.stage = stage
    setattr(referral, STAGE_TIME[Stage(stage)], moment)
    referral.save(update_fields=["stage", STAGE_TIME[Stage(stage)], "updated_at"])
    programme = referral.programme
    record_event(
        referral.customer,
        EventKind.PARTNER,
        actor=actor,
        summary=step_summary(programme, stage),
        data=step_data(programme, stage),
        occurred_at=moment,
        source_object=referral,
    )
    return referral


@dataclass(frozen=True)
class NewActionItem:
    text: str
    owner: User
    due_on: datetime.date


@transaction.atomic
def record_meeting(
    *, meeting: Meeting, attendees: Sequence, action_items: Sequence[NewActionItem], actor
) -> Meeting:
    """Save a new meeting with its attendees, and make each action item a task for its owner,
    due at the end of its day (Asia/Jakarta), its notes pointing back at the meeting."""
    meeting.created_by = actor if getattr(actor, "is_authenticated", False) else None
    meeting.save()
    meeting.attendees.set(attendees)
    for position, item in enumerate(action_items):
        add_action_item(meeting=meeting, item=item, actor=actor, position=position)
    return meeting


@transaction.atomic
def add_action_item(
    *, meeting: Meeting, item: NewActionItem, actor, position: int | None = None
) -> ActionItem:
    """Add an action item to `meeting` and create its task (owner, due date, a note naming the
    meeting and its partner)."""
    if position is None:
        position = meeting.action_items.count()
    due_at = timezone.make_aware(
        datetime.datetime.combine(item.due_on, ACTION_ITEM_DUE_TIME),
        timezone.get_default_timezone(),
    )
    with translation.override(settings.LANGUAGE_CODE):
        where = (
            _("Action item of the meeting “%(title)s” with %(partner)s")
            % {"title": meeting.title, "partner": meeting.partner}
            if meeting.partner_id
            else _("Action item of the internal meeting “%(title)s”") % {"title": meeting.title}
        )
    task = create_task(
        data={
            "title": item.text[:200],
            "owner": item.owner,
            "due_at": due_at,
            "notes": where,
        },
        actor=actor,
    )
    return ActionItem.objects.create(
        meeting=meeting,
        text=item.text,
        owner=item.owner,
        due_on=item.due_on,
        task=task,
        position=position,
    )


@dataclass
class RateCardImport:
    """What importing a price sheet did: the sheet as read, and the version it became (None:
    a dry run, rows refused, or the same as the current version, `same_as`)."""

    sheet: ratecards.Sheet
    version: RateCardVersion | None = None
    same_as: RateCardVersion | None = None

    @property
    def summary(self) -> str:
        sheet = self.sheet
        number = self.version.number if self.version else "-"
        return (
            f"rows={sheet.rows} accepted={len(sheet.lanes)} rejected={sheet.rejected} "
            f"version={number}"
        )


@transaction.atomic
def import_rate_card(
    *, partner: Partner, table: Table, file_name: str, actor, dry_run: bool = False
) -> RateCardImport:
    """Read `table` (a courier's price sheet) and make it the next version of `partner`'s rate
    card, in one transaction. Nothing is written on a dry run, when any row is refused (a rate
    card missing lanes would be wrong, so the file is corrected and uploaded again) or when
    the lanes are the same as the current version's. Raises FileError for a file that cannot
    be read as a rate card (a missing column)."""
    sheet = ratecards.read_sheet(table)
    result = RateCardImport(sheet=sheet)
    if dry_run or sheet.errors or not sheet.lanes:
        return result
    # Locked: two imports at once get consecutive numbers, not the same one.
    Partner.objects.select_for_update().filter(pk=partner.pk).first()
    current = RateCardVersion.objects.standing().filter(partner=partner).first()
    digest = sheet.content_hash()
    if current is not None and current.content_hash == digest:
        result.same_as = current
        return result
    last = RateCardVersion.objects.filter(partner=partner).order_by("-number").first()
    version = RateCardVersion.objects.create(
        partner=partner,
        number=(last.number if last else 0) + 1,
        file_name=file_name[:200],
        content_hash=digest,
        row_count=len(sheet.lanes),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        created_at=now(),
    )
    RateCardRow.objects.bulk_create(
        (
            RateCardRow(
                version=version,
                origin=lane.origin,
                destination=lane.destination,
                service=lane.service,
                weight_min_g=lane.weight_min_g,
                weight_max_g=lane.weight_max_g,
                price=lane.price,
                eta_min_days=lane.eta_min_days,
                eta_max_days=lane.eta_max_days,
                row_number=lane.row_number,
            )
            for lane in sheet.lanes
        ),
        batch_size=1000,
    )
    result.version = version
    return result


@transaction.atomic
def withdraw_rate_card(*, version: RateCardVersion, actor) -> RateCardVersion:
    """Withdraw `version`, which must be its partner's current one (PartnerError otherwise):
    the version before it becomes current again. The rows are kept, for comparisons."""
    current = (
        RateCardVersion.objects.select_for_update()
        .standing()
        .filter(partner_id=version.partner_id)
        .order_by("-number")
        .first()
    )
    if current is None or current.pk != version.pk:
        raise PartnerError(_("Only the current version of a rate card can be withdrawn."))
    version.withdrawn_at = now()
    version.withdrawn_by = actor if getattr(actor, "is_authenticated", False) else None
    version.save(update_fields=["withdrawn_at", "withdrawn_by"])
    return version
