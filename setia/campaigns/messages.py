"""A campaign step on a merchant's timeline, in the reader's language: "Frame a Trip Instagram:
Bergabung" for an Indonesian reader (see `setia.history.messages`)."""

from django.utils.translation import gettext as _

from setia.campaigns.statuses import ParticipantStatus
from setia.history import messages


@messages.register("campaigns.participant")
def render_step(data: dict, summary: str) -> str | None:
    """“<campaign>: <status>”."""
    return _("Campaign %(campaign)s: %(status)s") % {
        "campaign": data["campaign"],
        "status": ParticipantStatus(data["status"]).label,
    }


@messages.register("campaigns.promotion")
def render_promotion(data: dict, summary: str) -> str | None:
    """“Promotion <name>: <discount>”."""
    return _("Promotion %(promotion)s: %(discount)s") % data
