"""A programme step on a merchant's timeline, in the reader's language: "JNE — Diskon ongkir:
Tertarik" for an Indonesian reader (see `setia.history.messages`). The event keeps the stage's
value; its summary, written in the site's language, is the fallback."""

from django.utils.translation import gettext as _

from setia.history import messages
from setia.partners.stages import Stage


@messages.register("partners.referral")
def render_step(data: dict, summary: str) -> str | None:
    """“<partner> — <programme>: <stage>”."""
    return _("%(partner)s — %(programme)s: %(stage)s") % {
        "partner": data["partner"],
        "programme": data["programme"],
        "stage": Stage(data["stage"]).label,
    }
