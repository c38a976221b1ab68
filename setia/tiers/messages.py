"""A tier move on a customer's timeline, in the reader's language: "Perak → Emas" for an
Indonesian reader, "Silver → Gold" for an English one (see `setia.history.messages`). The event
keeps both names of both tiers; its summary, in the language of the run, is the fallback."""

from setia.history import messages
from setia.lib.names import in_reader_language


def _name(data: dict, which: str) -> str:
    return in_reader_language(data[f"{which}_tier"], data.get(f"{which}_tier_name_id"))


@messages.register("tiers.tierchange")
def render_move(data: dict, summary: str) -> str | None:
    """“Silver → Gold”, or the new tier alone for a customer's first tier."""
    new = _name(data, "new")
    return f"{_name(data, 'old')} → {new}" if data.get("old_tier") else new
