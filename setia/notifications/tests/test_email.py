"""Notification e-mails: at once, in the daily digest, or never, as each person chose per
kind; through Django's mail backend (the test outbox)."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from setia.notifications.actions import (
    mark_all_read,
    notify,
    preferences,
    save_preferences,
    send_digests,
    send_immediate,
)
from setia.notifications.models import Delivery, Digest, Kind, Mail, Notification

MESSAGE = "%(actor)s assigned you a task: %(title)s"
DAY = datetime.date(2026, 11, 16)


def _tell(person, kind=Kind.ASSIGNMENT, title="Telepon Batik"):
    notify([person], kind, MESSAGE, params={"actor": "Maya", "title": title}, link="/work/")


def test_the_defaults_send_work_at_once_and_reminders_in_the_digest(executive):
    assert preferences(executive) == {
        "reminder": "digest",
        "assignment": "immediately",
        "approval": "immediately",
        "mention": "immediately",
        "announcement": "immediately",
    }


def test_an_immediate_notification_is_mailed_once_in_the_readers_language(executive, settings):
    settings.SITE_URL = "https://setia.example"
    executive.language = "id"
    executive.save(update_fields=["language"])
    _tell(executive)

    assert send_immediate() == 1
    assert send_immediate() == 0

    [message] = mail.outbox
    assert message.to == [executive.email]
    assert message.subject == "Maya memberi Anda tugas: Telepon Batik"
    assert "https://setia.example/work/" in message.body
    assert "https://setia.example" + reverse("notifications:preferences") in message.body
    assert Notification.objects.get().mail == Mail.SENT


def test_never_and_read_ones_are_not_mailed(executive, intern):
    save_preferences(user=executive, choices={Kind.ASSIGNMENT: Delivery.NEVER})
    _tell(executive)
    _tell(intern)
    mark_all_read(user=intern)

    assert send_immediate() == 0
    assert send_digests(day=DAY) == 0
    assert mail.outbox == []
    assert set(Notification.objects.values_list("mail", flat=True)) == {Mail.SKIPPED}


def test_the_digest_gathers_the_days_notifications_once_per_day(executive, intern, manager):
    save_preferences(user=executive, choices={Kind.ASSIGNMENT: Delivery.DIGEST})
    _tell(executive, title="Satu")
    _tell(executive, title="Dua")
    _tell(executive, kind=Kind.REMINDER, title="Tiga")  # reminders: the digest by default
    _tell(intern)  # at once: not in a digest

    assert send_digests(day=DAY) == 1
    _tell(executive, title="Empat")
    assert send_digests(day=DAY) == 0  # once per day, whatever comes later

    [digest] = mail.outbox
    assert digest.to == [executive.email]
    assert "3" in digest.subject
    assert all(title in digest.body for title in ("Satu", "Dua", "Tiga"))
    assert "Empat" not in digest.body
    assert Digest.objects.get().notifications == 3
    # The next day's digest has what came since.
    assert send_digests(day=DAY + datetime.timedelta(days=1)) == 1
    assert "Empat" in mail.outbox[1].body
    assert send_immediate() == 1  # the intern's
    assert mail.outbox[2].to == [intern.email]


def test_an_inactive_person_gets_no_email(executive):
    executive.is_active = False
    executive.save(update_fields=["is_active"])
    _tell(executive)
    assert send_immediate() == 0 and mail.outbox == []


def test_the_preferences_page_saves_each_kind(client, executive, django_assert_num_queries):
    client.force_login(executive)
    url = reverse("notifications:preferences")
    assert client.get(url).status_code == 200

    response = client.post(
        url, dict.fromkeys(Kind.values, Delivery.IMMEDIATELY) | {"reminder": "never"}
    )

    assert response.status_code == 302
    assert preferences(executive)["reminder"] == "never"


@pytest.mark.parametrize("value", ["", "weekly", "²"])
def test_an_odd_preference_is_a_form_error(client, executive, value):
    client.force_login(executive)
    response = client.post(
        reverse("notifications:preferences"),
        dict.fromkeys(Kind.values, Delivery.IMMEDIATELY) | {"mention": value},
    )
    assert response.status_code == 400
    assert preferences(executive)["mention"] == "immediately"


def test_the_jobs_are_on_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "setia.notifications.tasks.send_immediate",
        "setia.notifications.tasks.send_digests",
        "setia.work.tasks.notify_tasks_due_today",
    } <= tasks
