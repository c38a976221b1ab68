"""The daily checkpoint: once a day per person, editable that day, read by the lead."""

import datetime

import pytest
import time_machine
from django.db import IntegrityError
from django.urls import reverse

from setia.accounts.models import Role
from setia.cadence.models import Checkpoint
from setia.test import make_user
from setia.work.schedule.models import Status, Task

MINE = reverse("cadence:checkpoint")
TEAM = reverse("cadence:team-checkpoints")
# 09:00 in Jakarta on Monday 16 November 2026.
MORNING = datetime.datetime(2026, 11, 16, 2, 0, tzinfo=datetime.UTC)
DAY = datetime.date(2026, 11, 16)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


def _post(client, **fields):
    data = {"planned": "", "done": "", "blockers": "", "note": "", **fields}
    return client.post(MINE, data)


def test_the_form_starts_from_the_tasks_due_and_done_today(client, executive):
    Task.objects.create(title="Telepon Toko Batik", owner=executive, due_at=MORNING)
    Task.objects.create(
        title="Kirim invoice",
        owner=executive,
        due_at=MORNING,
        status=Status.DONE,
        completed_at=MORNING,
    )
    Task.objects.create(title="Besok", owner=executive, due_at=MORNING + datetime.timedelta(days=1))
    client.force_login(executive)

    form = client.get(MINE).context["form"]

    assert form.initial["planned"] == "- Telepon Toko Batik"
    assert form.initial["done"] == "- Kirim invoice"


def test_saving_twice_the_same_day_changes_the_days_checkpoint(client, executive):
    client.force_login(executive)

    first = _post(client, blockers="Menunggu akses", note="Pagi")
    second = _post(client, blockers="", note="Sore")

    assert first.status_code == second.status_code == 302
    checkpoint = Checkpoint.objects.get()
    assert (checkpoint.day, checkpoint.note, checkpoint.blockers) == (DAY, "Sore", "")


def test_the_next_day_starts_a_new_checkpoint_and_keeps_yesterdays(client, executive, _frozen):
    client.force_login(executive)
    _post(client, note="Senin")
    _frozen.shift(datetime.timedelta(days=1))
    client.force_login(executive)  # the session of the day before has expired

    response = client.get(MINE)
    _post(client, note="Selasa")

    assert response.context["checkpoint"] is None
    assert list(Checkpoint.objects.order_by("day").values_list("day", "note")) == [
        (DAY, "Senin"),
        (DAY + datetime.timedelta(days=1), "Selasa"),
    ]


def test_the_database_keeps_one_checkpoint_per_person_per_day(executive):
    Checkpoint.objects.create(user=executive, day=DAY)
    with pytest.raises(IntegrityError):
        Checkpoint.objects.create(user=executive, day=DAY)


def test_a_too_long_note_is_refused_and_nothing_is_saved(client, executive):
    client.force_login(executive)

    response = _post(client, note="x" * 301, blockers="Menunggu akses")

    assert response.status_code == 400
    assert not Checkpoint.objects.exists()
    assert response.context["form"]["blockers"].value() == "Menunggu akses"


def test_the_lead_sees_the_teams_checkpoints_and_who_has_not_filled_it_in(
    client, manager, executive, intern, team_a
):
    client.force_login(executive)
    _post(client, blockers="Menunggu akses API")
    client.force_login(manager)

    response = client.get(TEAM, {"team": team_a.pk})

    assert response.status_code == 200
    assert response.context["missing"] == [intern]
    assert "Menunggu akses API" in response.content.decode()


def test_a_team_lead_reads_their_team_only(client, executive, intern, team_a, team_b):
    team_a.lead = executive
    team_a.save()
    client.force_login(executive)

    assert client.get(TEAM).context["team"] == team_a
    assert client.get(TEAM, {"team": team_b.pk}).status_code == 400
    client.force_login(intern)
    assert client.get(TEAM).status_code == 403


def test_the_team_page_is_a_fixed_number_of_queries(
    client, manager, team_a, django_assert_num_queries
):
    for n in range(10):
        person = make_user(Role.EXECUTIVE, team=team_a)
        if n % 2:
            Checkpoint.objects.create(user=person, day=DAY, blockers=f"Hambatan {n}")
    client.force_login(manager)
    client.get(TEAM)

    with django_assert_num_queries(8):
        response = client.get(TEAM, {"team": team_a.pk})

    assert len(response.context["missing"]) == 5
