import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from setia.customers import actions as customer_actions
from setia.engagement.timeline import PAGE_SIZE, detail_rows
from setia.history.actions import record_event
from setia.history.models import TimelineEvent
from setia.test import make_contact, make_store, make_subscription

START = datetime.datetime(2026, 1, 1, 3, 0, tzinfo=datetime.UTC)


def _url(customer) -> str:
    return reverse("engagement:timeline", args=[customer.code])


def _detail_url(customer) -> str:
    return reverse("customers:customer-detail", args=[customer.code])


def _fill(customer, count, *, kind="note", start=0):
    for number in range(start, start + count):
        record_event(
            customer,
            kind,
            summary=f"{kind} {number}",
            occurred_at=START + datetime.timedelta(hours=number),
        )


def _summaries(response) -> list[str]:
    return [event.summary for event in response.context["timeline"].events]


def test_it_shows_the_timeline_on_the_360_page_newest_first(client, executive, customer):
    _fill(customer, 3)
    client.force_login(executive)

    response = client.get(_detail_url(customer))

    assert response.status_code == 200
    assert _summaries(response) == ["note 2", "note 1", "note 0"]
    assert '<section class="card" id="timeline"' in response.text
    assert response.text.index("note 2") < response.text.index("note 0")


def test_it_shows_audit_changes_with_before_and_after(client, executive, manager, customer):
    customer_actions.update_customer(
        customer=customer, actor=manager, data={"city": "Solo"}, expected_version=1
    )
    client.force_login(executive)

    response = client.get(_url(customer), headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response.templates[0].name == "engagement/_timeline.html"
    assert [event.kind for event in response.context["timeline"].events] == ["change"]
    assert (
        '<td class="before">Bandung</td><td aria-hidden="true">→</td><td class="after">Solo</td>'
    ) in response.text
    assert manager.full_name in response.text


def test_it_filters_by_kind(client, executive, customer):
    _fill(customer, 2, kind="note")
    _fill(customer, 2, kind="call", start=2)
    client.force_login(executive)

    response = client.get(_url(customer), {"kind": "call"}, headers={"HX-Request": "true"})

    assert _summaries(response) == ["call 3", "call 2"]
    assert response.context["timeline"].kind == "call"
    assert '<option value="call" selected>' in response.text


def test_it_ignores_an_unknown_kind(client, executive, customer):
    _fill(customer, 2)
    client.force_login(executive)

    response = client.get(_url(customer), {"kind": "nonsense", "page": "x"})

    assert response.status_code == 200
    assert _summaries(response) == ["note 1", "note 0"]


def test_it_pages_older_events_with_htmx(client, executive, customer):
    _fill(customer, PAGE_SIZE + 5)
    client.force_login(executive)

    first = client.get(_detail_url(customer))
    second = client.get(
        _url(customer), {"page": 2, "part": "events"}, headers={"HX-Request": "true"}
    )

    assert len(first.context["timeline"].events) == PAGE_SIZE
    assert first.context["timeline"].has_next is True
    assert f"{_url(customer)}?page=2&amp;part=events" in first.text
    assert second.templates[0].name == "engagement/_timeline_events.html"
    assert _summaries(second) == [f"note {number}" for number in range(4, -1, -1)]
    assert second.context["timeline"].has_next is False
    assert "Older events" not in second.text
    assert "<section" not in second.text


def test_it_keeps_the_kind_when_paging(client, executive, customer):
    _fill(customer, PAGE_SIZE + 1, kind="call")
    _fill(customer, 3, kind="note", start=100)
    client.force_login(executive)

    response = client.get(_url(customer), {"kind": "call"}, headers={"HX-Request": "true"})

    assert f"{_url(customer)}?kind=call&amp;page=2&amp;part=events" in response.text


def test_it_renders_a_full_page_without_htmx(client, viewer, customer):
    _fill(customer, 1)
    client.force_login(viewer)

    response = client.get(_url(customer))

    assert response.status_code == 200
    assert response.templates[0].name == "engagement/timeline.html"
    assert "note 0" in response.text


def test_it_shows_an_empty_state(client, executive, customer):
    client.force_login(executive)

    response = client.get(_url(customer))

    assert "Nothing on the timeline yet." in response.text


def test_it_refuses_post(client, executive, customer):
    client.force_login(executive)

    response = client.post(_url(customer))

    assert response.status_code == 405
    assert not TimelineEvent.objects.exists()


def test_it_redirects_anonymous_visitors_to_log_in(client, customer):
    response = client.get(_url(customer))

    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={_url(customer)}"


def test_it_is_404_for_another_teams_executive(client, other_executive, customer):
    _fill(customer, 1)
    client.force_login(other_executive)

    response = client.get(_url(customer))

    assert response.status_code == 404
    assert "note 0" not in response.text


@pytest.mark.parametrize("persona", ["intern", "viewer", "manager"])
def test_it_lets_every_reader_of_the_customer_see_it(client, request, persona, customer):
    # Reading the timeline needs only the customer: there is no forbidden role (403) here.
    _fill(customer, 1)
    client.force_login(request.getfixturevalue(persona))

    response = client.get(_url(customer))

    assert response.status_code == 200
    assert _summaries(response) == ["note 0"]


def test_it_reads_a_page_in_a_constant_number_of_queries(
    client, executive, customer, django_assert_max_num_queries
):
    client.force_login(executive)
    _fill(customer, 2)
    with CaptureQueriesContext(connection) as few:
        client.get(_url(customer), headers={"HX-Request": "true"})
    _fill(customer, 60, start=2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(_url(customer), headers={"HX-Request": "true"})

    assert len(response.context["timeline"].events) == PAGE_SIZE


def test_the_360_page_stays_within_its_query_budget_with_500_events(
    client, executive, customer, django_assert_max_num_queries
):
    make_subscription(customer)
    make_contact(customer)
    make_store(customer)
    TimelineEvent.objects.bulk_create(
        TimelineEvent(
            customer=customer,
            kind=["call", "note", "whatsapp", "email"][number % 4],
            actor=executive,
            summary=f"event {number}",
            occurred_at=START + datetime.timedelta(hours=number),
        )
        for number in range(500)
    )
    client.force_login(executive)

    with django_assert_max_num_queries(17):
        response = client.get(_detail_url(customer))

    assert _summaries(response)[0] == "event 499"


def test_a_messages_template_is_named_in_the_readers_language():
    event = TimelineEvent(
        kind="email",
        data={"template": "Monthly check-in", "template_name_id": "Sapaan bulanan"},
    )
    with translation.override("id"):
        assert (str(_("Template")), "Sapaan bulanan") in detail_rows(event)
    with translation.override("en"):
        assert ("Template", "Monthly check-in") in detail_rows(event)
