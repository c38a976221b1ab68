"""The admin shows tasks and onboardings but cannot change them (their pages record every step
on the customer's timeline; the admin would not); stages stay editable, in the admin's log."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.urls import reverse

from setia.test import make_customer
from setia.work.onboarding.actions import enroll_new_customers, move_to_stage
from setia.work.onboarding.models import Onboarding, Stage
from setia.work.schedule.models import Task
from setia.work.tests.factories import make_task


@pytest.fixture
def task(admin_user):
    return make_task(owner=admin_user, customer=make_customer(), checklist=["Send the contract"])


@pytest.fixture
def onboarding(admin_user):
    customer = make_customer()
    enroll_new_customers(customers=type(customer).objects.filter(pk=customer.pk))
    onboarding = Onboarding.objects.get(customer=customer)
    move_to_stage(onboarding=onboarding, stage=Stage.objects.all()[1], actor=admin_user)
    return onboarding


def test_a_task_is_shown_but_not_changed(client, admin_user, task):
    client.force_login(admin_user)
    change = reverse("admin:work_task_change", args=[task.pk])

    page = client.get(change)
    response = client.post(change, {"title": "Renamed", "status": "done"})

    assert page.status_code == 200
    assert "Send the contract" in page.text
    assert 'name="title"' not in page.text  # no form field: read-only
    assert response.status_code == 403
    task.refresh_from_db()
    assert (task.title, task.status) == ("Call about the renewal", "open")


@pytest.mark.parametrize("page", ["add", "delete"])
def test_a_task_is_neither_added_nor_deleted(client, admin_user, task, page):
    client.force_login(admin_user)
    args = [] if page == "add" else [task.pk]

    response = client.post(reverse(f"admin:work_task_{page}", args=args), {"post": "yes"})

    assert response.status_code == 403
    assert Task.objects.filter(pk=task.pk).exists()


def test_an_onboarding_shows_its_stage_history_and_cannot_move(client, admin_user, onboarding):
    client.force_login(admin_user)
    change = reverse("admin:work_onboarding_change", args=[onboarding.pk])
    first, second, third = Stage.objects.all()[:3]

    page = client.get(change)
    response = client.post(change, {"stage": third.pk, "entered_stage_at_0": "2026-12-01"})
    deleting = client.post(reverse("admin:work_onboarding_delete", args=[onboarding.pk]))

    assert page.status_code == 200
    assert str(second) in page.text and str(first) in page.text  # the move, in its history
    assert (response.status_code, deleting.status_code) == (403, 403)
    onboarding.refresh_from_db()
    assert onboarding.stage == second


def test_a_stage_edit_is_in_the_admin_log_with_its_author(client, admin_user):
    client.force_login(admin_user)
    stage = Stage.objects.first()
    data = {
        "name_en": "Welcome call",
        "name_id": "Panggilan sambutan",
        "position": stage.position,
        "stalled_after_days": 9,
        "task_templates-TOTAL_FORMS": 0,
        "task_templates-INITIAL_FORMS": 0,
    }

    response = client.post(reverse("admin:work_stage_change", args=[stage.pk]), data)

    assert response.status_code == 302
    entry = LogEntry.objects.get(object_id=str(stage.pk), content_type__model="stage")
    assert (entry.user, entry.action_flag) == (admin_user, CHANGE)
    assert "Stalled after (days)" in entry.get_change_message()
