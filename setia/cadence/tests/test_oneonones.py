"""1:1s: only their two people see them, private notes only their writer, action items become
tasks, and holding a meeting moves the series to its next date."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from setia.accounts.models import Role
from setia.cadence.oneonones.actions import hold_next, partners_for
from setia.cadence.oneonones.models import (
    ActionItem,
    AgendaItem,
    Meeting,
    OneOnOne,
    PrivateNote,
    following,
)
from setia.test import make_user
from setia.work.schedule.models import Task

LIST = reverse("cadence:one-on-ones")
# 09:00 in Jakarta on Monday 16 November 2026.
MORNING = datetime.datetime(2026, 11, 16, 2, 0, tzinfo=datetime.UTC)
DAY = datetime.date(2026, 11, 16)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(MORNING, tick=False):
        yield


@pytest.fixture
def lead(team_a):
    lead = make_user(Role.EXECUTIVE, team=team_a, full_name="Lina Lead")
    team_a.lead = lead
    team_a.save()
    return lead


@pytest.fixture
def series(lead, intern):
    return OneOnOne.objects.create(lead=lead, member=intern, cadence="weekly", next_date=DAY)


@pytest.fixture
def meeting(series, lead):
    return hold_next(series=series, actor=lead)


def _meeting_url(meeting):
    return reverse("cadence:one-on-one-meeting", args=[meeting.code])


def test_a_lead_starts_1_1s_with_a_member_of_their_team(client, lead, intern, other_executive):
    client.force_login(lead)

    page = client.get(LIST)
    response = client.post(
        LIST, {"member": intern.pk, "cadence": "biweekly", "next_date": "2026-11-20"}
    )

    assert list(page.context["form"].fields["member"].queryset) == [intern]
    series = OneOnOne.objects.get()
    assert response.status_code == 302
    assert response["Location"] == series.get_absolute_url()
    assert (series.lead, series.member, series.cadence) == (lead, intern, "biweekly")
    assert series.next_date == datetime.date(2026, 11, 20)
    # Someone of another team is not one of the lead's people.
    refused = client.post(LIST, {"member": other_executive.pk, "cadence": "weekly",
                                 "next_date": "2026-11-20"})  # fmt: skip
    assert refused.status_code == 400
    again = client.post(LIST, {"member": intern.pk, "cadence": "weekly", "next_date": "2026-11-20"})
    assert again.status_code == 400
    assert OneOnOne.objects.count() == 1


def test_managers_may_start_1_1s_with_anyone_interns_with_no_one(manager, intern, lead):
    assert set(partners_for(manager)) >= {intern, lead}
    assert list(partners_for(intern)) == []


def test_interns_cannot_start_1_1s(client, intern, lead):
    client.force_login(intern)
    assert client.get(LIST).context["form"] is None
    response = client.post(
        LIST, {"member": lead.pk, "cadence": "weekly", "next_date": "2026-11-20"}
    )
    assert response.status_code == 403
    assert not OneOnOne.objects.exists()


@pytest.mark.parametrize(
    ("cadence", "after"),
    [
        ("weekly", datetime.date(2026, 11, 23)),
        ("biweekly", datetime.date(2026, 11, 30)),
        ("monthly", datetime.date(2026, 12, 16)),
    ],
)
def test_holding_a_meeting_moves_the_series_to_its_next_date(client, series, lead, cadence, after):
    series.cadence = cadence
    series.save()
    client.force_login(lead)

    response = client.post(series.get_absolute_url())
    again = client.post(series.get_absolute_url())

    first, second = Meeting.objects.order_by("date")
    assert response["Location"] == first.get_absolute_url()
    assert again["Location"] == second.get_absolute_url()
    assert (first.date, second.date) == (DAY, after)
    series.refresh_from_db()
    assert series.next_date == following(after, cadence)


def test_a_monthly_series_keeps_to_the_month_end():
    assert following(datetime.date(2027, 1, 31), "monthly") == datetime.date(2027, 2, 28)


def test_both_add_to_the_agenda_and_the_notes(client, meeting, lead, intern):
    client.force_login(lead)
    client.post(_meeting_url(meeting), {"part": "agenda", "text": "Target bulan ini"})
    client.force_login(intern)
    client.post(_meeting_url(meeting), {"part": "agenda", "text": "Cuti minggu depan"})
    response = client.post(
        _meeting_url(meeting),
        {"part": "notes", "impressions": "Semangat", "obstacles": "Akses CRM", "ideas": "Template"},
    )

    assert response.status_code == 302
    assert list(AgendaItem.objects.values_list("author", "text")) == [
        (lead.pk, "Target bulan ini"),
        (intern.pk, "Cuti minggu depan"),
    ]
    meeting.refresh_from_db()
    assert (meeting.impressions, meeting.obstacles, meeting.ideas) == (
        "Semangat",
        "Akses CRM",
        "Template",
    )
    page = client.get(_meeting_url(meeting)).content.decode()
    assert "Target bulan ini" in page and "Cuti minggu depan" in page


def test_a_private_note_is_read_by_its_writer_only(client, meeting, lead, intern):
    client.force_login(lead)
    client.post(_meeting_url(meeting), {"part": "private", "text": "Perlu coaching soal harga"})

    own = client.get(_meeting_url(meeting)).content.decode()
    client.force_login(intern)
    other = client.get(_meeting_url(meeting)).content.decode()
    client.post(_meeting_url(meeting), {"part": "private", "text": "Catatan saya"})

    assert "Perlu coaching soal harga" in own
    assert "Perlu coaching soal harga" not in other
    assert dict(PrivateNote.objects.values_list("author", "text")) == {
        lead.pk: "Perlu coaching soal harga",
        intern.pk: "Catatan saya",
    }
    client.force_login(lead)
    assert "Catatan saya" not in client.get(_meeting_url(meeting)).content.decode()


@pytest.mark.parametrize("persona", ["manager", "admin_user", "executive", "other_executive"])
def test_a_third_person_gets_404_on_every_page(request, client, series, meeting, persona):
    client.force_login(request.getfixturevalue(persona))
    urls = [series.get_absolute_url(), _meeting_url(meeting)]

    assert [client.get(url).status_code for url in urls] == [404, 404]
    assert client.post(series.get_absolute_url()).status_code == 404
    for part in ("agenda", "notes", "private", "action"):
        assert client.post(_meeting_url(meeting), {"part": part, "text": "x"}).status_code == 404
    assert list(client.get(LIST).context["page"].object_list) == []
    assert Meeting.objects.count() == 1
    assert not AgendaItem.objects.exists() and not PrivateNote.objects.exists()


def test_an_action_item_becomes_a_task_linked_back(client, meeting, lead, intern):
    client.force_login(lead)

    response = client.post(
        _meeting_url(meeting),
        {
            "part": "action",
            "text": "Kirim laporan churn",
            "owner": intern.pk,
            "due_on": "2026-11-20",
        },
    )

    assert response.status_code == 302
    item = ActionItem.objects.get()
    task = Task.objects.get()
    assert item.task == task
    assert (task.title, task.owner, task.created_by) == ("Kirim laporan churn", intern, lead)
    # 17:00 in Jakarta.
    assert task.due_at == datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC)
    assert _meeting_url(meeting) in task.notes
    client.force_login(intern)
    page = client.get(_meeting_url(meeting)).content.decode()
    assert reverse("work:task-detail", args=[task.code]) in page


@pytest.mark.parametrize(
    "fields",
    [
        {"part": "action", "text": "x", "owner": "99999999999999999999", "due_on": "2026-11-20"},
        {"part": "action", "text": "x", "owner": "{manager}", "due_on": "2026-11-20"},
        {"part": "action", "text": "x", "owner": "{intern}", "due_on": "9999-12-31"},
        {"part": "action", "text": "x\x00", "owner": "{intern}", "due_on": "2026-11-20"},
        {"part": "action", "text": "", "owner": "{intern}", "due_on": "2026-11-20"},
        {"part": "agenda", "text": "a\x00b"},
        {"part": "agenda", "text": "x" * 301},
        {"part": "notes", "impressions": "\x00", "obstacles": "", "ideas": ""},
        {"part": "private", "text": "x" * 5001},
        {"part": "nothing"},
        {},
    ],
)
def test_odd_meeting_inputs_are_form_errors(client, meeting, lead, intern, manager, fields):
    names = {"manager": manager.pk, "intern": intern.pk}
    data = {name: value.format(**names) for name, value in fields.items()}
    client.force_login(lead)

    response = client.post(_meeting_url(meeting), data)

    assert response.status_code == 400
    assert not ActionItem.objects.exists() and not Task.objects.exists()
    assert not AgendaItem.objects.exists() and not PrivateNote.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"member": "abc", "cadence": "weekly", "next_date": "2026-11-20"},
        {"member": "{intern}", "cadence": "daily", "next_date": "2026-11-20"},
        {"member": "{intern}", "cadence": "weekly", "next_date": "9999-12-31"},
        {"member": "{intern}", "cadence": "weekly", "next_date": "\x00"},
        {"member": "{lead}", "cadence": "weekly", "next_date": "2026-11-20"},  # oneself
    ],
)
def test_odd_series_inputs_are_form_errors(client, lead, intern, fields):
    names = {"intern": intern.pk, "lead": lead.pk}
    client.force_login(lead)

    response = client.post(LIST, {k: v.format(**names) for k, v in fields.items()})

    assert response.status_code == 400
    assert not OneOnOne.objects.exists()


def test_my_1_1s_lists_those_i_lead_and_attend(client, series, intern, lead, viewer):
    OneOnOne.objects.create(lead=lead, member=viewer, cadence="monthly", next_date=DAY)
    client.force_login(intern)

    page = client.get(LIST)

    assert page.status_code == 200
    assert list(page.context["page"].object_list) == [series]
