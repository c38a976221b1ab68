"""Actions of announcements: publish one, acknowledge it, keep each person's "something to
acknowledge" mark, and e-mail the daily reminders.

`publish_announcement` is the one way an announcement starts; whatever else should happen when
one goes out (a notification) belongs there.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.timezone import localdate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from setia.accounts.models import User
from setia.announcements.models import Acknowledgement, Announcement, Reminder
from setia.lib.dates import now, today
from setia.notifications.actions import notify_each
from setia.notifications.models import Kind

# The notification of a new announcement, translated for each reader when shown; its title is
# the one in the reader's language.
ANNOUNCED = gettext_noop("New announcement from %(actor)s: %(title)s")


@transaction.atomic
def publish_announcement(*, author: User, data: dict, roles=(), teams=()) -> Announcement:
    """Publish an announcement now from validated values (`kind`, the titles and texts,
    `release`, `audience`, `requires_acknowledgement`, `remind_after_days`), made to `roles`
    (role groups) or `teams` as its audience says; its audience sees the banner from their next
    page."""
    announcement = Announcement.objects.create(author=author, published_at=now(), **data)
    announcement.roles.set(roles)
    announcement.teams.set(teams)
    audience = announcement.audience_members()
    if announcement.requires_acknowledgement:
        audience.update(announcements_pending=True)
    notify_each(
        (
            (person, {"actor": str(author), "title": announcement.title_in(person.language)})
            for person in audience.only("id", "language")
        ),
        Kind.ANNOUNCEMENT,
        ANNOUNCED,
        link=reverse("announcements:detail", args=[announcement.code]),
        actor=author,
    )
    return announcement


@transaction.atomic
def acknowledge(*, announcement: Announcement, user: User) -> Acknowledgement:
    """Record that `user` has read `announcement`; a second time keeps the first moment."""
    acknowledgement, _created = Acknowledgement.objects.get_or_create(
        announcement=announcement, user=user
    )
    refresh_pending(User.objects.filter(pk=user.pk))
    return acknowledgement


def refresh_pending(people: QuerySet[User] | None = None) -> int:
    """Set each person's mark (`User.announcements_pending`) to whether an announcement waits
    for their acknowledgement, in one UPDATE; all people when `people` is None. Called after an
    acknowledgement, a change of team, and daily (roles and teams changed in the admin)."""
    people = User.objects.all() if people is None else people
    waiting = Announcement.objects.pending_for(OuterRef("pk"), OuterRef("team_id"))
    return people.update(announcements_pending=Exists(waiting))


def _reminder(announcement: Announcement, person: User) -> EmailMessage:
    """The reminder e-mail of `announcement` to `person`, in the active language."""
    link = settings.SITE_URL.rstrip("/") + reverse("announcements:detail", args=[announcement.code])
    body = "\n".join(
        [
            _("Hello %(name)s,") % {"name": person.get_short_name()},
            "",
            _('Please read this announcement and confirm with "I have read this":'),
            "",
            announcement.title,
            "",
            announcement.body,
            "",
            link,
        ]
    )
    subject = _("Please read: %(title)s") % {"title": announcement.title}
    return EmailMessage(subject=subject, body=body, to=[person.email])


def send_reminders(*, day: datetime.date | None = None) -> int:
    """E-mail everyone in an announcement's audience who has not acknowledged it once it is
    `remind_after_days` old (Jakarta days), at most once a day per person and announcement;
    return how many e-mails went out. Each announcement's people are chosen in one query; the
    announcements with reminders are few (a handful a month)."""
    day = day or today()
    refresh_pending()
    candidates = Announcement.objects.published().filter(
        requires_acknowledgement=True, remind_after_days__isnull=False
    )
    sent = 0
    for announcement in candidates.order_by("published_at", "id"):
        waited = datetime.timedelta(days=announcement.remind_after_days or 0)
        if localdate(announcement.published_at) + waited <= day:
            sent += _remind(announcement, day)
    return sent


def _remind(announcement: Announcement, day: datetime.date) -> int:
    """Send `announcement`'s reminders of `day` to those who have neither acknowledged it nor
    been reminded that day; the reminders' rows are claimed in the sending transaction, so a
    second run (or a second runner) sends nothing."""
    acknowledged = Acknowledgement.objects.filter(announcement=announcement, user=OuterRef("pk"))
    reminded = Reminder.objects.filter(announcement=announcement, user=OuterRef("pk"), day=day)
    people = list(
        announcement.audience_members()
        .exclude(Exists(acknowledged))
        .exclude(Exists(reminded))
        .exclude(email="")
        .order_by("pk")
    )
    if not people:
        return 0
    by_language: dict[str, list[User]] = defaultdict(list)
    for person in people:
        by_language[person.language or settings.LANGUAGE_CODE].append(person)
    try:
        with transaction.atomic():
            Reminder.objects.bulk_create(
                Reminder(announcement=announcement, user=person, day=day) for person in people
            )
            messages = []
            for language, group in sorted(by_language.items()):
                with translation.override(language):
                    messages += [_reminder(announcement, person) for person in group]
            get_connection().send_messages(messages)
    except IntegrityError:
        return 0  # another run claimed them first
    return len(people)
