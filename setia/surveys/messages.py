"""A survey answer on a customer's timeline, in the reader's language: "NPS answer 3 of 10 by
Budi Santoso: “the site is slow”" (see `setia.history.messages`)."""

from django.utils.translation import gettext as _

from setia.history import messages
from setia.surveys.models import SCALES, Kind


@messages.register("surveys.surveyresponse")
def render_answer(data: dict, summary: str) -> str | None:
    """“<kind> answer <score> of <high> by <contact>: “<comment>””."""
    text = _("%(kind)s answer %(score)s of %(high)s by %(contact)s") % {
        "kind": data["kind"].upper(),
        "score": data["score"],
        "high": SCALES[Kind(data["kind"])][1],
        "contact": data["contact"],
    }
    if data.get("comment"):
        text += f": “{data['comment']}”"
    return text
