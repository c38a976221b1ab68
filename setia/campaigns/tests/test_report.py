"""The campaign's messages (delivered, replied) on planted messages, and the partner report as
PDF (read back with pypdf) and XLSX (read back with openpyxl)."""

import datetime
import io
import sys

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from setia.campaigns import results
from setia.campaigns.models import Participant
from setia.campaigns.tests.factories import make_campaign
from setia.campaigns.tests.test_results import TODAY, planted  # noqa: F401  (fixture)
from setia.customers.models import Customer
from setia.engagement.models import Interaction, Message
from setia.lib.money import format_rupiah
from setia.test import make_customer

JAKARTA = datetime.timezone(datetime.timedelta(hours=7))


def _at(day: int, hour: int = 10, month: int = 11) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, 0, tzinfo=JAKARTA)


def _message(customer, channel, status, moment):
    return Message.objects.create(
        customer=customer,
        channel=channel,
        via="smtp" if channel == "email" else "cloud_api",
        recipient="toko@example.test" if channel == "email" else "+6281234567890",
        status=status,
        sent_at=moment,
    )


def _reply(customer, kind, moment):
    return Interaction.objects.create(
        customer=customer, kind=kind, direction="inbound", occurred_at=moment
    )


@pytest.fixture
def messages(team_a, team_b, executive, other_executive):
    """A campaign from 1 to 14 November with planted messages to its participants."""
    campaign = make_campaign()
    joined = make_customer(team=team_a, owner=executive, name="Ikut")
    invited = make_customer(team=team_a, owner=executive, name="Diundang")
    stranger = make_customer(team=team_a, owner=executive, name="Bukan peserta")
    elsewhere = make_customer(team=team_b, owner=other_executive, name="Tim B")
    for customer, status in ((joined, "joined"), (invited, "invited"), (elsewhere, "joined")):
        Participant.objects.create(
            campaign=campaign, customer=customer, status=status, invited_at=timezone.now()
        )
    # Delivered, answered on WhatsApp the next day: replied.
    _message(joined, "whatsapp", "delivered", _at(2))
    _reply(joined, "whatsapp", _at(3))
    # Read, answered by e-mail only (another channel): not replied.
    _message(joined, "whatsapp", "read", _at(5))
    _reply(joined, "email", _at(6))
    # Sent, never delivered.
    _message(joined, "whatsapp", "sent", _at(7))
    # Delivered after the merchant last wrote: not replied.
    _reply(invited, "whatsapp", _at(1, 8))
    _message(invited, "whatsapp", "delivered", _at(8))
    # Failed: not sent.
    _message(invited, "whatsapp", "failed", _at(4))
    # An e-mail answered 9 days later: not replied.
    _message(invited, "email", "delivered", _at(10))
    _reply(invited, "email", _at(19))
    # Before the campaign, to a merchant outside it: not counted.
    _message(joined, "whatsapp", "delivered", _at(30, month=10))
    _message(stranger, "whatsapp", "delivered", _at(3))
    # The last day, late evening in Jakarta (still 14 November), replied on the 15th.
    _message(joined, "email", "read", _at(14, 22))
    _reply(joined, "email", _at(15, 9))
    # Another team's participant: counted for a manager only.
    _message(elsewhere, "whatsapp", "delivered", _at(3))
    _reply(elsewhere, "whatsapp", _at(3, 12))
    return campaign


def _counts(rows):
    return {row.channel: (row.sent, row.delivered, row.read, row.replied) for row in rows}


def test_messages_are_counted_delivered_and_replied_from_planted_messages(
    messages, executive, manager
):
    mine = results.message_counts(messages, Customer.objects.visible_to(executive))
    every = results.message_counts(messages, Customer.objects.visible_to(manager))

    assert _counts(mine) == {"whatsapp": (4, 3, 1, 1), "email": (2, 2, 1, 1)}
    assert _counts(every) == {"whatsapp": (5, 4, 1, 2), "email": (2, 2, 1, 1)}
    assert [row.replied_percent for row in mine] == [pytest.approx(100 / 3), 50]


def test_the_message_counts_take_one_query(messages, executive, django_assert_num_queries):
    visible = Customer.objects.visible_to(executive)
    with django_assert_num_queries(1):
        results.message_counts(messages, visible)


def test_the_campaign_page_shows_the_messages(client, messages, executive):
    client.force_login(executive)

    page = client.get(messages.get_absolute_url()).content.decode()

    assert 'id="messages"' in page
    assert "campaigns/%d/report.pdf" % messages.pk in page


@time_machine.travel(datetime.datetime(2026, 12, 1, 3, 0, tzinfo=datetime.UTC), tick=False)
def test_the_partner_pdf_shows_the_results_participants_and_method(client, planted, manager):  # noqa: F811
    campaign, joined, _flat = planted
    uplift = results.measure(campaign, Customer.objects.all(), TODAY)
    manager.language = "en"
    manager.save(update_fields=["language"])
    client.force_login(manager)

    response = client.get(reverse("campaigns:campaign-report-pdf", args=[campaign.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert campaign.name in text
    assert f"GMV uplift {uplift.percent:.1f}%" in text
    assert format_rupiah(uplift.difference_rupiah) in text
    assert "Difference in differences" in text
    assert "3 joined of 4 invited" in text
    assert all(customer.name in text for customer in joined)


@time_machine.travel(datetime.datetime(2026, 12, 1, 3, 0, tzinfo=datetime.UTC), tick=False)
def test_the_partner_workbook_has_the_figures_and_charts(client, planted, manager):  # noqa: F811
    campaign, _joined, _flat = planted
    uplift = results.measure(campaign, Customer.objects.all(), TODAY)
    client.force_login(manager)

    response = client.get(reverse("campaigns:campaign-report-xlsx", args=[campaign.pk]))

    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    results_sheet, messages_sheet, people = book.worksheets
    rows = list(results_sheet.iter_rows(values_only=True))
    assert rows[1][1:4] == (
        3,
        uplift.participants.before_rupiah,
        uplift.participants.during_rupiah,
    )
    assert rows[2][1:4] == (4, uplift.comparison.before_rupiah, uplift.comparison.during_rupiah)
    assert rows[4][1] == uplift.difference_rupiah
    assert rows[5][1] == round(uplift.percent, 1)
    assert [row[1:] for row in messages_sheet.iter_rows(min_row=2, values_only=True)] == [
        (0, 0, 0, 0),
        (0, 0, 0, 0),
    ]
    names = [row[0] for row in people.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == ["Invited", "P0", "P1", "P2"]
    assert len(results_sheet._charts) == 1 and len(messages_sheet._charts) == 1


def test_the_report_counts_only_the_readers_merchants(client, messages, other_executive):
    client.force_login(other_executive)

    response = client.get(reverse("campaigns:campaign-report-xlsx", args=[messages.pk]))

    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    names = [row[0] for row in book.worksheets[2].iter_rows(min_row=2, values_only=True)]
    assert names == ["Tim B"]
    whatsapp = next(book.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert whatsapp[1:] == (1, 1, 0, 1)


def test_without_pango_the_report_explains_instead_of_failing(
    client, messages, executive, monkeypatch
):
    client.force_login(executive)
    monkeypatch.setitem(sys.modules, "weasyprint", None)

    response = client.get(reverse("campaigns:campaign-report-pdf", args=[messages.pk]))

    assert response.status_code == 503
    assert reverse("campaigns:campaign-report-xlsx", args=[messages.pk]) in (
        response.content.decode()
    )
