import functools
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError
from django.http import QueryDict
from django.urls import reverse

from setia.customers.models import Customer
from setia.engagement import tasks
from setia.engagement.bulk import BulkError, plan_bulk_send, start_bulk_send
from setia.engagement.models import BulkSend, Message
from setia.engagement.tests.bulk_fixtures import URL, confirm
from setia.engagement.tests.factories import make_template
from setia.history.models import TimelineEvent
from setia.lib.dates import now
from setia.test import make_contact, make_customer


def test_it_previews_and_counts_the_filtered_list(client, executive, bandung, newsletter):
    client.force_login(executive)

    response = client.get(
        URL, {"city": "Bandung", "template": newsletter.code, "promo": "Gratis ongkir"}
    )

    assert response.status_code == 200
    plan = response.context["plan"]
    assert (plan.customers, len(plan.recipients)) == (4, 3)
    assert response.context["skipped"] == [
        ("no primary contact with an address for this channel", 1)
    ]
    assert "3 of 4 customers will receive this message." in response.text
    assert "Halo Ibu A, Gratis ongkir" in response.text
    assert not Message.objects.exists()


def test_a_missing_variable_skips_the_customer_with_the_reason(
    client, executive, bandung, newsletter
):
    client.force_login(executive)

    response = client.get(URL, {"city": "Bandung", "template": newsletter.code})

    assert len(response.context["plan"].recipients) == 0
    assert response.context["skipped"] == [
        ("no value for {promo}", 3),
        ("no primary contact with an address for this channel", 1),
    ]


def test_confirming_queues_spaced_messages_and_sends_the_first(
    client, executive, bandung, newsletter, settings, django_capture_on_commit_callbacks
):
    settings.BULK_SEND_PER_MINUTE = 2
    client.force_login(executive)
    started = now()

    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(client, newsletter)

    bulk = BulkSend.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("engagement:bulk-detail", args=[bulk.code])
    assert (bulk.total, bulk.skipped) == (3, {"no_address": 1})
    messages = list(Message.objects.order_by("pk"))  # inserted in the list's order
    assert [m.recipient for m in messages] == ["a@toko.test", "b@toko.test", "c@toko.test"]
    assert [m.status for m in messages] == ["sent", "queued", "queued"]
    # the rate limit: two a minute
    assert messages[0].next_attempt_at is None  # sent
    assert messages[1].next_attempt_at - started >= timedelta(seconds=30)
    assert messages[2].next_attempt_at - messages[1].next_attempt_at == timedelta(seconds=30)
    assert [m.to for m in mail.outbox] == [["a@toko.test"]]
    assert TimelineEvent.objects.filter(kind="email").count() == 3
    assert bulk.progress() == {
        "sent": 1,
        "failed": 0,
        "waiting": 2,
        "finished": False,
        "percent": 33,
    }

    Message.objects.update(next_attempt_at=now())
    tasks.send_due_messages()
    # Bunched up, they still go at the channel's rate: one more this minute...
    assert len(mail.outbox) == 2
    with time_machine.travel(now() + timedelta(minutes=1)):
        tasks.send_due_messages()

    assert bulk.progress()["finished"] is True
    assert len(mail.outbox) == 3


def test_the_progress_page_reports_sent_and_failed(client, executive, bandung, newsletter):
    client.force_login(executive)
    confirm(client, newsletter)
    bulk = BulkSend.objects.get()
    Message.objects.filter(recipient="b@toko.test").update(
        status="failed", failure_reason="550 5.1.1 No such user"
    )
    Message.objects.filter(recipient__in=["a@toko.test", "c@toko.test"]).update(status="sent")

    response = client.get(reverse("engagement:bulk-detail", args=[bulk.code]))

    assert response.context["progress"]["finished"] is True
    assert '<dd id="bulk-sent">2</dd>' in response.text
    assert '<dd id="bulk-failed">1</dd>' in response.text
    assert "550 5.1.1 No such user" in response.text
    partial = client.get(
        reverse("engagement:bulk-detail", args=[bulk.code]), headers={"HX-Request": "true"}
    )
    assert partial.templates[0].name == "engagement/_bulk_progress.html"


def test_it_needs_the_confirmation(client, executive, bandung, newsletter):
    client.force_login(executive)

    response = client.post(
        URL, {"template": newsletter.code, "promo": "x", "query": "city=Bandung", "expected": 3}
    )

    assert response.status_code == 400
    assert not Message.objects.exists()


def test_a_list_that_changed_since_the_preview_is_not_sent(client, executive, bandung, newsletter):
    client.force_login(executive)

    response = confirm(client, newsletter, expected=2)

    assert response.status_code == 409
    assert "The list changed since the preview" in response.text
    assert not Message.objects.exists()


def test_it_reaches_only_the_users_customers(client, other_executive, bandung, newsletter, team_b):
    mine = make_customer(team=team_b, owner=other_executive, city="Bandung")
    make_contact(mine, email="mine@toko.test", is_primary=True)
    client.force_login(other_executive)

    response = client.get(URL, {"city": "Bandung", "template": newsletter.code, "promo": "x"})

    assert [r.address for r in response.context["plan"].recipients] == ["mine@toko.test"]


def _offered(response) -> list[str]:
    return [template.name for template in response.context["form"].fields["template"].queryset]


def test_it_offers_no_whatsapp_template_while_whatsapp_is_not_set_up(
    client, executive, bandung, newsletter, settings
):
    settings.WHATSAPP_ACCESS_TOKEN, settings.WHATSAPP_PHONE_NUMBER_ID = "", ""
    chat = make_template(name="Sapa WA", whatsapp_template_name="sapa_wa")
    client.force_login(executive)

    response = client.get(URL, {"city": "Bandung"})

    assert _offered(response) == ["Kabar"]
    assert "Sapa WA" not in response.text
    assert "once the WhatsApp Business API is set up" in response.text
    # Chosen anyway (an old link): refused at once as not a choice, with no preview.
    response = client.get(URL, {"city": "Bandung", "template": chat.code})
    assert response.context["plan"] is None
    assert "Select a valid choice" in response.text


def test_it_offers_approved_whatsapp_templates_once_whatsapp_is_set_up(
    client, executive, bandung, newsletter, settings
):
    settings.WHATSAPP_ACCESS_TOKEN, settings.WHATSAPP_PHONE_NUMBER_ID = "t", "1"
    make_template(name="Sapa WA", whatsapp_template_name="sapa_wa")
    make_template(name="Obrolan bebas")  # no approved template: cannot reach most customers
    client.force_login(executive)

    response = client.get(URL, {"city": "Bandung"})

    assert _offered(response) == ["Kabar", "Sapa WA"]
    assert "Obrolan bebas" not in response.text
    assert "once the WhatsApp Business API is set up" not in response.text


def test_bulk_whatsapp_needs_an_approved_template(executive, bandung, settings):
    settings.WHATSAPP_ACCESS_TOKEN, settings.WHATSAPP_PHONE_NUMBER_ID = "t", "1"
    plain = make_template(body="Halo {contact}")

    with pytest.raises(BulkError, match="approved WhatsApp template"):
        plan_bulk_send(Customer.objects.filter(city="Bandung"), template=plain)


def test_it_refuses_a_list_above_the_limit(client, executive, bandung, newsletter, settings):
    settings.BULK_SEND_LIMIT = 2
    client.force_login(executive)

    response = client.get(URL, {"city": "Bandung", "template": newsletter.code, "promo": "x"})

    assert response.status_code == 400
    assert "4 customers is more than 2; narrow the filters." in response.text


@pytest.mark.parametrize("persona", ["intern", "viewer"])
def test_interns_and_viewers_cannot_bulk_send(client, request, persona, bandung, newsletter):
    client.force_login(request.getfixturevalue(persona))

    responses = [
        client.get(URL, {"city": "Bandung", "template": newsletter.code, "promo": "x"}),
        confirm(client, newsletter),
    ]

    assert [response.status_code for response in responses] == [403, 403]
    assert not Message.objects.exists()
    assert not BulkSend.objects.exists()


def test_the_list_offers_bulk_send_only_to_those_who_may(client, executive, intern, bandung):
    client.force_login(executive)
    assert (
        f'href="{URL}?city=Bandung"'
        in client.get(reverse("customers:customer-list"), {"city": "Bandung"}).text
    )
    client.force_login(intern)
    assert URL not in client.get(reverse("customers:customer-list")).text


def test_another_users_bulk_send_is_404(client, executive, other_executive, bandung, newsletter):
    client.force_login(executive)
    confirm(client, newsletter)
    bulk = BulkSend.objects.get()
    client.force_login(other_executive)

    assert client.get(reverse("engagement:bulk-detail", args=[bulk.code])).status_code == 404


def test_it_redirects_anonymous_visitors_and_refuses_put(client, executive):
    assert client.get(URL).url.startswith(reverse("accounts:login"))
    client.force_login(executive)
    assert client.put(URL).status_code == 405


@pytest.mark.parametrize("search", ["b" * 101, "batik\x00"])
def test_it_refuses_a_search_the_list_refuses_instead_of_sending_to_everyone(
    client, executive, bandung, newsletter, search
):
    client.force_login(executive)
    query = f"city=Bandung&q={search}"

    preview = client.get(URL, {"city": "Bandung", "q": search, "template": newsletter.code})
    confirmed = confirm(client, newsletter, query=QueryDict(query).urlencode())

    assert (preview.status_code, confirmed.status_code) == (400, 400)
    assert "A search " in confirmed.text
    assert not BulkSend.objects.exists()
    assert not Message.objects.exists()


def test_the_preview_carries_a_new_confirmation_key(client, executive, bandung, newsletter):
    client.force_login(executive)

    keys = [
        client.get(URL, {"city": "Bandung", "template": newsletter.code})
        .context["confirm_form"]
        .initial["confirmation"]
        for _ in range(2)
    ]

    assert keys[0] != keys[1]


def test_a_confirmation_posted_twice_queues_the_messages_once(
    client, executive, bandung, newsletter
):
    client.force_login(executive)

    first = confirm(client, newsletter)
    again = confirm(client, newsletter)

    bulk = BulkSend.objects.get()
    detail = reverse("engagement:bulk-detail", args=[bulk.code])
    assert (first.status_code, first.url) == (302, detail)
    assert (again.status_code, again.url) == (302, detail)
    assert str(bulk.confirmation) == "6f1c2a3e-0d4b-4c1a-9e55-2b7f0c9d8a11"
    assert Message.objects.count() == 3
    assert TimelineEvent.objects.filter(kind="email").count() == 3
    assert [str(m) for m in client.get(detail).context["messages"]] == [
        "3 messages queued.",
        "This bulk send was already confirmed; nothing was queued again.",
    ]


def test_a_new_preview_confirmed_sends_again(client, executive, bandung, newsletter):
    client.force_login(executive)

    confirm(client, newsletter)
    confirm(client, newsletter, confirmation="0b9e6a52-6a43-4f7e-8f0d-3c1b2a4d5e6f")

    assert BulkSend.objects.count() == 2
    assert Message.objects.count() == 6


def test_it_needs_a_confirmation_key(client, executive, bandung, newsletter):
    client.force_login(executive)

    response = confirm(client, newsletter, confirmation="")

    assert response.status_code == 400
    assert not BulkSend.objects.exists()


def test_starting_twice_with_one_key_is_refused_by_the_database(executive, bandung, newsletter):
    # Two posts of one confirmation at the same moment both pass the view's look-up; the unique
    # key stops the second, and its messages roll back with it.
    key = uuid.uuid4()
    customers = Customer.objects.filter(pk__in=[customer.pk for customer in bandung])
    start = functools.partial(
        start_bulk_send,
        actor=executive,
        customers=customers,
        template=newsletter,
        promo="Gratis ongkir",
        query="city=Bandung",
        confirmation=key,
    )
    start()

    with pytest.raises(IntegrityError):
        start()

    assert BulkSend.objects.get().confirmation == key
    assert Message.objects.count() == 3


def _most_in_a_minute(moments) -> int:
    moments = sorted(moments)
    return max(
        sum(1 for other in moments if moment <= other < moment + timedelta(minutes=1))
        for moment in moments
    )


def test_two_bulk_sends_queued_together_never_exceed_the_channels_rate(
    settings, executive, team_a, newsletter, django_capture_on_commit_callbacks
):
    settings.BULK_SEND_PER_MINUTE = 100
    settings.BULK_EMAIL_PER_MINUTE = 4
    settings.BULK_WHATSAPP_PER_MINUTE = 50
    for n in range(10):
        customer = make_customer(team=team_a, owner=executive, name=f"Toko {n}", city="Medan")
        make_contact(customer, name=f"Ibu {n}", email=f"toko{n}@medan.test", is_primary=True)
    customers = Customer.objects.filter(city="Medan")
    second = make_template(name="Promo", channel="email", subject="Promo", body="Halo {contact}")
    start = now()

    with time_machine.travel(start, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            for template in (newsletter, second):
                start_bulk_send(
                    actor=executive,
                    customers=customers,
                    template=template,
                    promo="Diskon",
                    query="",
                )
        slots = list(
            Message.objects.filter(status="queued").values_list("next_attempt_at", flat=True)
        )
        sent_now = len(mail.outbox)
    # Twenty messages, four a minute across both sends: the first went at once, the other
    # nineteen are spaced a quarter of a minute apart, the second send's after the first's.
    assert sent_now == 1
    assert len(slots) == 19
    assert _most_in_a_minute(slots) == 4
    assert max(slots) - start == timedelta(seconds=15 * 19)

    # A sweep every minute, even one that comes late, keeps to the rate.
    sent_at = []
    for minute in range(2, 9):
        with time_machine.travel(start + timedelta(minutes=minute), tick=False):
            before = len(mail.outbox)
            tasks.send_due_messages()
            tasks.send_due_messages()  # a second sweep in the same minute sends nothing more
            sent_at += [now()] * (len(mail.outbox) - before)
            assert len(mail.outbox) - before <= 4
    assert len(mail.outbox) == 20
    assert Message.objects.filter(sent_at__isnull=False).count() == 20
    assert _most_in_a_minute(Message.objects.values_list("sent_at", flat=True)) <= 4


def test_the_progress_page_says_when_no_job_runner_sends_the_waiting_messages(
    client, executive, bandung, newsletter
):
    from setia.jobs.actions import seen

    client.force_login(executive)
    confirm(client, newsletter)  # its job is queued: no runner in this test
    bulk = BulkSend.objects.get()
    url = reverse("engagement:bulk-detail", args=[bulk.code])

    waiting = client.get(url)

    assert waiting.status_code == 200
    assert 'id="runner-missing"' in waiting.text
    assert f'id="job-{bulk.job_id}"' in waiting.text  # its job, queued, with a cancel button
    assert reverse("jobs:job-cancel", args=[bulk.job_id]) in waiting.text
    seen("run_jobs")
    assert 'id="runner-missing"' not in client.get(url).text
