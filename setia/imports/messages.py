"""An import's event on a customer's timeline, in the reader's language: its counts, or what
its undo did (see `setia.history.messages`)."""

import re

from django.utils.translation import gettext as _

from setia.history import messages
from setia.lib.display import format_number

_COUNTS = ("rows", "created", "updated", "unchanged", "duplicates", "rejected")
# The text older events kept: `rows=15 created=8 updated=2 …`.
_OLD_SUMMARY = re.compile(r"^(?:\w+=\d+ ?)+$")


@messages.register("imports.import")
def render_import(data: dict, summary: str) -> str | None:
    """“Rows: 15 · new customers: 8 · …”, or the undo's counts."""
    if data.get("message") == "undone":
        return _("Import undone: %(deleted)s records removed, %(reverted)s records put back.") % {
            "deleted": format_number(data["deleted"]),
            "reverted": format_number(data["reverted"]),
        }
    counts = data.get("counts")
    if counts is None and _OLD_SUMMARY.match(summary.strip()):
        counts = {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", summary)}
    if counts is None:
        return None
    return import_result(counts)


def import_result(counts: dict[str, int]) -> str:
    """An import's counts as a sentence in the reader's language."""
    return _(
        "Rows: %(rows)s · new customers: %(created)s · updated: %(updated)s · unchanged: "
        "%(unchanged)s · duplicates: %(duplicates)s · rejected: %(rejected)s"
    ) % {name: format_number(counts.get(name, 0)) for name in _COUNTS}
