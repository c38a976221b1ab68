"""A campaign's report for its partners, as PDF and XLSX: the results (difference in
differences, with the method and the dates used), the participants and the messages, with
charts. Both files read the same figures (`figures`), over the merchants the reader may see."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference

from setia.campaigns import results
from setia.campaigns.models import Campaign, Participant
from setia.campaigns.statuses import ParticipantStatus
from setia.lib import charts
from setia.lib.pdf import inline_svg, render_pdf
from setia.lib.spreadsheets import neutralise

# The PDF names at most this many joined merchants (a partner reads a list, not a register);
# the workbook lists every participant.
PDF_PARTICIPANTS = 200


@dataclass(frozen=True)
class Figures:
    """What the report shows of a campaign over the merchants the reader may see."""

    campaign: Campaign
    tally: results.Tally
    messages: list[results.ChannelMessages]
    customers: Any  # the queryset of the merchants the reader may see
    day: datetime.date

    @property
    def uplift(self) -> results.Uplift | None:
        return self.tally.uplift

    def participants(self):
        """The participants the reader may see, by merchant name."""
        return (
            Participant.objects.filter(
                campaign=self.campaign, customer__in=self.customers.alive().values("pk")
            )
            .select_related("customer")
            .order_by("customer__name", "id")
        )


def figures(campaign: Campaign, customers, day: datetime.date) -> Figures:
    """The report's figures: the tally (one query) and the messages (one query)."""
    return Figures(
        campaign=campaign,
        tally=results.tally(campaign, customers, day),
        messages=results.message_counts(campaign, customers),
        customers=customers,
        day=day,
    )


def results_chart(uplift: results.Uplift | None):
    """Average GMV per merchant per day before and during, for both groups (pygal)."""
    if uplift is None:
        return None
    chart = charts.bar_chart(
        colours=[charts.MUTED, charts.BRAND], rupiah=True, title=_("GMV per merchant per day")
    )
    chart.x_labels = [_("Participants (joined)"), _("Comparison group")]
    chart.add(_("Before"), [uplift.participants.before_rupiah, uplift.comparison.before_rupiah])
    chart.add(_("During"), [uplift.participants.during_rupiah, uplift.comparison.during_rupiah])
    return chart


def messages_chart(messages: list[results.ChannelMessages]):
    """Messages sent, delivered and replied per channel (pygal), None when none were sent."""
    if not any(row.sent for row in messages):
        return None
    chart = charts.bar_chart(
        colours=[charts.MUTED, charts.BRAND, "#f59e0b"], rupiah=False, title=_("Messages")
    )
    chart.x_labels = [row.label for row in messages]
    chart.add(_("Sent"), [row.sent for row in messages])
    chart.add(_("Delivered"), [row.delivered for row in messages])
    chart.add(_("Replied"), [row.replied for row in messages])
    return chart


def html(report: Figures) -> str:
    """The print template of the report."""
    joined = report.participants().filter(status=ParticipantStatus.JOINED)
    context = {
        "report": report,
        "campaign": report.campaign,
        "uplift": report.uplift,
        "joined": joined[:PDF_PARTICIPANTS],
        "more": max(report.tally.joined - PDF_PARTICIPANTS, 0),
        "results_svg": inline_svg(results_chart(report.uplift)),
        "messages_svg": inline_svg(messages_chart(report.messages)),
        "reply_days": results.REPLY_DAYS,
    }
    return render_to_string("campaigns/report_print.html", context)


def pdf(report: Figures) -> bytes:
    """The report as PDF (`PdfUnavailable` when PDFs cannot be made here)."""
    return render_pdf(html(report))


def _text(value) -> str:
    return neutralise(str(value))


def _bar_chart(sheet, *, title: str, first_column: int, last_column: int, rows: int, anchor):
    chart = BarChart()
    chart.title = title
    chart.add_data(
        Reference(sheet, min_col=first_column, max_col=last_column, min_row=1, max_row=rows + 1),
        titles_from_data=True,
    )
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=rows + 1))
    chart.width, chart.height = 18, 8
    sheet.add_chart(chart, anchor)


def workbook(report: Figures) -> Workbook:
    """The report as a workbook: Results (with the method and a chart), Messages (with a chart)
    and Participants (every one the reader may see)."""
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = _("Results")[:31]
    uplift = report.uplift
    sheet.append([_("Group"), _("Merchants"), _("Before (per day)"), _("During (per day)")])
    if uplift is not None:
        for label, group in (
            (_("Participants (joined)"), uplift.participants),
            (_("Comparison group"), uplift.comparison),
        ):
            sheet.append([label, group.merchants, group.before_rupiah, group.during_rupiah])
        sheet.append([])
        sheet.append([_("Uplift (Rp per merchant per day)"), uplift.difference_rupiah])
        percent = uplift.percent
        sheet.append([_("Uplift (%)"), None if percent is None else round(percent, 1)])
        sheet.append([_("Before"), f"{uplift.before_from:%Y-%m-%d} – {uplift.before_to:%Y-%m-%d}"])
        sheet.append([_("During"), f"{uplift.during_from:%Y-%m-%d} – {uplift.during_to:%Y-%m-%d}"])
        sheet.append([_("Method"), method_text()])
        _bar_chart(
            sheet,
            title=_("GMV per merchant per day"),
            first_column=3,
            last_column=4,
            rows=2,
            anchor="F2",
        )
    else:
        sheet.append([_("Results appear after the campaign's first full day.")])
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 22
    messages = book.create_sheet(_("Messages")[:31])
    messages.append([_("Channel"), _("Sent"), _("Delivered"), _("Read"), _("Replied")])
    for row in report.messages:
        messages.append([row.label, row.sent, row.delivered, row.read, row.replied])
    _bar_chart(
        messages,
        title=_("Messages"),
        first_column=2,
        last_column=5,
        rows=len(report.messages),
        anchor="H2",
    )
    people = book.create_sheet(_("Participants")[:31])
    people.append([_("Merchant"), _("Status"), _("Invited"), _("Joined")])
    for participant in report.participants().iterator(chunk_size=2000):
        people.append(
            [
                _text(participant.customer.name),
                str(participant.get_status_display()),
                timezone.localdate(participant.invited_at),
                timezone.localdate(participant.joined_at) if participant.joined_at else None,
            ]
        )
    people.column_dimensions["A"].width = 36
    return book


def method_text() -> str:
    """The method in one paragraph, as the workbook states it."""
    return _(
        "Difference in differences on the daily store metrics: each group's average GMV per "
        "merchant per day during the campaign minus before it; the uplift is the participants' "
        "change minus the comparison group's (merchants of the same tiers and categories, "
        "never invited)."
    )


def filename(campaign: Campaign, extension: str) -> str:
    """`campaign-12-frame-a-trip.pdf`."""
    return f"campaign-{campaign.pk}-{slugify(campaign.name)[:40] or 'report'}.{extension}"
