import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from setia.engagement.models import Interaction, Theme
from setia.history.models import TimelineEvent
from setia.test import make_contact, make_customer

JAKARTA = datetime.timezone(datetime.timedelta(hours=7))


def _url(customer) -> str:
    return reverse("customers:interaction-log", args=[customer.code])


HTMX = {"HX-Request": "true"}


def test_it_logs_a_call_in_two_clicks_from_the_360_page(client, executive, customer):
    client.force_login(executive)
    page = client.get(reverse("customers:customer-detail", args=[customer.code]))
    assert f'hx-get="{_url(customer)}?kind=call&amp;place=card"' in page.text

    # click 1: the form, with the defaults of a quick call
    form = client.get(_url(customer), {"kind": "call", "place": "card"}, headers=HTMX)
    assert form.status_code == 200
    assert form.templates[0].name == "engagement/_log_form.html"
    assert form.context["form"].initial["kind"] == "call"
    # click 2: "No answer", save (an attempt needs no summary)
    response = client.post(
        _url(customer),
        {
            "place": "card",
            "log-kind": "call",
            "log-direction": "outbound",
            "log-outcome": "no_answer",
        },
        headers=HTMX,
    )

    assert response.status_code == 200
    assert response["HX-Trigger"] == "timelineChanged"
    assert "Call with Batik Lestari logged." in response.text
    interaction = Interaction.objects.get()
    assert (interaction.customer, interaction.kind, interaction.recorded_by) == (
        customer,
        "call",
        executive,
    )
    assert (interaction.direction, interaction.outcome) == ("outbound", "no_answer")
    event = TimelineEvent.objects.get()
    assert (event.kind, event.actor, event.source_id) == ("call", executive, str(interaction.pk))


@time_machine.travel(datetime.datetime(2026, 11, 2, 10, 0, tzinfo=JAKARTA), tick=False)
def test_it_logs_a_meeting_with_notes_decisions_action_items_and_themes(
    client, executive, customer
):
    contact = make_contact(customer, name="Sari Wijaya")
    Theme.objects.create(name="Pembayaran", slug="pembayaran")
    client.force_login(executive)

    response = client.post(
        _url(customer),
        {
            "log-kind": "meeting",
            "log-contact": contact.pk,
            "log-direction": "outbound",
            "log-outcome": "follow_up",
            "log-summary": "Quarterly review",
            "log-follow_up_on": "17/11/2026",
            "log-themes": "pembayaran, Store v2,  store V2 ",
            "log-notes": "Sales fell in October.",
            "log-decisions": "Try free shipping in December.",
            "log-action_items": "- Send the promo template\n\n- Check the payment page",
        },
    )

    assert response.status_code == 302
    assert response.url == customer.get_absolute_url()
    interaction = Interaction.objects.get()
    assert interaction.contact == contact
    assert interaction.follow_up_on == datetime.date(2026, 11, 17)
    assert sorted(theme.name for theme in interaction.themes.all()) == ["Pembayaran", "Store v2"]
    assert Theme.objects.count() == 2
    assert interaction.action_item_list() == ["Send the promo template", "Check the payment page"]
    event = TimelineEvent.objects.get(kind="meeting")
    assert event.summary == "Quarterly review"
    assert event.data == {
        "contact": "Sari Wijaya",
        "direction": "outbound",
        "outcome": "follow_up",
        "follow_up_on": "2026-11-17",
        "themes": ["Pembayaran", "Store v2"],
        "area": "",
        "release": "",
        "notes": "Sales fell in October.",
        "decisions": "Try free shipping in December.",
        "action_items": ["Send the promo template", "Check the payment page"],
    }
    assert event.occurred_at == datetime.datetime(2026, 11, 2, 3, 0, tzinfo=datetime.UTC)

    page = client.get(reverse("engagement:timeline", args=[customer.code]))
    assert "<dt>Contact</dt><dd>Sari Wijaya</dd>" in page.text
    assert "<dt>Outcome</dt><dd>Follow-up needed</dd>" in page.text
    assert "<dt>Follow up on</dt><dd>17 November 2026</dd>" in page.text
    assert "<li>Check the payment page</li>" in page.text


def test_interns_log_interactions(client, intern, customer):
    client.force_login(intern)

    response = client.post(_url(customer), {"log-kind": "note", "log-summary": "Asked about v2"})

    assert response.status_code == 302
    assert Interaction.objects.get().recorded_by == intern


def test_it_logs_from_a_row_of_the_list(client, intern, customer):
    client.force_login(intern)
    listing = client.get(reverse("customers:customer-list"))
    assert f'hx-get="{_url(customer)}?kind=whatsapp&amp;place=row"' in listing.text

    form = client.get(_url(customer), {"kind": "whatsapp", "place": "row"}, headers=HTMX)
    response = client.post(
        _url(customer),
        {"place": "row", "log-kind": "whatsapp", "log-summary": "Sent the invoice"},
        headers=HTMX,
    )

    assert form.templates[0].name == "engagement/_log_form_row.html"
    assert form.text.startswith('<tr class="log-row"><td colspan="8">')
    assert 'hx-target="closest tr" hx-swap="outerHTML"' in form.text
    assert response.status_code == 200
    assert response.text.startswith('<tr class="log-row">')
    assert "WhatsApp with Batik Lestari logged." in response.text
    assert Interaction.objects.get().summary == "Sent the invoice"


def test_it_shows_an_ordinary_page_without_htmx(client, executive, customer):
    client.force_login(executive)

    response = client.get(_url(customer), {"kind": "note"})

    assert response.status_code == 200
    assert response.templates[0].name == "engagement/log_form.html"


def test_it_rerenders_an_invalid_form_with_422_and_logs_nothing(client, executive, customer):
    client.force_login(executive)

    response = client.post(
        _url(customer),
        {"place": "card", "log-kind": "note", "log-follow_up_on": "31/02/2026"},
        headers=HTMX,
    )

    assert response.status_code == 422  # htmx swaps it in place
    assert response.context["form"].errors == {
        "follow_up_on": ["Enter a date such as 17/08/2024 or 17 Agustus 2024."],
        "summary": ["Write the note."],
    }
    assert not Interaction.objects.exists()
    assert not TimelineEvent.objects.exists()


def test_it_refuses_another_customers_contact(client, executive, customer, team_a):
    other = make_contact(make_customer(team=team_a))
    client.force_login(executive)

    response = client.post(_url(customer), {"log-kind": "call", "log-contact": other.pk})

    assert response.status_code == 400
    assert "contact" in response.context["form"].errors
    assert not Interaction.objects.exists()


def test_it_refuses_a_viewer_and_changes_nothing(client, viewer, customer):
    client.force_login(viewer)

    get = client.get(_url(customer))
    post = client.post(_url(customer), {"log-kind": "note", "log-summary": "x"})

    assert (get.status_code, post.status_code) == (403, 403)
    assert not Interaction.objects.exists()
    assert not TimelineEvent.objects.exists()


def test_viewers_get_no_log_links(client, viewer, customer):
    client.force_login(viewer)

    detail = client.get(reverse("customers:customer-detail", args=[customer.code]))
    listing = client.get(reverse("customers:customer-list"))

    assert _url(customer) not in detail.text
    assert _url(customer) not in listing.text
    assert 'id="timeline"' in detail.text


def test_it_is_404_for_another_teams_executive(client, other_executive, customer):
    client.force_login(other_executive)

    response = client.post(_url(customer), {"log-kind": "note", "log-summary": "x"})

    assert response.status_code == 404
    assert not Interaction.objects.exists()


def test_it_redirects_anonymous_visitors_to_log_in(client, customer):
    response = client.post(_url(customer), {"log-kind": "note", "log-summary": "x"})

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert not Interaction.objects.exists()


@pytest.mark.parametrize("method", ["put", "delete"])
def test_it_refuses_other_methods(client, executive, customer, method):
    client.force_login(executive)

    response = getattr(client, method)(_url(customer))

    assert response.status_code == 405
    assert not Interaction.objects.exists()


def test_the_list_keeps_its_query_count_with_log_links(
    client, intern, team_a, django_assert_max_num_queries
):
    make_customer(team=team_a)
    client.force_login(intern)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("customers:customer-list"))
    for _number in range(30):
        make_customer(team=team_a)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("customers:customer-list"))

    assert response.text.count('place=row"') == 93


def test_the_form_starts_with_the_primary_contact_except_for_notes(client, executive, customer):
    make_contact(customer, name="Budi")
    sari = make_contact(customer, name="Sari", is_primary=True)
    client.force_login(executive)

    call = client.get(_url(customer), {"kind": "call"}, headers=HTMX)
    note = client.get(_url(customer), {"kind": "note"}, headers=HTMX)

    assert call.context["form"].initial["contact"] == sari.pk
    assert "contact" not in note.context["form"].initial


@pytest.mark.parametrize("kind", ["call", "whatsapp", "email", "meeting", "website_issue"])
def test_it_refuses_a_log_with_nothing_written(client, executive, customer, kind):
    client.force_login(executive)

    response = client.post(
        _url(customer),
        {"place": "card", "log-kind": kind, "log-outcome": "reached", "log-summary": "  "},
        headers=HTMX,
    )

    assert response.status_code == 422
    assert response.context["form"].errors == {"summary": ["Write what it was about."]}
    assert not Interaction.objects.exists()


def test_it_refuses_notes_of_320000_characters(client, executive, customer):
    client.force_login(executive)

    response = client.post(
        _url(customer),
        {"place": "card", "log-kind": "meeting", "log-notes": "x" * 320_000},
        headers=HTMX,
    )

    assert response.status_code == 422
    assert "at most 10000 characters" in response.context["form"].errors["notes"][0]
    assert not Interaction.objects.exists()
