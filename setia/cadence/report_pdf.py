"""The weekly update as a PDF (WeasyPrint): the print template with the figures and the charts
drawn inline as SVG, made by `setia.lib.pdf` (which says when Pango is missing).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.text import slugify

from setia.accounts.models import Team, User
from setia.cadence.weekly import month_chart, week_chart, week_label, weekly_update
from setia.lib.pdf import inline_svg, render_pdf


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


def html(sections: list[Section]) -> str:
    """The print template filled with `sections` (one per team or person)."""
    parts = [
        {
            "section": part,
            "week_svg": inline_svg(week_chart(part.figures["rows"])),
            "month_svg": inline_svg(month_chart(part.figures["rows"])),
        }
        for part in sections
    ]
    return render_to_string("cadence/weekly_print.html", {"parts": parts})


def weekly_pdf(sections: list[Section]) -> bytes:
    """The weekly update of `sections` as one PDF, each starting on a new page."""
    return render_pdf(html(sections))


def filename(sections: list[Section], extension: str) -> str:
    """`weekly-2026-W47-tim-a.pdf`, or without the holder for several."""
    week = sections[0].week if sections else "empty"
    holder = slugify(str(sections[0].holder)) if len(sections) == 1 else "all-teams"
    return f"weekly-{week}-{holder or 'update'}.{extension}"
