import time_machine
from django.urls import reverse

from setia.work.tests.factories import at, make_task

URL = reverse("work:calendar")


@time_machine.travel(at(10, 9), tick=False)
def test_it_shows_the_month_with_tasks_on_their_days(client, executive, intern):
    make_task(owner=executive, title="Kickoff", due_at=at(12, 10))
    make_task(owner=executive, title="December review", due_at=at(3, 10, month=12))
    make_task(owner=intern, title="Not mine", due_at=at(12, 11))
    client.force_login(executive)

    response = client.get(URL)

    assert response.status_code == 200
    cells = {
        cell["day"].day: cell
        for week in response.context["weeks"]
        for cell in week
        if cell["in_month"]
    }
    assert [task.title for task in cells[12]["tasks"]] == ["Kickoff"]
    assert cells[10]["is_today"]
    assert "December review" not in response.text
    assert "Not mine" not in response.text
    assert response.context["weeks"][0][0]["day"].weekday() == 0  # Monday first
    december = client.get(URL, {"month": "2026-12"})
    assert "December review" in december.text
    assert client.get(URL, {"month": "bad"}).status_code == 400


def test_it_follows_the_matrix(client, viewer, executive):
    assert client.get(URL).status_code == 302
    client.force_login(viewer)
    assert client.get(URL).status_code == 403
    client.force_login(executive)
    assert client.post(URL).status_code == 405


@time_machine.travel(at(10, 9), tick=False)
def test_a_busy_day_shows_a_few_tasks_and_links_to_the_rest(
    client, executive, django_assert_max_num_queries
):
    for hour in range(8, 20):
        make_task(owner=executive, title=f"Call {hour:02d}", due_at=at(12, hour))
    make_task(owner=executive, title="Quiet day", due_at=at(13, 10))
    client.force_login(executive)

    with django_assert_max_num_queries(12):
        response = client.get(URL)

    cells = {c["day"].day: c for week in response.context["weeks"] for c in week if c["in_month"]}
    assert [task.title for task in cells[12]["tasks"]] == ["Call 08", "Call 09", "Call 10"]
    assert cells[12]["more"] == 9
    assert cells[13]["more"] == 0
    assert "Call 11" not in response.text
    assert "+9" in response.text
    link = f'href="?day={cells[12]["day"]:%Y-%m-%d}#day-tasks"'
    assert link in response.text
    assert response.text.count("calendar-more") == 1

    day = client.get(URL, {"day": f"{cells[12]['day']:%Y-%m-%d}"})

    assert day.status_code == 200
    assert [task.title for task in day.context["day_tasks"]] == [
        f"Call {hour:02d}" for hour in range(8, 20)
    ]
    assert 'id="day-tasks"' in day.text
    assert "Call 19" in day.text
    assert "Quiet day" in day.text  # the grid still shows the month around the day
    assert client.get(URL, {"day": "12-11-2026"}).status_code == 400
