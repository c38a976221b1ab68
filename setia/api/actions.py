"""Writes to API tokens: creating one (its secret returned once), revoking, noting its use."""

import datetime
import secrets

from django.db import transaction
from django.utils import timezone

from setia.api.models import TOKEN_PREFIX, ApiToken, IdempotentRequest, token_digest

# A token's last use is written at most this often: an UPDATE on every API request would
# double the writes of a busy client for a date shown to the minute.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


@transaction.atomic
def create_token(
    *,
    user,
    name: str,
    scope: str,
    expires_at: datetime.datetime | None,
    kind: str = ApiToken.Kind.PERSONAL,
) -> tuple[ApiToken, str]:
    """Create a token for `user` and return it with its secret, which is not stored (only its
    digest is) and so can be shown this once."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        kind=kind,
        scope=scope,
        hint=secret[: len(TOKEN_PREFIX) + 4],
        digest=token_digest(secret),
        expires_at=expires_at,
    )
    return token, secret


@transaction.atomic
def revoke_token(*, token: ApiToken, actor) -> ApiToken:
    """Revoke `token`: from now on it authenticates nothing. Revoking twice keeps the first
    date."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db(fields=["revoked_at"])
    return token


def note_use(*, token: ApiToken, now: datetime.datetime | None = None) -> None:
    """Record that `token` was just used, unless it was within LAST_USED_PRECISION."""
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


# How long a POST's answer is replayed for its idempotency key: a client retries within
# minutes; after a day the key may be used again for a new request.
IDEMPOTENCY_KEEP = datetime.timedelta(hours=24)


def delete_old_idempotent_requests(*, now: datetime.datetime) -> int:
    """Forget the answers of keyed POSTs older than IDEMPOTENCY_KEEP, in one DELETE; returns
    how many went."""
    deleted, _by_model = IdempotentRequest.objects.filter(
        created_at__lt=now - IDEMPOTENCY_KEEP
    ).delete()
    return deleted
