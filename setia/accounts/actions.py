import logging

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from setia.accounts.models import User

log = logging.getLogger(__name__)


def set_language(*, user: User, language: str) -> User:
    """Store the user's language; every page from now on is served in it."""
    user.language = language
    user.save(update_fields=["language", "updated_at"])
    return user


def deactivate_user(*, user: User, actor: User) -> User:
    """Disable `user`'s account and end every session they have, everywhere.

    A disabled user's session is refused while they are disabled (the authentication backend
    rejects inactive users) but would come back to life if they were enabled again; deleting
    the sessions makes disabling final: after re-enabling, they log in afresh.
    """
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active", "updated_at"])
        ended = end_sessions(user=user)
    log.info("User %s disabled by %s; %d sessions ended.", user.pk, actor.pk, ended)
    return user


def reactivate_user(*, user: User, actor: User) -> User:
    """Enable `user`'s account again (an undone hand-over); they log in afresh, their sessions
    having ended when they were disabled."""
    user.is_active = True
    user.save(update_fields=["is_active", "updated_at"])
    log.info("User %s enabled again by %s.", user.pk, actor.pk)
    return user


def end_sessions(*, user: User) -> int:
    """Delete every unexpired session signed in as `user`; return how many were deleted.

    Sessions are stored encoded, with nothing to filter on by user, so each unexpired one is
    decoded: as many as there are people signed in, a few hundred rows, not a table scan of
    the customers. Works with the database session engine (the one this project uses).
    """
    user_id = str(user.pk)
    mine = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(SESSION_KEY) == user_id
    ]
    deleted, _ = Session.objects.filter(session_key__in=mine).delete()
    return deleted
