"""Each source tells exactly the right people: work given by someone else, the day's due
tasks, answers waiting for approval and approved, mentions (only of people who may see the
record), and tasks moved by a reassignment. Nobody is told of their own step."""

import datetime

import pytest
import time_machine
from django.http import QueryDict
from django.urls import reverse
from django.utils import translation

from setia.accounts.models import Role
from setia.cadence.oneonones.actions import add_agenda_item, hold_next
from setia.cadence.oneonones.models import OneOnOne
from setia.cadence.reassign.actions import start_reassignment
from setia.engagement.actions import log_interaction
from setia.knowledge import actions as knowledge
from setia.knowledge.tests.factories import make_article
from setia.notifications.models import Kind, Notification
from setia.test import make_customer, make_user
from setia.work.schedule import actions as work
from setia.work.schedule.models import Priority, Task
from setia.work.tests.factories import at, make_task


def _told(kind=None):
    """[(recipient id, message text in English)] of every notification, oldest first."""
    rows = Notification.objects.order_by("pk")
    if kind:
        rows = rows.filter(kind=kind)
    with translation.override("en"):
        return [(row.recipient_id, row.text) for row in rows]


def _data(**fields):
    return {
        "title": "Telepon soal perpanjangan",
        "due_at": at(20),
        "priority": Priority.NORMAL,
        **fields,
    }


# -- assignments ---------------------------------------------------------------------------


def test_a_task_given_by_someone_else_tells_its_owner(manager, executive):
    task = work.create_task(data=_data(owner=executive), actor=manager)

    assert _told() == [(executive.pk, f"{manager} assigned you a task: {task.title}")]
    assert Notification.objects.get().link == f"/work/tasks/{task.code}/"


def test_ones_own_task_tells_nobody(executive):
    work.create_task(data=_data(owner=executive), actor=executive)
    assert _told() == []


def test_a_task_given_to_the_team_tells_whom_fair_assignment_chose(executive, team_a, intern):
    manager = make_user(Role.MANAGER, team=team_a)  # managers take no fairly assigned work
    task = work.create_task(data=_data(), actor=manager)
    assert task.owner_id in (executive.pk, intern.pk)
    assert _told() == [(task.owner_id, f"{manager} assigned you a task: {task.title}")]


def test_a_new_owner_is_told_and_the_old_one_not(manager, executive, intern):
    task = work.create_task(data=_data(owner=executive), actor=executive)
    work.update_task(task=task, data={"owner": intern}, actor=manager)
    work.update_task(task=task, data={"title": "Baru"}, actor=manager)  # no new owner

    assert _told() == [(intern.pk, f"{manager} assigned you a task: Telepon soal perpanjangan")]


def test_fair_assignment_of_many_tells_each_person_once(manager, executive, intern):
    tasks = [make_task(title=f"T{number}", team=executive.team) for number in range(4)]
    work.assign_fairly(tasks=tasks, people=[executive, intern], actor=manager)

    assert sorted(_told()) == sorted(
        [
            (executive.pk, f"{manager} assigned you 2 tasks."),
            (intern.pk, f"{manager} assigned you 2 tasks."),
        ]
    )


def test_automation_tells_nobody(executive):
    work.create_task(data=_data(owner=executive), actor=None)
    assert _told() == []


def test_a_reassignment_tells_the_receiver_how_many_tasks_came(manager, executive, team_b):
    receiver = make_user(Role.EXECUTIVE, team=team_b)
    for _number in range(3):
        make_task(owner=executive, customer=make_customer(team=executive.team, owner=executive))
    query = QueryDict(mutable=True)
    query["owner"] = str(executive.pk)

    start_reassignment(actor=manager, query=query, to_owner=receiver, to_team=None)

    assert _told() == [(receiver.pk, f"{manager} moved open tasks to you: 3.")]


# -- reminders -----------------------------------------------------------------------------


@time_machine.travel(at(16, 6), tick=False)
def test_the_morning_reminder_counts_each_persons_open_tasks_due_today_once(executive, intern):
    make_task(owner=executive, due_at=at(16, 9))
    make_task(owner=executive, due_at=at(16, 23))
    make_task(owner=executive, due_at=at(17, 9))  # tomorrow
    make_task(owner=executive, due_at=at(16, 10), status="done")
    make_task(owner=intern, due_at=at(15, 23))  # yesterday's
    make_task(owner=None, due_at=at(16, 9))

    assert work.notify_tasks_due_today() == 1
    assert work.notify_tasks_due_today() == 0  # once a day

    assert _told(Kind.REMINDER) == [(executive.pk, "Tasks due today: 2. Your day is on My day.")]


def test_the_reminder_is_one_statement_whatever_the_number_of_people(
    django_assert_num_queries, team_a
):
    people = [make_user(Role.EXECUTIVE, team=team_a) for _ in range(5)]
    for person in people:
        make_task(owner=person, due_at=datetime.datetime.now(datetime.UTC))
    with django_assert_num_queries(3):  # the counts, the INSERT, the unread counts
        assert work.notify_tasks_due_today() == 5


# -- approvals -----------------------------------------------------------------------------


def test_an_answer_saved_by_someone_who_cannot_approve_goes_to_the_approvers(
    manager, executive, admin_user
):
    other_manager = make_user(Role.MANAGER)
    article = make_article(actor=executive, approve=False)

    assert sorted(recipient for recipient, _text in _told(Kind.APPROVAL)) == sorted(
        [manager.pk, other_manager.pk, admin_user.pk]
    )
    assert _told()[0][1] == (f"{executive} submitted an answer for approval: {article.question_id}")


def test_a_managers_own_draft_tells_nobody(manager):
    make_article(actor=manager, approve=False)
    assert _told() == []


def test_approving_tells_the_owner_once(manager, executive):
    article = make_article(actor=executive, approve=False)
    Notification.objects.all().delete()

    knowledge.approve_article(article=article, actor=manager)
    knowledge.approve_article(article=article, actor=manager)  # approved already

    assert _told() == [(executive.pk, f"{manager} approved your answer: {article.question_id}")]


def test_approving_ones_own_answer_tells_nobody(manager):
    make_article(actor=manager, approve=True)
    assert _told() == []


# -- mentions ------------------------------------------------------------------------------


@pytest.fixture
def named(team_a, team_b):
    return {
        "budi": make_user(Role.EXECUTIVE, team=team_a, email="budi@example.test"),
        "tono": make_user(Role.EXECUTIVE, team=team_b, email="tono@example.test"),
        "maya": make_user(Role.MANAGER, email="maya@example.test"),
    }


def test_a_note_tells_the_people_it_mentions_who_may_see_the_customer(customer, named):
    budi, maya = named["budi"], named["maya"]
    log_interaction(
        customer=customer,
        actor=budi,
        data={"kind": "note", "summary": "Harga", "notes": "@maya @tono @budi lihat ya"},
    )

    # Tono's team cannot see the customer; Budi wrote the note.
    assert _told(Kind.MENTION) == [(maya.pk, f"{budi} mentioned you in a note on Batik Lestari.")]
    assert Notification.objects.get().link == f"/customers/{customer.code}/"


def test_a_note_without_mentions_costs_no_more_queries(customer, executive, named):
    log_interaction(customer=customer, actor=executive, data={"kind": "note", "notes": "a@b.c"})
    assert _told() == []


def test_an_agenda_mention_tells_only_the_other_of_the_two(team_a, named):
    budi = named["budi"]
    lead = make_user(Role.EXECUTIVE, team=team_a, email="lead@example.test")
    series = OneOnOne.objects.create(
        lead=lead, member=budi, cadence="weekly", next_date=datetime.date(2026, 11, 16)
    )
    meeting = hold_next(series=series, actor=lead)

    add_agenda_item(meeting=meeting, actor=lead, text="@budi @maya target bulan ini")
    add_agenda_item(meeting=meeting, actor=budi, text="@budi catatan sendiri")

    assert _told() == [(budi.pk, f"{lead} mentioned you in your 1:1 agenda.")]
    assert Task.objects.count() == 0


def test_sending_a_draft_back_tells_its_owner_why(client, manager, executive):
    article = make_article(actor=executive, approve=False)
    Notification.objects.all().delete()
    client.force_login(manager)
    url = reverse("knowledge:article-send-back", args=[article.code])

    assert client.post(url, {"reason": ""}).status_code == 302  # refused, nothing sent
    assert client.post(url, {"reason": "Jawaban\x00"}).status_code == 302
    assert _told() == []
    client.post(url, {"reason": "Tambahkan langkah untuk iOS."})
    knowledge.approve_article(article=article, actor=manager)
    assert knowledge.send_back(article=article, actor=manager, reason="x") is False

    assert _told() == [
        (
            executive.pk,
            f"{manager} sent your answer back: Tambahkan langkah untuk iOS. "
            f"({article.question_id})",
        ),
        (executive.pk, f"{manager} approved your answer: {article.question_id}"),
    ]


def test_only_approvers_send_back(client, executive):
    article = make_article(actor=executive, approve=False)
    client.force_login(executive)
    url = reverse("knowledge:article-send-back", args=[article.code])
    assert client.post(url, {"reason": "x"}).status_code == 403
