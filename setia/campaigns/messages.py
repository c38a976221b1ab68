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


def promotion_text(data: dict) -> str:
    """“Promotion <name>: <discount>”, or “Promotion <name> changed: <discount>” for an edit,
    in the active language."""
    values = {"promotion": data["promotion"], "discount": data["discount"]}
    if data.get("edited"):
        return _("Promotion %(promotion)s changed: %(discount)s") % values
    return _("Promotion %(promotion)s: %(discount)s") % values


@messages.register("campaigns.promotion")
def render_promotion(data: dict, summary: str) -> str | None:
    """The promotion entered or edited, in the reader's language (`promotion_text`)."""
    return promotion_text(data)
