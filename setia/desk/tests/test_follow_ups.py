"""The follow-up of a logged interaction becomes tasks, linked back to the interaction."""

import datetime

import icalendar
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from setia.api.tests.helpers import token_client
from setia.engagement.models import Interaction
from setia.test import make_customer
from setia.work.schedule.actions import create_follow_up_tasks
from setia.work.schedule.models import Task

JAKARTA = datetime.timezone(datetime.timedelta(hours=7))
NOW = datetime.datetime(2026, 11, 2, 10, 0, tzinfo=JAKARTA)


def _log(client, customer, **fields):
    data = {
        "log-kind": "call",
        "log-direction": "outbound",
        "log-outcome": "follow_up",
        "log-summary": "Payment page questions",
        **{f"log-{name}": value for name, value in fields.items()},
    }
    return client.post(reverse("customers:interaction-log", args=[customer.code]), data)


@time_machine.travel(NOW, tick=False)
def test_a_call_with_a_follow_up_date_and_action_items_makes_tasks(client, executive, customer):
    executive.language = "en"
    executive.save(update_fields=["language"])
    client.force_login(executive)

    response = _log(
        client,
        customer,
        follow_up_on="09/11/2026",
        action_items="Send the promo template\n- Check the payment page\nSend the promo template",
    )

    assert response.status_code == 302
    interaction = Interaction.objects.get()
    tasks = list(Task.objects.order_by("title"))
    # one task per distinct action item, for the person who logged it, due 17:00 Jakarta
    assert [task.title for task in tasks] == ["Check the payment page", "Send the promo template"]
    due = datetime.datetime(2026, 11, 9, 17, 0, tzinfo=JAKARTA)
    for task in tasks:
        assert (task.owner, task.customer, task.due_at, task.interaction) == (
            executive,
            customer,
            due,
            interaction,
        )
    # on My day (in the week ahead) and in the calendar feed, like any task
    client.post(reverse("work:feed-enable"))
    my_day = client.get(reverse("work:my-day"))
    feed = client.get(my_day.context["feed_url"].removeprefix("http://testserver"))
    summaries = {
        str(e["summary"]) for e in icalendar.Calendar.from_ical(feed.content).walk("VEVENT")
    }
    assert summaries == {
        "Check the payment page · Batik Lestari",
        "Send the promo template · Batik Lestari",
    }
    # the task links back to the call on the customer's timeline
    detail = client.get(reverse("work:task-detail", args=[tasks[0].code]))
    timeline_url = reverse("engagement:timeline", args=[customer.code])
    assert f'href="{timeline_url}?kind=call#interaction-{interaction.pk}"' in detail.text
    assert "the call of" in detail.text
    # and the call on the timeline shows its follow-up tasks and their state
    timeline = client.get(timeline_url)
    assert f'id="interaction-{interaction.pk}"' in timeline.text
    assert "Follow-up tasks" in timeline.text
    assert reverse("work:task-detail", args=[tasks[0].code]) in timeline.text


@time_machine.travel(NOW, tick=False)
def test_without_action_items_one_task_follows_up_in_indonesian(
    client, executive, customer, settings
):
    # the task's title is stored in the site's language, like the other tasks Setia makes
    settings.LANGUAGE_CODE = "id"
    executive.language = "id"
    executive.save(update_fields=["language"])
    client.force_login(executive)

    response = _log(client, customer, follow_up_on="10/11/2026")

    assert response.status_code == 302
    task = Task.objects.get()
    assert task.title == "Tindak lanjut: Payment page questions"
    page = client.get(reverse("work:task-detail", args=[task.code]))
    assert "Tindak lanjut dari" in page.text


def test_no_follow_up_date_makes_no_task(client, executive, customer):
    client.force_login(executive)

    _log(client, customer, action_items="Send the promo template")

    assert Interaction.objects.count() == 1
    assert not Task.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_making_the_follow_up_twice_never_duplicates(client, executive, customer):
    client.force_login(executive)
    _log(client, customer, follow_up_on="09/11/2026", action_items="Call back")
    interaction = Interaction.objects.get()

    again = create_follow_up_tasks(interaction=interaction, actor=executive)

    assert again == []
    assert Task.objects.count() == 1


def test_a_customer_the_user_may_not_see_gets_no_task(client, executive, team_b):
    other = make_customer(team=team_b, name="Toko Lain")
    client.force_login(executive)

    response = _log(client, other, follow_up_on="09/11/2026", action_items="Call back")

    assert response.status_code == 404
    assert not Interaction.objects.exists()
    assert not Task.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_the_logging_requests_queries(client, executive, customer):
    client.force_login(executive)
    # warm the session and the per-request caches
    _log(client, customer)

    with CaptureQueriesContext(connection) as plain:
        _log(client, customer)
    with CaptureQueriesContext(connection) as with_follow_up:
        _log(client, customer, follow_up_on="09/11/2026", action_items="Call back")

    # without a follow-up date: no task query; 12 queries, the 10 of logging alone and the
    # savepoint of the logging action inside the request's one transaction
    assert not any("work_task" in query["sql"] for query in plain.captured_queries)
    assert len(plain.captured_queries) == 12
    # with one follow-up task, 7 more: the duplicate check, then `create_task`'s own (the
    # savepoints, the owner's team, the insert and its timeline event)
    assert len(with_follow_up.captured_queries) == 19


@time_machine.travel(NOW, tick=False)
def test_the_api_makes_the_same_follow_up_tasks(executive, customer):
    client = token_client(executive)
    url = f"/api/v1/customers/{customer.code}/interactions/"
    call = {"kind": "call", "summary": "Tagihan", "follow_up_on": "2026-11-09"}

    response = client.post(url, {**call, "action_items": "Call back"}, format="json")

    assert response.status_code == 201
    task = Task.objects.get()
    assert (task.title, task.owner, task.interaction) == (
        "Call back",
        executive,
        Interaction.objects.get(),
    )
