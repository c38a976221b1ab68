"""The weekly update as a PDF (WeasyPrint): the print template with the figures and the charts
drawn inline as SVG. Nothing is fetched: no stylesheet, image or font from outside the
document (fonts are the system's), so a PDF made offline is the same as one made online.

WeasyPrint needs the Pango library of the operating system and fails to import without it;
`PdfUnavailable` says so in the reader's language and how to install it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from setia.accounts.models import Team, User
from setia.cadence.weekly import month_chart, week_chart, week_label, weekly_update

PANGO_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0"


class PdfUnavailable(Exception):
    """WeasyPrint cannot run here (its system libraries are missing)."""

    def __str__(self) -> str:
        return self.message

    @property
    def message(self) -> str:
        return _(
            "PDFs cannot be made on this server: WeasyPrint needs the Pango library. "
            "An administrator installs it with: apt-get install %(packages)s"
        ) % {"packages": PANGO_PACKAGES}


@dataclass
class Section:
    """One team's or person's weekly update, as the print template and the workbook read it."""

    team: Team | None
    person: User | None
    monday: datetime.date
    figures: dict

    @property
    def holder(self):
        return self.team if self.team is not None else self.person

    @property
    def week(self) -> str:
        return week_label(self.monday)


def section(*, monday: datetime.date, team=None, person=None) -> Section:
    """The weekly update of `team` or `person` for the week starting `monday`."""
    return Section(team, person, monday, weekly_update(monday=monday, team=team, person=person))


def _svg(chart) -> str | None:
    """The chart as an inline <svg> element (without the XML declaration)."""
    if chart is None:
        return None
    text = chart.render(is_unicode=True)
    return text.split("?>", 1)[1] if text.startswith("<?xml") else text


def _no_fetching(url: str, *args, **kwargs):
    # Everything the PDF shows is in its HTML; a URL reaching here is a mistake, not a fetch.
    raise ValueError(f"The weekly update's PDF fetches nothing ({url[:40]})")


def html(sections: list[Section]) -> str:
    """The print template filled with `sections` (one per team or person)."""
    parts = [
        {
            "section": part,
            "week_svg": _svg(week_chart(part.figures["rows"])),
            "month_svg": _svg(month_chart(part.figures["rows"])),
        }
        for part in sections
    ]
    return render_to_string("cadence/weekly_print.html", {"parts": parts})


def render_pdf(document: str) -> bytes:
    """`document` (HTML) as PDF bytes; `PdfUnavailable` when WeasyPrint cannot run here."""
    try:
        import weasyprint  # noqa: PLC0415  (here, so a server without Pango still starts)
    except (ImportError, OSError) as error:
        # OSError: WeasyPrint is installed but the Pango libraries it loads are not.
        raise PdfUnavailable from error
    return weasyprint.HTML(string=document, url_fetcher=_no_fetching).write_pdf()


def weekly_pdf(sections: list[Section]) -> bytes:
    """The weekly update of `sections` as one PDF, each starting on a new page."""
    return render_pdf(html(sections))


def filename(sections: list[Section], extension: str) -> str:
    """`weekly-2026-W47-tim-a.pdf`, or without the holder for several."""
    week = sections[0].week if sections else "empty"
    holder = slugify(str(sections[0].holder)) if len(sections) == 1 else "all-teams"
    return f"weekly-{week}-{holder or 'update'}.{extension}"
