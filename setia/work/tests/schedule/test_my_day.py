from datetime import timedelta

import time_machine
from django.urls import reverse

from setia.test import make_customers
from setia.work.tests.factories import at, make_task, make_tasks

URL = reverse("work:my-day")


@time_machine.travel(at(10, 9), tick=False)
def test_it_lists_overdue_today_and_upcoming_tasks(client, executive, customer, intern):
    overdue = make_task(owner=executive, title="Send the invoice", due_at=at(9, 16))
    today = make_task(owner=executive, title="Kickoff call", due_at=at(10, 15), customer=customer)
    upcoming = make_task(owner=executive, title="Review promo", due_at=at(13, 10))
    make_task(owner=executive, title="Far away", due_at=at(25, 10))
    make_task(owner=executive, title="Finished", due_at=at(10, 8), status="done")
    make_task(owner=intern, title="Someone else's", due_at=at(10, 11))
    client.force_login(executive)

    response = client.get(URL)

    assert response.status_code == 200
    assert list(response.context["overdue"]) == [overdue]
    assert response.context["today"] == [today]
    assert response.context["upcoming"] == [upcoming]
    assert "Batik Lestari" in response.text
    assert "Far away" not in response.text


@time_machine.travel(at(10, 9), tick=False)
def test_it_shows_in_app_reminders_whose_time_has_come(client, executive):
    make_task(owner=executive, title="Soon", due_at=at(10, 10), remind_at=at(10, 8))
    make_task(owner=executive, title="Later", due_at=at(10, 17), remind_at=at(10, 16))
    client.force_login(executive)

    response = client.get(URL)

    assert [task.title for task in response.context["reminders"]] == ["Soon"]


def test_it_is_the_landing_page_of_executives_and_interns(client, executive, intern, manager):
    # Managers land on their own home page.
    for user, expected in (
        (executive, URL),
        (intern, URL),
        (manager, reverse("cadence:home")),
    ):
        client.force_login(user)
        assert client.get("/").url == expected


def test_it_keeps_the_customers_list_as_the_viewers_landing_page(client, viewer):
    client.force_login(viewer)
    assert client.get("/").url == reverse("customers:customer-list")


def test_it_needs_a_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_it_refuses_viewers(client, viewer):
    client.force_login(viewer)
    assert client.get(URL).status_code == 403


def test_it_refuses_post(client, executive):
    client.force_login(executive)
    assert client.post(URL).status_code == 405


def test_it_does_not_show_other_teams_tasks(client, executive, other_executive):
    make_task(owner=executive, title="Team A work")
    client.force_login(other_executive)

    response = client.get(URL)

    assert "Team A work" not in response.text


# Session, user, permissions, the counts (the overdue pages' among them), the overdue page,
# today, the next 7 days, reminders, escalations and their count, the calendar feed
MY_DAY_QUERIES = 11


@time_machine.travel(at(10, 9), tick=False)
def test_its_first_page_is_the_same_at_ten_and_at_a_thousand_customers(
    client, executive, team_a, django_assert_num_queries
):
    client.force_login(executive)
    client.get(URL)  # the first request of a session reads what later ones reuse

    def backlog(count):
        customers = make_customers(count, team=team_a, owner=executive)
        # a third overdue, a third today and tomorrow, a third later
        make_tasks(
            owner=executive, customers=customers, due_at=at(10, 9) - timedelta(hours=count // 3)
        )

    backlog(10)
    with django_assert_num_queries(MY_DAY_QUERIES):
        small = client.get(URL)
    backlog(990)
    with django_assert_num_queries(MY_DAY_QUERIES):
        large = client.get(URL)

    assert small.context["counts"]["overdue"] == 3
    assert large.context["counts"]["overdue"] == 333
    assert len(large.context["overdue"]) == len(large.context["upcoming"]) == 20
    assert large.context["counts"]["today"] == 7 + 15
    assert large.text.count('class="task-row') == 3 * 20
    assert "The 20 due first are shown." in large.text


@time_machine.travel(at(10, 9), tick=False)
def test_it_pages_through_overdue_tasks(client, executive, team_a):
    customers = make_customers(45, team=team_a, owner=executive)
    make_tasks(owner=executive, customers=customers, due_at=at(1, 9))
    client.force_login(executive)

    pages = [client.get(URL, {"page": number}).context["overdue"] for number in (1, 2, 3)]

    assert [len(page) for page in pages] == [20, 20, 5]
    assert pages[2][4].customer == customers[44]
