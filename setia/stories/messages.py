"""A story's steps on a merchant's timeline, in the reader's language: "Kisah sukses: Wawancara
dijadwalkan" for an Indonesian reader (see `setia.history.messages`). The event keeps choice
values; its summary, written in the site's language, is the fallback."""

from django.utils.translation import gettext as _

from setia.history import messages
from setia.stories.states import ConsentChannel, PublicationChannel, State


def describe(data: dict) -> str:
    """The text of a story step from its event data (also the stored summary's source)."""
    step = data["step"]
    if step == "state":
        text = _("Success story: %(state)s") % {"state": State(data["state"]).label}
        if data.get("channel"):
            text += " (%s)" % ConsentChannel(data["channel"]).label
        return text
    if step == "answers":
        return _("Success story: interview answers saved")
    if step == "article":
        return _("Success story: article edited")
    if step == "publication":
        return _("Success story published: %(channel)s") % {
            "channel": PublicationChannel(data["channel"]).label
        }
    if step == "coverage":
        return _("Success story covered by %(outlet)s") % {"outlet": data["outlet"]}
    raise ValueError(step)


@messages.register("stories.story")
def render_step(data: dict, summary: str) -> str | None:
    """One of `describe`'s texts."""
    return describe(data)
