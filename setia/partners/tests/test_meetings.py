import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from setia.partners import actions
from setia.partners.models import ActionItem, Meeting
from setia.partners.tests.factories import make_partner
from setia.work.schedule.models import Task

CREATE = reverse("partners:meeting-create")


def _jakarta(task: Task) -> datetime.datetime:
    return timezone.localtime(task.due_at, timezone.get_default_timezone())


def test_action_items_become_tasks_with_owners_and_dates(db, executive, intern):
    partner = make_partner()
    meeting = Meeting(
        partner=partner, title="Aturan pengiriman JNE", held_at=timezone.now(), minutes="…"
    )

    actions.record_meeting(
        meeting=meeting,
        attendees=[executive, intern],
        action_items=[
            actions.NewActionItem(
                "Kirim SOP retur ke merchant", intern, datetime.date(2026, 12, 9)
            ),
            actions.NewActionItem("Update FAQ ongkir", executive, datetime.date(2026, 12, 11)),
        ],
        actor=executive,
    )

    items = list(meeting.action_items.select_related("task"))
    assert [item.text for item in items] == ["Kirim SOP retur ke merchant", "Update FAQ ongkir"]
    first, second = (item.task for item in items)
    assert (first.title, first.owner, first.status) == (
        "Kirim SOP retur ke merchant",
        intern,
        "open",
    )
    assert _jakarta(first) == timezone.make_aware(
        datetime.datetime(2026, 12, 9, 17, 0), timezone.get_default_timezone()
    )
    assert second.owner == executive
    assert second.customer is None
    assert "Aturan pengiriman JNE" in first.notes and "JNE" in first.notes
    assert set(meeting.attendees.all()) == {executive, intern}


def test_the_page_records_a_meeting_and_its_action_items(client, executive, intern):
    partner = make_partner(name="OCBC")
    client.force_login(executive)

    response = client.post(
        CREATE,
        {
            "partner": partner.pk,
            "title": "Review kampanye cross-offer",
            "held_at": "2026-12-07T10:00",
            "attendees": [executive.pk],
            "guests": "Rina (OCBC)",
            "minutes": "Progres 40 merchant tertarik.",
            "decisions": "Perpanjang sampai Januari",
            "items-TOTAL_FORMS": "3",
            "items-INITIAL_FORMS": "0",
            "items-0-text": "Kirim daftar merchant ke OCBC",
            "items-0-owner": executive.pk,
            "items-0-due_on": "10/12/2026",
            "items-1-text": "",
            "items-2-text": "",
        },
    )

    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response.url == meeting.get_absolute_url()
    assert meeting.partner == partner
    task = ActionItem.objects.get().task
    assert task.owner == executive and task.title == "Kirim daftar merchant ke OCBC"
    detail = client.get(meeting.get_absolute_url())
    assert "Kirim daftar merchant ke OCBC" in detail.text
    assert "Perpanjang sampai Januari" in detail.text


def test_an_incomplete_action_item_keeps_everything_typed_and_saves_nothing(client, executive):
    client.force_login(executive)

    response = client.post(
        CREATE,
        {
            "partner": "",
            "title": "Weekly meeting",
            "held_at": "2026-12-07T10:00",
            "minutes": "Target Desember",
            "items-TOTAL_FORMS": "1",
            "items-INITIAL_FORMS": "0",
            "items-0-text": "Siapkan laporan",
            "items-0-owner": "",
            "items-0-due_on": "",
        },
    )

    assert response.status_code == 200
    assert not Meeting.objects.exists() and not Task.objects.exists()
    assert "Target Desember" in response.text
    assert "Siapkan laporan" in response.text
    assert response.context["formset"].forms[0].errors.keys() == {"owner", "due_on"}


def test_an_intern_cannot_give_an_action_item_to_someone_else(client, intern, executive):
    intern.user_permissions.add(
        Permission.objects.get(codename="add_meeting", content_type__app_label="partners")
    )
    client.force_login(intern)

    response = client.post(
        CREATE,
        {
            "title": "Internal",
            "held_at": "2026-12-07T10:00",
            "items-TOTAL_FORMS": "1",
            "items-INITIAL_FORMS": "0",
            "items-0-text": "Sesuatu",
            "items-0-owner": executive.pk,
            "items-0-due_on": "2026-12-10",
        },
    )

    assert response.status_code == 200
    assert "owner" in response.context["formset"].forms[0].errors
    assert not Task.objects.exists()


@pytest.mark.parametrize("persona", ["intern", "viewer"])
def test_only_executives_and_managers_record_meetings(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(CREATE).status_code == 403


def test_the_meetings_list_reads_a_fixed_number_of_queries(
    client, executive, django_assert_num_queries
):
    partner = make_partner()
    for number in range(3):
        Meeting.objects.create(partner=partner, title=f"M{number}", held_at=timezone.now())
    Meeting.objects.create(title="Internal", held_at=timezone.now())
    client.force_login(executive)
    client.get(reverse("partners:meeting-list"))  # warm the session and permissions

    with django_assert_num_queries(5) as context:
        response = client.get(reverse("partners:meeting-list"))

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 4
    Meeting.objects.create(title="Another", held_at=timezone.now())
    with django_assert_num_queries(len(context.captured_queries)):
        client.get(reverse("partners:meeting-list"))


def test_minutes_are_edited_and_action_items_added_later(client, executive, intern):
    meeting = Meeting.objects.create(title="Weekly update", held_at=timezone.now())
    client.force_login(executive)

    client.post(
        reverse("partners:meeting-edit", args=[meeting.pk]),
        {"title": "Weekly update", "held_at": "2026-12-07T09:00", "minutes": "Target tercapai"},
    )
    response = client.post(
        reverse("partners:action-item-add", args=[meeting.pk]),
        {"text": "Rekap retensi", "owner": executive.pk, "due_on": "2026-12-12"},
    )

    meeting.refresh_from_db()
    assert meeting.minutes == "Target tercapai"
    assert response.status_code == 302
    item = meeting.action_items.get()
    assert (item.task.title, item.task.owner) == ("Rekap retensi", executive)
    empty = client.post(reverse("partners:action-item-add", args=[meeting.pk]), {"text": ""})
    assert empty.status_code == 200 and "text" in empty.context["form"].errors
