"""Sending surveys, recording their answers, and the daily schedule step.

An invitation goes out through engagement's messages (an e-mail, or a WhatsApp Cloud API
message), so it is on the customer's timeline and delivered, retried and tracked like any
other message. An answer goes on the timeline too; a detractor's starts the follow-up
playbook at once through work's trigger evaluation (rule kind "survey detractor").
"""

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from setia.customers.models import Contact, Customer
from setia.engagement import actions as engagement
from setia.engagement.models import Interaction
from setia.history.actions import record_event
from setia.history.models import EventKind
from setia.jobs.actions import enqueue
from setia.lib.dates import now
from setia.surveys import links
from setia.surveys.models import (
    Channel,
    Schedule,
    SegmentMember,
    Survey,
    SurveyInvitation,
    SurveyResponse,
    Trigger,
    is_detractor,
    percent_of_scale,
)
from setia.work.automation.evaluation import evaluate
from setia.work.automation.models import PlaybookRun, TriggerKind, TriggerRule
from setia.work.onboarding.models import Onboarding, Stage

# A schedule "N days after an event" also catches events up to this many days older, so a
# day the step did not run (a server down) surveys nobody less.
CATCH_UP_DAYS = 7


class AlreadyAnswered(Exception):
    """The invitation was answered (or expired) before this answer could be saved."""


def _new_code() -> str:
    return uuid.uuid4().hex


@transaction.atomic
def invite(
    *,
    survey: Survey,
    contact: Contact,
    channel: str,
    actor=None,
    language: str = "",
    trigger: str = Trigger.MANUAL,
) -> SurveyInvitation:
    """Send `survey` to `contact` by `channel` (e-mail or WhatsApp Cloud API) as a signed,
    single-use link valid for the survey's days, in `language` (the site's by default).
    Raises engagement's CannotSend when the contact cannot be reached that way; nothing is
    kept then."""
    moment = now()
    invitation = SurveyInvitation.objects.create(
        survey=survey,
        customer=contact.customer,
        contact=contact,
        channel=channel,
        language=language or settings.LANGUAGE_CODE,
        trigger=trigger,
        code=_new_code(),
        sent_at=moment,
        expires_at=moment + datetime.timedelta(days=survey.valid_days),
    )
    send(invitation=invitation, actor=actor)
    return invitation


def _texts(invitation: SurveyInvitation) -> tuple[str, str]:
    """(subject, body) of the invitation's message, in its language."""
    with translation.override(invitation.language):
        values = {
            "contact": invitation.contact.name,
            "question": invitation.survey.question_in(invitation.language),
            "link": links.url_for(invitation),
            "until": date_format(invitation.expires_at.date(), "DATE_FORMAT"),
        }
        subject = _("One quick question from your customer success team")
        body = (
            _(
                "Hello %(contact)s,\n\n%(question)s\n\nAnswer in one minute here: %(link)s\n\n"
                "The link works once, until %(until)s."
            )
            % values
        )
    return subject, body


def send(*, invitation: SurveyInvitation, actor=None) -> None:
    """Queue the message of a not yet sent `invitation` (see `invite`); the Cloud API gets the
    survey's approved template with the link as its parameter outside the 24-hour window.
    Raises CannotSend."""
    subject, body = _texts(invitation)
    common = {"customer": invitation.customer, "contact": invitation.contact, "actor": actor}
    if invitation.channel == Channel.EMAIL:
        message = engagement.queue_email(**common, subject=subject, body=body)
    else:
        message = engagement.queue_whatsapp(
            **common,
            template=invitation.survey.whatsapp_template,
            text=body,
            parameters=[links.url_for(invitation)],
        )
    invitation.message = message
    invitation.save(update_fields=["message"])


def send_unsent(*, limit: int = 1000) -> int:
    """Send the scheduled invitations not sent yet (the job the schedule step queues); one
    that cannot go (WhatsApp outside the window without a template) is removed, so it counts
    neither against the re-survey interval nor in the response rates. Returns how many went."""
    moment = now()
    pending = (
        SurveyInvitation.objects.filter(
            message__isnull=True, answered_at__isnull=True, expires_at__gt=moment
        )
        .exclude(trigger=Trigger.MANUAL)
        .select_related("survey__whatsapp_template", "customer", "contact")
        .order_by("id")[:limit]
    )
    sent = 0
    for invitation in pending:
        try:
            with transaction.atomic():
                send(invitation=invitation)
            sent += 1
        except engagement.CannotSend:
            invitation.delete()
    return sent


@transaction.atomic
def answer(
    *, invitation: SurveyInvitation, score: int, comment: str = "", moment=None
) -> SurveyResponse:
    """Record the contact's answer to `invitation` (through its link: nobody signed in), put it
    on the customer's timeline and, for a detractor, start the follow-up playbook.

    Single use even when two answers race: the invitation is claimed by a conditional UPDATE
    (unanswered and not expired), and the response is unique per invitation. Raises
    AlreadyAnswered when the claim fails; nothing is written then."""
    moment = moment or now()
    claimed = SurveyInvitation.objects.filter(
        pk=invitation.pk, answered_at__isnull=True, expires_at__gt=moment
    ).update(answered_at=moment)
    if not claimed:
        raise AlreadyAnswered
    kind = invitation.survey.kind
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                invitation=invitation,
                customer_id=invitation.customer_id,
                kind=kind,
                score=score,
                percent=percent_of_scale(kind, score),
                comment=comment,
                responded_at=moment,
            )
    except IntegrityError:
        raise AlreadyAnswered from None
    record_event(
        invitation.customer,
        EventKind.SURVEY,
        summary=f"{kind.upper()} {score}" + (f": {comment[:250]}" if comment else ""),
        data={**response.timeline_data(), "contact": invitation.contact.name},
        occurred_at=moment,
        source_object=response,
    )
    if is_detractor(kind, score):
        rules = TriggerRule.objects.filter(kind=TriggerKind.SURVEY_DETRACTOR, is_active=True)
        evaluate(rules=rules, customers=Customer.objects.filter(pk=invitation.customer_id))
    return response


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _event_sql(schedule: Schedule) -> tuple[str, str]:
    """(SQL condition on the customer `c`, the event's moment column) of an event schedule."""
    if schedule.trigger == Trigger.ONBOARDING_LIVE:
        return (
            f"""EXISTS (SELECT 1 FROM {_t(Onboarding)} o JOIN {_t(Stage)} st
                ON st.id = o.stage_id AND st.is_final
                WHERE o.customer_id = c.id
                AND o.entered_stage_at > %(from)s AND o.entered_stage_at <= %(until)s)""",
            "onboarding",
        )
    if schedule.trigger == Trigger.PLAYBOOK_CLOSED:
        return (
            f"""EXISTS (SELECT 1 FROM {_t(PlaybookRun)} r WHERE r.customer_id = c.id
                AND r.closed_at > %(from)s AND r.closed_at <= %(until)s)""",
            "playbook",
        )
    # A complaint resolved: a website issue or a follow-up interaction marked resolved, its
    # last change being the resolution.
    return (
        f"""EXISTS (SELECT 1 FROM {_t(Interaction)} x WHERE x.customer_id = c.id
            AND x.outcome = 'resolved' AND x.kind = 'website_issue'
            AND x.updated_at > %(from)s AND x.updated_at <= %(until)s)""",
        "complaint",
    )


def plan_due(*, moment: datetime.datetime) -> int:
    """Insert the invitations due at `moment` for every active schedule: one INSERT … SELECT
    per schedule (a handful), over every live customer's primary contact with an address for
    the schedule's channel; a segment schedule also records its segment's members first
    (`_record_members`). Never a contact invited within the re-survey interval
    (`SURVEY_RESURVEY_DAYS`), by any survey: the schedules inserted first in the same run
    count too, so one contact gets at most one invitation a day. Returns how many."""
    ops = connection.ops
    interval = datetime.timedelta(days=settings.SURVEY_RESURVEY_DAYS)
    schedules = Schedule.objects.filter(is_active=True, survey__is_active=True).select_related(
        "survey", "segment"
    )
    inserted = 0
    with connection.cursor() as cursor:
        for schedule in schedules:
            if schedule.trigger == Trigger.SEGMENT_ENTERED and not _record_members(
                schedule, moment=moment
            ):
                continue
            days = datetime.timedelta(days=schedule.days)
            params: dict[str, Any] = {
                "survey": schedule.survey_id,
                "schedule": schedule.pk,
                "channel": schedule.channel,
                "language": settings.LANGUAGE_CODE,
                "trigger": schedule.trigger,
                "moment": ops.adapt_datetimefield_value(moment),
                "expires": ops.adapt_datetimefield_value(
                    moment + datetime.timedelta(days=schedule.survey.valid_days)
                ),
                "interval": ops.adapt_datetimefield_value(moment - interval),
                "every": ops.adapt_datetimefield_value(moment - days),
                "from": ops.adapt_datetimefield_value(
                    moment - days - datetime.timedelta(days=CATCH_UP_DAYS)
                ),
                "until": ops.adapt_datetimefield_value(moment - days),
            }
            if schedule.trigger == Trigger.SEGMENT_ENTERED:
                # Entered at this run: a member row `_record_members` has just added.
                due = f"""EXISTS (SELECT 1 FROM {_t(SegmentMember)} m
                    WHERE m.schedule_id = %(schedule)s AND m.customer_id = c.id
                    AND m.entered_at >= %(moment)s)"""
            elif schedule.trigger == Trigger.EVERY:
                # Every N days: no invitation of this survey in the last N days.
                due = f"""NOT EXISTS (SELECT 1 FROM {_t(SurveyInvitation)} e
                    WHERE e.contact_id = ct.id AND e.survey_id = %(survey)s
                    AND e.sent_at > %(every)s)"""
            else:
                due, _name = _event_sql(schedule)
                # Once per event: nothing sent for this trigger since the event's window began.
                due += f""" AND NOT EXISTS (SELECT 1 FROM {_t(SurveyInvitation)} e
                    WHERE e.contact_id = ct.id AND e.trigger = %(trigger)s
                    AND e.sent_at > %(from)s)"""
            address = "ct.email" if schedule.channel == Channel.EMAIL else "ct.whatsapp"
            cursor.execute(
                f"""
                INSERT INTO {_t(SurveyInvitation)} (survey_id, customer_id, contact_id, channel,
                    language, trigger, code, sent_at, expires_at)
                SELECT %(survey)s, c.id, ct.id, %(channel)s, %(language)s, %(trigger)s,
                    {_new_code_sql()}, %(moment)s, %(expires)s
                FROM {_t(Contact)} ct JOIN {_t(Customer)} c ON c.id = ct.customer_id
                WHERE c.deleted_at IS NULL AND ct.is_primary AND {address} <> ''
                  AND NOT EXISTS (SELECT 1 FROM {_t(SurveyInvitation)} i
                      WHERE i.contact_id = ct.id AND i.sent_at > %(interval)s)
                  AND {due}
                """,
                params,
            )
            inserted += cursor.rowcount
    return inserted


def _record_members(schedule: Schedule, *, moment: datetime.datetime) -> bool:
    """Replace the recorded members of an "on entering a segment" schedule by the live
    customers its segment matches now, set-based: the ones gone deleted, the new ones inserted
    with `moment` as the time they entered. Returns whether the new ones are to be surveyed:
    not when the segment is gone (the schedule stops) nor on the first run for this segment,
    which only records, so that everybody already in it is not surveyed at once."""
    segment = schedule.segment
    if segment is None:
        return False
    first_run = schedule.members_of != segment.pk
    members = _t(SegmentMember)
    matching = (
        Customer.objects.alive()
        .in_segment(segment.query)
        .order_by()
        .annotate(member_id=F("pk"))
        .values("member_id")
    )
    with connection.cursor() as cursor:
        try:
            select_sql, select_params = matching.query.sql_with_params()
        except EmptyResultSet:  # a filter that matches no one
            select_sql, select_params = "", ()
        if first_run or not select_sql:
            cursor.execute(f"DELETE FROM {members} WHERE schedule_id = %s", [schedule.pk])
        else:
            cursor.execute(
                f"DELETE FROM {members} WHERE schedule_id = %s AND customer_id NOT IN "
                f"(SELECT now_in.member_id FROM ({select_sql}) AS now_in)",
                [schedule.pk, *select_params],
            )
        if select_sql:
            cursor.execute(
                f"INSERT INTO {members} (schedule_id, customer_id, entered_at) "
                f"SELECT %s, now_in.member_id, %s FROM ({select_sql}) AS now_in "
                f"WHERE NOT EXISTS (SELECT 1 FROM {members} m "
                f"WHERE m.schedule_id = %s AND m.customer_id = now_in.member_id)",
                [
                    schedule.pk,
                    connection.ops.adapt_datetimefield_value(moment),
                    *select_params,
                    schedule.pk,
                ],
            )
    if first_run:
        Schedule.objects.filter(pk=schedule.pk).update(members_of=segment.pk)
    return not first_run


def _new_code_sql() -> str:
    """SQL for a fresh random 32-character hex code."""
    if connection.vendor == "postgresql":
        return "replace(CAST(gen_random_uuid() AS text), '-', '')"
    return "lower(hex(randomblob(16)))"


def schedule_step(*, today: datetime.date) -> int:
    """The daily recompute step (RECOMPUTE_STEPS): insert the due invitations and queue the
    job that sends them; returns how many are due."""
    with transaction.atomic():
        due = plan_due(moment=now())
        if due:
            enqueue(
                "setia.surveys.tasks.send_scheduled_invitations",
                label=_("Survey invitations"),
            )
    return due
