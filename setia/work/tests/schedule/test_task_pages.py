import time_machine
from django.urls import reverse

from setia.history.models import TimelineEvent
from setia.work.schedule.models import ChecklistItem, Task
from setia.work.tests.factories import at, make_task

CREATE = reverse("work:task-create")


def _form(**values):
    data = {
        "title": "Kickoff call",
        "due_at": "2026-11-12T10:00",
        "priority": "high",
        "recurrence": "",
        "notes": "",
        "checklist": "Send the agenda\n- Book the room\n\n",
    }
    data.update(values)
    return data


@time_machine.travel(at(10, 9), tick=False)
def test_it_creates_a_task_for_a_customer_with_a_checklist(client, executive, customer):
    client.force_login(executive)
    page = client.get(CREATE, {"customer": customer.code})
    assert page.status_code == 200
    assert "Batik Lestari" in page.text

    response = client.post(CREATE, _form(customer=customer.code, owner=executive.pk))

    task = Task.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("work:task-detail", args=[task.code])
    assert (task.owner, task.customer, task.team, task.priority) == (
        executive,
        customer,
        executive.team,
        "high",
    )
    assert task.due_at == at(12, 10)
    assert task.remind_at == at(12, 9)  # WORK_REMINDER_MINUTES = 60
    assert list(task.checklist.values_list("text", flat=True)) == [
        "Send the agenda",
        "Book the room",
    ]
    event = TimelineEvent.objects.get()
    assert (event.customer, event.kind, event.actor, event.source_id) == (
        customer,
        "task",
        executive,
        str(task.pk),
    )
    assert event.data["task_action"] == "created"
    assert event.data["title"] == "Kickoff call"


def test_it_lets_an_intern_give_tasks_only_to_themselves(client, intern, executive):
    client.force_login(intern)

    response = client.post(CREATE, _form(owner=executive.pk))

    assert response.status_code == 400
    assert Task.objects.count() == 0
    assert client.post(CREATE, _form(owner=intern.pk)).status_code == 302
    assert Task.objects.get().owner == intern


def test_it_re_renders_an_invalid_form_with_400(client, executive):
    client.force_login(executive)
    response = client.post(CREATE, _form(title="", owner=executive.pk))
    assert response.status_code == 400
    assert Task.objects.count() == 0


def test_it_refuses_a_customer_of_another_team(client, other_executive, customer):
    client.force_login(other_executive)
    response = client.post(CREATE, _form(owner=other_executive.pk, customer=customer.code))
    assert response.status_code == 400
    assert Task.objects.count() == 0


def test_create_refuses_viewers_anonymous_and_wrong_methods(client, viewer, executive):
    assert client.get(CREATE).status_code == 302
    client.force_login(viewer)
    assert client.post(CREATE, _form(owner=viewer.pk)).status_code == 403
    client.force_login(executive)
    assert client.put(CREATE).status_code == 405
    assert Task.objects.count() == 0


# -- detail, edit, complete, checklist ---------------------------------------------------


def test_it_shows_a_task_with_its_checklist(client, executive, customer):
    task = make_task(owner=executive, customer=customer, checklist=["Agenda", "Room"])
    client.force_login(executive)

    response = client.get(reverse("work:task-detail", args=[task.code]))

    assert response.status_code == 200
    assert [item.text for item in response.context["checklist"]] == ["Agenda", "Room"]


def test_detail_follows_the_matrix(client, executive, intern, viewer, other_executive):
    task = make_task(owner=executive)
    url = reverse("work:task-detail", args=[task.code])
    assert client.get(url).status_code == 302
    client.force_login(other_executive)
    assert client.get(url).status_code == 404
    client.force_login(intern)  # interns see their own tasks only
    assert client.get(url).status_code == 404
    client.force_login(viewer)
    assert client.get(url).status_code == 403
    client.force_login(executive)
    assert client.post(url).status_code == 405


def test_it_edits_a_task_and_records_a_reassignment(client, executive, intern, customer):
    task = make_task(owner=executive, customer=customer, due_at=at(12, 10))
    client.force_login(executive)
    url = reverse("work:task-edit", args=[task.code])
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {
            "title": "Kickoff call (moved)",
            "customer": customer.code,
            "owner": intern.pk,
            "due_at": "2026-11-13T10:00",
            "priority": "normal",
            "recurrence": "weekly",
            "version": 1,
        },
    )

    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.title, task.owner, task.recurrence) == ("Kickoff call (moved)", intern, "weekly")
    assert task.due_at == at(13, 10)
    assert task.remind_at == at(13, 9)
    assert TimelineEvent.objects.get().data["task_action"] == "reassigned"


def test_edit_follows_the_matrix(client, executive, viewer, other_executive):
    task = make_task(owner=executive, title="Unchanged")
    url = reverse("work:task-edit", args=[task.code])
    data = {
        "title": "Changed",
        "owner": executive.pk,
        "due_at": "2026-11-13T10:00",
        "priority": "low",
    }
    assert client.post(url, data).status_code == 302  # anonymous: to the login page
    client.force_login(other_executive)
    assert client.post(url, data).status_code == 404
    client.force_login(viewer)
    assert client.post(url, data).status_code == 403
    client.force_login(executive)
    assert client.delete(url).status_code == 405
    task.refresh_from_db()
    assert task.title == "Unchanged"


@time_machine.travel(at(10, 9), tick=False)
def test_it_completes_a_task_from_my_day(client, executive, customer):
    task = make_task(owner=executive, customer=customer, due_at=at(10, 11))
    client.force_login(executive)

    response = client.post(
        reverse("work:task-complete", args=[task.code]), {"next": reverse("work:my-day")}
    )

    assert response.status_code == 302
    assert response.url == reverse("work:my-day")
    task.refresh_from_db()
    assert (task.status, task.completed_by, task.completed_at) == ("done", executive, at(10, 9))
    assert TimelineEvent.objects.get().data["task_action"] == "completed"
    assert client.get(response.url).context["today"] == []


def test_complete_follows_the_matrix(client, executive, intern, viewer, other_executive):
    task = make_task(owner=executive)
    url = reverse("work:task-complete", args=[task.code])
    assert client.post(url).status_code == 302
    for user, status in ((other_executive, 404), (intern, 404), (viewer, 403)):
        client.force_login(user)
        assert client.post(url).status_code == status
    client.force_login(executive)
    assert client.get(url).status_code == 405
    task.refresh_from_db()
    assert task.status == "open"


def test_it_ticks_a_checklist_item_with_htmx(client, executive):
    task = make_task(owner=executive, checklist=["Agenda"])
    item = task.checklist.get()
    client.force_login(executive)
    url = reverse("work:checklist-toggle", args=[task.code, item.pk])

    response = client.post(url, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response.templates[0].name == "work/_checklist_item.html"
    assert ChecklistItem.objects.get().is_done is True
    client.post(url)
    assert ChecklistItem.objects.get().is_done is False


def test_checklist_follows_the_matrix(client, executive, viewer, other_executive):
    task = make_task(owner=executive, checklist=["Agenda"])
    item = task.checklist.get()
    url = reverse("work:checklist-toggle", args=[task.code, item.pk])
    assert client.post(url).status_code == 302
    client.force_login(other_executive)
    assert client.post(url).status_code == 404
    client.force_login(viewer)
    assert client.post(url).status_code == 403
    client.force_login(executive)
    assert client.get(url).status_code == 405
    assert ChecklistItem.objects.get().is_done is False


def test_the_360_page_shows_the_customers_open_tasks(client, executive, customer):
    make_task(owner=executive, customer=customer, title="Kickoff call")
    make_task(owner=executive, customer=customer, title="Old one", status="done")
    client.force_login(executive)

    page = client.get(reverse("customers:customer-detail", args=[customer.code]))

    assert "Kickoff call" in page.text
    assert "Old one" not in page.text
    assert f"{CREATE}?customer={customer.code}" in page.text


def test_it_refuses_task_notes_of_320000_characters(client, executive):
    client.force_login(executive)

    response = client.post(CREATE, _form(owner=executive.pk, notes="x" * 320_000))

    assert response.status_code == 400
    assert "at most 5000 characters" in response.context["form"].errors["notes"][0]
    assert not Task.objects.exists()
