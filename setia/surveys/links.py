"""The signed link of an invitation: `/s/<token>/`, the token signed with the site's secret
(django.core.signing) and carrying the invitation, its customer, its contact and its random
code. Changing any character breaks the signature; a token whose ids do not match its
invitation (a link forged from another one, or for another customer's contact) is refused like
a tampered one. Expiry and single use are the invitation's (`expires_at`, `answered_at`), so
they hold whatever the token says."""

import enum

from django.conf import settings
from django.core import signing
from django.urls import reverse

from setia.surveys.models import SurveyInvitation

_SALT = "setia.surveys.link"


class Refusal(enum.Enum):
    """Why a link does not open the survey."""

    INVALID = "invalid"  # tampered, unknown, or another customer's or contact's
    EXPIRED = "expired"
    ANSWERED = "answered"


def token_for(invitation: SurveyInvitation) -> str:
    """The signed token of `invitation`."""
    return signing.dumps(
        {
            "i": invitation.pk,
            "c": invitation.customer_id,
            "k": invitation.contact_id,
            "n": invitation.code,
        },
        salt=_SALT,
        compress=True,
    )


def url_for(invitation: SurveyInvitation) -> str:
    """The full address of `invitation`'s survey page, for a message."""
    return settings.SITE_URL.rstrip("/") + reverse(
        "survey-public:answer", args=[token_for(invitation)]
    )


def invitation_for(token: str, moment) -> tuple[SurveyInvitation | None, Refusal | None]:
    """(invitation, None) when `token` opens a survey at `moment`, else (None or the
    invitation, the refusal). One query."""
    try:
        value = signing.loads(token, salt=_SALT)
        pk, customer, contact, code = value["i"], value["c"], value["k"], value["n"]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None, Refusal.INVALID
    invitation = (
        SurveyInvitation.objects.select_related("survey", "customer", "contact")
        .filter(pk=pk, code=code, customer__deleted_at__isnull=True)
        .first()
        if isinstance(pk, int) and isinstance(code, str)
        else None
    )
    if invitation is None or (invitation.customer_id, invitation.contact_id) != (customer, contact):
        return None, Refusal.INVALID
    if invitation.answered_at is not None:
        return invitation, Refusal.ANSWERED
    if invitation.expires_at <= moment:
        return invitation, Refusal.EXPIRED
    return invitation, None
