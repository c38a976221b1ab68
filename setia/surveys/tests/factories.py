import datetime
import uuid

from setia.lib.dates import now
from setia.surveys.models import Survey, SurveyInvitation, SurveyResponse, percent_of_scale


def nps() -> Survey:
    return Survey.objects.get(name="NPS")  # seeded by the migration


def csat() -> Survey:
    return Survey.objects.get(name="CSAT")


def make_invitation(contact, *, survey=None, sent_at=None, days=14, **fields) -> SurveyInvitation:
    """An invitation of `contact`, as if sent at `sent_at` (now by default), without a message."""
    sent_at = sent_at or now()
    fields.setdefault("channel", "email")
    fields.setdefault("language", "en")
    return SurveyInvitation.objects.create(
        survey=survey or nps(),
        customer=contact.customer,
        contact=contact,
        code=uuid.uuid4().hex,
        sent_at=sent_at,
        expires_at=sent_at + datetime.timedelta(days=days),
        **fields,
    )


def make_response(invitation, score: int, *, at=None, comment: str = "") -> SurveyResponse:
    """An answer written directly (the public page's path is `actions.answer`)."""
    at = at or invitation.sent_at + datetime.timedelta(hours=1)
    invitation.answered_at = at
    invitation.save(update_fields=["answered_at"])
    kind = invitation.survey.kind
    return SurveyResponse.objects.create(
        invitation=invitation,
        customer=invitation.customer,
        kind=kind,
        score=score,
        percent=percent_of_scale(kind, score),
        comment=comment,
        responded_at=at,
    )
