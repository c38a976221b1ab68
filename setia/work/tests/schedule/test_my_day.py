import time_machine
from django.urls import reverse

from setia.work.schedule.models import Task
from setia.work.tests.factories import at, make_task

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
    assert response.context["overdue"] == [overdue]
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
    for user, expected in (
        (executive, URL),
        (intern, URL),
        (manager, reverse("customers:customer-list")),
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


def test_it_reads_a_constant_number_of_queries(
    client, executive, customer, django_assert_max_num_queries
):
    client.force_login(executive)
    client.get(URL)
    for n in range(20):
        make_task(owner=executive, title=f"Task {n}", customer=customer)
    with django_assert_max_num_queries(12):
        response = client.get(URL)
    assert Task.objects.count() == 20
    assert len(response.context["today"]) + len(response.context["upcoming"]) == 20
