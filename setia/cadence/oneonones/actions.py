"""Writes to 1:1s: start a series, hold its next meeting (the series moves on to the following
date), add to the agenda, save the shared notes and one's private note, and turn an action
item into a task. Each checks that the acting person is one of the two."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from setia.accounts.models import Team, User
from setia.cadence.oneonones.models import (
    ActionItem,
    AgendaItem,
    Meeting,
    OneOnOne,
    PrivateNote,
    following,
)
from setia.notifications.actions import mentioned_users, notify
from setia.notifications.models import Kind
from setia.work.schedule.actions import create_task

# An action item is due at the end of the working day, as a logged interaction's follow-up.
DUE_TIME = datetime.time(17, 0)


class OneOnOneError(Exception):
    """A step that cannot be taken; `message` is user-facing and translated."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def partners_for(user: User):
    """Whom `user` may start a 1:1 with: any active person for those who read every team's
    checkpoints (managers), else the active members of the teams they lead."""
    people = User.objects.filter(is_active=True).exclude(pk=user.pk)
    if user.has_perm("cadence.view_checkpoint"):
        return people
    return people.filter(team__in=Team.objects.filter(lead=user))


def _one_of_the_two(series: OneOnOne, user: User) -> None:
    if user.pk not in (series.lead_id, series.member_id):
        raise PermissionDenied


def start_series(*, actor: User, member: User, cadence: str, next_date) -> OneOnOne:
    """Start 1:1s between `actor` (the lead) and `member`; one series per pair."""
    if (
        not actor.has_perm("cadence.add_oneonone")
        or not partners_for(actor).filter(pk=member.pk).exists()
    ):
        raise PermissionDenied
    try:
        with transaction.atomic():
            return OneOnOne.objects.create(
                lead=actor, member=member, cadence=cadence, next_date=next_date
            )
    except IntegrityError as error:
        raise OneOnOneError(gettext("You already have 1:1s with this person.")) from error


@transaction.atomic
def hold_next(*, series: OneOnOne, actor: User) -> Meeting:
    """The meeting of the series' next date (made now, or the one made already), and the
    series moved on to the date after it at its cadence."""
    _one_of_the_two(series, actor)
    series = OneOnOne.objects.select_for_update().get(pk=series.pk)
    meeting, created = Meeting.objects.get_or_create(series=series, date=series.next_date)
    if created:
        series.next_date = following(series.next_date, series.cadence)
        series.save(update_fields=["next_date", "updated_at"])
    return meeting


def add_agenda_item(*, meeting: Meeting, actor: User, text: str) -> AgendaItem:
    """Put `text` on the meeting's agenda (either of the two); the other one is notified when
    the text mentions them as "@name"."""
    series = meeting.series
    _one_of_the_two(series, actor)
    item = AgendaItem.objects.create(meeting=meeting, author=actor, text=text)
    # A 1:1 is its two people's alone: a mention tells the other one, never a third person.
    notify(
        mentioned_users(text).filter(pk__in=[series.lead_id, series.member_id]),
        Kind.MENTION,
        MENTIONED_IN_AGENDA,
        params={"actor": str(actor)},
        link=meeting.get_absolute_url(),
        actor=actor,
    )
    return item


MENTIONED_IN_AGENDA = gettext_noop("%(actor)s mentioned you in your 1:1 agenda.")


def save_notes(*, meeting: Meeting, actor: User, data: dict) -> Meeting:
    """Save the meeting's shared notes: impressions, obstacles, ideas."""
    _one_of_the_two(meeting.series, actor)
    for name in ("impressions", "obstacles", "ideas"):
        setattr(meeting, name, data[name])
    meeting.save(update_fields=["impressions", "obstacles", "ideas", "updated_at"])
    return meeting


def save_private_note(*, meeting: Meeting, actor: User, text: str) -> PrivateNote:
    """Save `actor`'s own note on the meeting, which only they read."""
    _one_of_the_two(meeting.series, actor)
    note, _created = PrivateNote.objects.update_or_create(
        meeting=meeting, author=actor, defaults={"text": text}
    )
    return note


@transaction.atomic
def add_action_item(
    *, meeting: Meeting, actor: User, text: str, owner: User, due_on: datetime.date
) -> ActionItem:
    """Record an action item and make it a task (`work`'s `create_task`) for `owner`, one of
    the two, due at 17:00 Jakarta time on `due_on`, its notes linking back to the meeting."""
    series = meeting.series
    _one_of_the_two(series, actor)
    if owner.pk not in (series.lead_id, series.member_id):
        raise PermissionDenied
    due_at = timezone.make_aware(
        datetime.datetime.combine(due_on, DUE_TIME), timezone.get_default_timezone()
    )
    task = create_task(
        data={
            "title": text,
            "owner": owner,
            "due_at": due_at,
            "notes": gettext("From the 1:1 of %(date)s: %(url)s")
            % {"date": meeting.date.isoformat(), "url": meeting.get_absolute_url()},
        },
        actor=actor,
    )
    return ActionItem.objects.create(
        meeting=meeting, text=text, owner=owner, due_on=due_on, task=task, created_by=actor
    )
