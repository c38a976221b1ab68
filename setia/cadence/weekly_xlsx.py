"""The weekly update as an XLSX workbook (openpyxl, as the customers export): a sheet of the
KPIs against their targets with a bar chart, and a sheet of the highlights and blockers.
Several teams share the sheets, one block per team."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference

from setia.cadence.report_pdf import Section
from setia.lib.spreadsheets import neutralise


def _text(value) -> str:
    return neutralise(str(value))


def workbook(sections: list[Section]) -> bytes:
    """The workbook of `sections` as bytes."""
    book = Workbook()
    kpis = book.worksheets[0]
    kpis.title = _("KPIs")[:31]
    highlights = book.create_sheet(_("Highlights")[:31])
    kpis.append(
        [
            _("Week"),
            _("team or person"),
            _("KPI"),
            _("This week"),
            _("Week before"),
            _("Month to date"),
            _("Target"),
            "%",
            _("Forecast"),
        ]
    )
    highlights.append([_("Week"), _("team or person"), _("Highlight"), _("Detail")])
    for part in sections:
        figures = part.figures
        holder = _text(part.holder)
        for row in figures["rows"]:
            kpis.append(
                [
                    part.week,
                    holder,
                    _text(row.target.display_name),
                    row.week,
                    row.previous,
                    row.month_to_date,
                    row.target.value,
                    row.percent,
                    row.forecast,
                ]
            )
        lines = [
            (_("Tier moves up"), figures["moves"]["up"]),
            (_("Tier moves down"), figures["moves"]["down"]),
            (_("Retention offers accepted"), figures["saves"]),
            (_("Customers lost"), figures["lost_count"]),
        ]
        lines += [
            (_("Tier move"), f"{change.customer.name}: {change.new_tier.display_name}")
            for change in figures["movers"]
        ]
        lines += [(_("Customer lost"), entry.customer.name) for entry in figures["lost"]]
        lines += [
            (_("Blocker"), f"{checkpoint.user} ({checkpoint.day:%Y-%m-%d}): {checkpoint.blockers}")
            for checkpoint in figures["blockers"]
        ]
        for label, detail in lines:
            value = detail if isinstance(detail, int) else _text(detail)
            highlights.append([part.week, holder, label, value])
    kpis.column_dimensions["B"].width = 24
    kpis.column_dimensions["C"].width = 28
    highlights.column_dimensions["B"].width = 24
    highlights.column_dimensions["C"].width = 26
    highlights.column_dimensions["D"].width = 60
    if kpis.max_row > 1:
        chart = BarChart()
        chart.title = _("Target, month to date and forecast")
        chart.add_data(
            Reference(kpis, min_col=6, max_col=7, min_row=1, max_row=kpis.max_row),
            titles_from_data=True,
        )
        chart.add_data(
            Reference(kpis, min_col=9, max_col=9, min_row=1, max_row=kpis.max_row),
            titles_from_data=True,
        )
        chart.set_categories(Reference(kpis, min_col=3, min_row=2, max_row=kpis.max_row))
        chart.width, chart.height = 22, 9
        kpis.add_chart(chart, f"A{kpis.max_row + 3}")
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
