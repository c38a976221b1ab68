"""The minutes of a meeting as a PDF, read back with pypdf; a 503 page without Pango."""

import datetime
import io
import sys

from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from setia.partners import actions
from setia.partners.models import Meeting
from setia.partners.tests.factories import make_partner


def _meeting(executive, intern) -> Meeting:
    meeting = Meeting(
        partner=make_partner(),
        title="Aturan pengiriman JNE",
        held_at=timezone.now(),
        minutes="JNE menjelaskan aturan barang cair.\nRetur kini lewat pickup.",
        decisions="Pakai SOP retur baru\nFAQ ongkir diperbarui",
        guests="Rina (JNE)",
    )
    return actions.record_meeting(
        meeting=meeting,
        attendees=[executive],
        action_items=[
            actions.NewActionItem("Kirim SOP retur ke merchant", intern, datetime.date(2026, 12, 9))
        ],
        actor=executive,
    )


def test_the_minutes_download_as_a_pdf(client, executive, intern):
    meeting = _meeting(executive, intern)
    client.force_login(intern)

    response = client.get(reverse("partners:meeting-pdf", args=[meeting.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "minutes-" in response["Content-Disposition"]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    for expected in (
        "Aturan pengiriman JNE",
        "Retur kini lewat pickup.",
        "Pakai SOP retur baru",
        "Rina (JNE)",
        executive.full_name,
        "Kirim SOP retur ke merchant",
        intern.full_name,
    ):
        assert expected in text, expected


def test_the_minutes_pdf_follows_the_meeting_pages_rules(client, executive, intern):
    meeting = _meeting(executive, intern)
    url = reverse("partners:meeting-pdf", args=[meeting.pk])

    assert client.get(url).status_code == 302
    client.force_login(intern)
    assert client.get(reverse("partners:meeting-pdf", args=[meeting.pk + 1])).status_code == 404
    assert client.post(url).status_code == 405


def test_without_pango_the_minutes_pdf_explains_instead_of_failing(
    client, executive, intern, monkeypatch
):
    meeting = _meeting(executive, intern)
    client.force_login(executive)
    monkeypatch.setitem(sys.modules, "weasyprint", None)

    response = client.get(reverse("partners:meeting-pdf", args=[meeting.pk]))

    assert response.status_code == 503
    assert "libpango-1.0-0" in response.text
    assert meeting.get_absolute_url() in response.text
