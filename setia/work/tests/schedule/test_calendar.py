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
