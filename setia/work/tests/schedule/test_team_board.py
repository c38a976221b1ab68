from django.urls import reverse

from setia.work.tests.factories import make_task

URL = reverse("work:team-board")


def test_it_shows_each_persons_open_tasks_and_workload(client, executive, intern, customer):
    make_task(owner=executive, title="Kickoff", customer=customer)
    make_task(owner=executive, title="Urgent fix", priority="urgent")
    make_task(owner=intern, title="Upload products")
    make_task(owner=intern, title="Finished", status="done")
    client.force_login(executive)

    response = client.get(URL)

    assert response.status_code == 200
    columns = {column["person"]: column for column in response.context["columns"]}
    assert [task.title for task in columns[executive]["tasks"]] == ["Kickoff", "Urgent fix"]
    assert (columns[executive]["load"], columns[intern]["load"]) == (4, 1)
    assert "Finished" not in response.text


def test_managers_choose_the_team(client, manager, other_executive, team_b):
    make_task(owner=other_executive, title="Team B work")
    client.force_login(manager)
    response = client.get(URL, {"team": team_b.pk})
    assert response.status_code == 200
    assert "Team B work" in response.text
    assert client.get(URL, {"team": "nope"}).status_code == 400
    assert client.get(URL, {"team": "²"}).status_code == 400
    assert client.get(URL, {"team": team_b.pk + 1000}).status_code == 404


def test_an_executive_sees_only_their_team(client, other_executive, executive, team_a):
    make_task(owner=executive, title="Team A work")
    client.force_login(other_executive)
    response = client.get(URL, {"team": team_a.pk})  # ignored: not a manager
    assert "Team A work" not in response.text


def test_it_follows_the_matrix(client, intern, viewer, executive):
    assert client.get(URL).status_code == 302
    for user in (intern, viewer):
        client.force_login(user)
        assert client.get(URL).status_code == 403
    client.force_login(executive)
    assert client.post(URL).status_code == 405


def test_it_reads_a_constant_number_of_queries(
    client, executive, intern, customer, django_assert_max_num_queries
):
    client.force_login(executive)
    client.get(URL)
    for n in range(30):
        make_task(owner=executive if n % 2 else intern, customer=customer, title=f"T{n}")
    with django_assert_max_num_queries(12):
        response = client.get(URL)
    columns = response.context["columns"]
    # Each person's count is whole; their first ten tasks by due date are shown.
    assert [column["count"] for column in columns] == [15, 15]
    assert [len(column["tasks"]) for column in columns] == [10, 10]
    assert "The 10 due first are shown." in response.text
