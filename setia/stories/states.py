"""A story's states and the publication channels, in a module of their own so that the
timeline renderer (loaded with the app, before its models) can read their names."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class State(models.TextChoices):
    """The pipeline, in order; a declined consent ends it."""

    CANDIDATE = "candidate", pgettext_lazy("story state", "Candidate")
    CONSENT_ASKED = "consent_asked", pgettext_lazy("story state", "Consent asked")
    CONSENT_GIVEN = "consent_given", pgettext_lazy("story state", "Consent given")
    DECLINED = "declined", pgettext_lazy("story state", "Declined")
    INTERVIEW_SCHEDULED = "scheduled", pgettext_lazy("story state", "Interview scheduled")
    INTERVIEWED = "interviewed", pgettext_lazy("story state", "Interviewed")
    DRAFT = "draft", pgettext_lazy("story state", "Draft")
    IN_REVIEW = "in_review", pgettext_lazy("story state", "In review")
    APPROVED = "approved", pgettext_lazy("story state", "Approved")
    PUBLISHED = "published", pgettext_lazy("story state", "Published")


# The moves each state allows. Consent, scheduling and publication carry details of their own
# (who agreed and how, the interviewer and time, the channel and link), so they have their own
# actions; the others are plain moves (`move_story`). A reviewer may send a draft back.
NEXT_STATES: dict[str, tuple[str, ...]] = {
    State.CANDIDATE: (State.CONSENT_ASKED,),
    State.CONSENT_ASKED: (State.CONSENT_GIVEN, State.DECLINED),
    State.CONSENT_GIVEN: (State.INTERVIEW_SCHEDULED,),
    State.INTERVIEW_SCHEDULED: (State.INTERVIEWED,),
    State.INTERVIEWED: (State.DRAFT,),
    State.DRAFT: (State.IN_REVIEW,),
    State.IN_REVIEW: (State.APPROVED, State.DRAFT),
    State.APPROVED: (State.PUBLISHED,),
}

# The moves `move_story` makes without further details.
PLAIN_MOVES = {
    (State.CANDIDATE, State.CONSENT_ASKED),
    (State.INTERVIEW_SCHEDULED, State.INTERVIEWED),
    (State.INTERVIEWED, State.DRAFT),
    (State.DRAFT, State.IN_REVIEW),
    (State.IN_REVIEW, State.APPROVED),
    (State.IN_REVIEW, State.DRAFT),
}

# States that end a story: a merchant may have a new one after them.
CLOSED_STATES = (State.DECLINED, State.PUBLISHED)


class ConsentChannel(models.TextChoices):
    WHATSAPP = "whatsapp", _("WhatsApp")
    EMAIL = "email", _("E-mail")
    FORM = "form", _("Signed form")


class PublicationChannel(models.TextChoices):
    NEWSLETTER = "newsletter", _("Newsletter")
    BLOG = "blog", _("Blog")
    SOCIAL = "social", _("Social media")
