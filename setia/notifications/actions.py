"""Notifications: adding them (`notify`, `notify_each`), reading them (`mark_read`,
`mark_all_read`), finding who a note mentions (`mentioned_users`), e-mail preferences
(`save_preferences`) and the e-mails (`send_immediate`, `send_digests`, both beat jobs).

Any app calls `notify` from inside its own action, in its transaction, with a message marked
by `gettext_noop` (its source text is stored and translated for each reader):

    notify([owner], Kind.APPROVAL, gettext_noop("%(actor)s approved “%(title)s”."),
           params={"actor": str(actor), "title": article.question}, link=url, actor=actor)
"""

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from setia.accounts.models import User
from setia.lib.dates import now, today
from setia.notifications.models import (
    DEFAULT_DELIVERY,
    Delivery,
    Digest,
    EmailPreference,
    Kind,
    Mail,
    Notification,
)

# An immediate e-mail job sends at most this many; the rest go on its next run, a minute later.
SEND_AT_MOST = 500
# "@name": the part of a person's e-mail address before the "@", after a space or the start.
MENTION = re.compile(r"(?<![\w@.])@([\w.+-]+)")


def _pk(person) -> int:
    return person if isinstance(person, int) else person.pk


def notify_each(
    items: Iterable[tuple[User | int, Mapping[str, object]]],
    kind: str,
    message: str,
    *,
    link: str = "",
    actor=None,
) -> int:
    """Notify each (person or their id, parameters) of `items` with `message` (a source text
    marked with `gettext_noop`, with `%(name)s` placeholders that the parameters fill when it
    is shown). The actor is never notified of their own step, and a person once per call.
    One INSERT of the notifications and one UPDATE of the unread counts, whatever the number
    of people; returns how many were notified."""
    if kind not in Kind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    actor_id = getattr(actor, "pk", None)
    rows: dict[int, dict[str, str]] = {}
    for person, params in items:
        pk = _pk(person)
        if pk != actor_id and pk not in rows:
            rows[pk] = {str(name): str(value) for name, value in params.items()}
    if not rows:
        return 0
    moment = now()
    # Joined to the caller's transaction (no savepoint of its own): the notifications and the
    # counts are written together, with the step they tell about.
    with transaction.atomic(savepoint=False):
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient_id=pk,
                    kind=kind,
                    message=message,
                    params=params,
                    link=link[:300],
                    created_at=moment,
                )
                for pk, params in sorted(rows.items())
            ]
        )
        User.objects.filter(pk__in=rows).update(unread_notifications=F("unread_notifications") + 1)
    return len(rows)


def notify(
    recipients: Iterable[User | int],
    kind: str,
    message: str,
    *,
    params: Mapping[str, object] | None = None,
    link: str = "",
    actor=None,
) -> int:
    """Notify `recipients` (people or their ids) with one `message` and `params` (see
    `notify_each`); the actor is left out. Returns how many were notified."""
    params = params or {}
    items = ((person, params) for person in recipients)
    return notify_each(items, kind, message, link=link, actor=actor)


def _read(notifications, user) -> int:
    changed = notifications.filter(read_at__isnull=True).update(read_at=now())
    if changed:
        User.objects.filter(pk=user.pk).update(
            unread_notifications=Greatest(F("unread_notifications") - changed, 0)
        )
        user.unread_notifications = max(user.unread_notifications - changed, 0)
    return changed


@transaction.atomic(savepoint=False)
def mark_read(*, notification: Notification, user) -> bool:
    """Mark `user`'s own `notification` read; False when it was read already."""
    return bool(_read(Notification.objects.for_user(user).filter(pk=notification.pk), user))


@transaction.atomic(savepoint=False)
def mark_all_read(*, user) -> int:
    """Mark every unread notification of `user` read; returns how many."""
    return _read(Notification.objects.for_user(user), user)


def mentioned_users(text: str):
    """The active people `text` mentions as "@name", name being their e-mail address before
    the "@" (any case). A name that two people's addresses share mentions neither: nobody is
    told about a note meant for someone else. One query."""
    names = {name.rstrip(".").lower() for name in MENTION.findall(text or "")} - {""}
    if not names:
        return User.objects.none()
    query = Q()
    for name in names:
        query |= Q(email__istartswith=f"{name}@")
    found: dict[str, list[int]] = defaultdict(list)
    for pk, email in User.objects.filter(query, is_active=True).values_list("pk", "email"):
        found[email.rsplit("@", 1)[0].lower()].append(pk)
    return User.objects.filter(
        pk__in=[ids[0] for name, ids in found.items() if name in names and len(ids) == 1]
    )


def preferences(user) -> dict[str, str]:
    """{kind: delivery} of `user`: what they chose, else the kind's default."""
    chosen = dict(EmailPreference.objects.filter(user_id=user.pk).values_list("kind", "delivery"))
    return {kind: chosen.get(kind, DEFAULT_DELIVERY[kind]) for kind in Kind.values}


@transaction.atomic
def save_preferences(*, user, choices: Mapping[str, str]) -> None:
    """Save `user`'s e-mail delivery per kind ({kind: delivery}, validated)."""
    for kind, delivery in choices.items():
        EmailPreference.objects.update_or_create(
            user_id=user.pk, kind=kind, defaults={"delivery": delivery}
        )


# -- e-mail ------------------------------------------------------------------------------


def _waiting():
    """The notifications whose e-mail is still to decide, each with its `delivery` (the
    recipient's preference for its kind, else the default), in one query."""
    chosen = EmailPreference.objects.filter(
        user_id=OuterRef("recipient_id"), kind=OuterRef("kind")
    ).values("delivery")[:1]
    default = Case(
        *(
            When(kind=kind, then=Value(str(delivery)))
            for kind, delivery in DEFAULT_DELIVERY.items()
        ),
        default=Value(str(Delivery.IMMEDIATELY)),
    )
    return Notification.objects.filter(mail=Mail.PENDING).annotate(
        delivery=Coalesce(Subquery(chosen), default)
    )


def _skip_unwanted() -> int:
    """Mark not to be sent, in one UPDATE, what was read already, what its recipient never
    wants by e-mail, and what an inactive person would get."""
    unwanted = _waiting().filter(
        Q(read_at__isnull=False) | Q(delivery=Delivery.NEVER) | Q(recipient__is_active=False)
    )
    return Notification.objects.filter(pk__in=unwanted.values("pk")).update(mail=Mail.SKIPPED)


def _absolute(link: str) -> str:
    return settings.SITE_URL.rstrip("/") + link if link.startswith("/") else link


def _footer() -> str:
    return _("Choose which notifications you get by e-mail: %(url)s") % {
        "url": _absolute(reverse("notifications:preferences"))
    }


def send_immediate() -> int:
    """E-mail each waiting notification whose recipient wants its kind at once, one e-mail
    each in the recipient's language; returns how many were sent. Each is claimed by a
    conditional UPDATE in the transaction that sends, so two runs send it once and a failed
    send is tried again on the next run."""
    _skip_unwanted()
    due = (
        _waiting()
        .filter(delivery=Delivery.IMMEDIATELY)
        .select_related("recipient")
        .order_by("pk")[:SEND_AT_MOST]
    )
    sent = 0
    for notification in due:
        person = notification.recipient
        with transaction.atomic():
            if not Notification.objects.filter(pk=notification.pk, mail=Mail.PENDING).update(
                mail=Mail.SENT
            ):
                continue
            with translation.override(person.language):
                text = notification.text
                lines = [text, ""]
                if notification.link:
                    lines += [_absolute(notification.link), ""]
                send_mail(text[:150], "\n".join([*lines, _footer()]), None, [person.email])
        sent += 1
    return sent


def send_digests(*, day=None) -> int:
    """E-mail each person who wants some kinds in a daily digest the unread notifications of
    those kinds that wait, in one e-mail, once per day (`Digest` claims the day); returns how
    many digests were sent. The people and their notifications come from two queries."""
    day = day or today()
    _skip_unwanted()
    waiting = _waiting().filter(delivery=Delivery.DIGEST)
    ids = set(
        waiting.exclude(recipient__notification_digests__day=day)
        .order_by()
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    if not ids:
        return 0
    by_person: dict[int, list[Notification]] = defaultdict(list)
    for notification in waiting.filter(recipient_id__in=ids).order_by("created_at", "pk"):
        by_person[notification.recipient_id].append(notification)
    people = User.objects.in_bulk(list(by_person))
    sent = 0
    for pk, items in sorted(by_person.items()):
        person = people[pk]
        try:
            with transaction.atomic():
                Digest.objects.create(recipient=person, day=day, notifications=len(items))
                Notification.objects.filter(
                    pk__in=[item.pk for item in items], mail=Mail.PENDING
                ).update(mail=Mail.SENT)
                _send_digest(person, items)
        except IntegrityError:
            continue  # sent already today, by another run
        sent += 1
    return sent


def _send_digest(person: User, items: list[Notification]) -> None:
    with translation.override(person.language):
        subject = ngettext(
            "Setia: %(count)s notification today",
            "Setia: %(count)s notifications today",
            len(items),
        ) % {"count": len(items)}
        lines = []
        for item in items:
            lines.append(f"- {item.text}")
            if item.link:
                lines.append(f"  {_absolute(item.link)}")
        lines += ["", _absolute(reverse("notifications:list")), "", _footer()]
        send_mail(subject, "\n".join(lines), None, [person.email])
