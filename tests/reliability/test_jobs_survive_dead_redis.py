"""With REDIS_URL at a dead port, sending an e-mail and starting an import still answer with a
redirect, their jobs wait in the database unpublished, and the import pages work; once Redis
is back the relay publishes them and the worker's task completes them."""

import base64
import json
from typing import cast

import pytest
import redis
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from setia.customers.models import Customer
from setia.engagement.models import Message
from setia.engagement.tests.factories import make_template
from setia.imports.models import Import
from setia.jobs import actions
from setia.jobs.models import Job
from setia.jobs.tasks import run_job
from setia.test import make_contact

DEAD = "redis://127.0.0.1:1/0"
LIVE = "redis://127.0.0.1:6379/1"
CSV = b"Nama Brand,No HP,Kategori\nBatik Sekar,0812-3456-7801,Fashion\n"


@pytest.fixture
def broker_down(settings):
    settings.JOBS_EAGER = False  # as in production: jobs go to the broker, not run here
    settings.REDIS_URL = DEAD
    queue = redis.Redis.from_url(LIVE)
    queue.delete("celery")
    yield settings
    queue.delete("celery")


def _worker_runs_what_the_broker_holds() -> list[str]:
    """What a Celery worker does with each message: run the task it names."""
    states = []
    queue = redis.Redis.from_url(LIVE)
    while (raw := queue.rpop("celery")) is not None:
        message = json.loads(cast(bytes, raw))
        assert message["headers"]["task"] == "setia.jobs.tasks.run_job"
        args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        states.append(run_job(*args))
    return states


def test_sending_and_importing_wait_for_redis_and_complete_once_it_is_back(
    client, broker_down, manager, customer, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    sari = make_contact(customer, name="Sari Wijaya", email="sari@batik.test")
    renewal = make_template(name="Perpanjangan", channel="email", subject="Halo", body="Halo")

    # when the broker is down, an e-mail is sent and an import is started
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            reverse("engagement:email-send", args=[customer.code]),
            {"template": renewal.code, "contact": sari.pk, "promo": ""},
        )
    assert sent.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        uploaded = client.post(
            reverse("imports:import-upload"),
            {"file": SimpleUploadedFile("sheet.csv", CSV), "source": "", "default_owner": ""},
        )
    assert uploaded.status_code == 302
    batch = Import.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(reverse("imports:import-commit", args=[batch.code]))
    assert started.status_code == 302

    # then both are recorded, unpublished, and the pages work
    assert list(Job.objects.order_by("pk").values_list("name", "state", "published_at")) == [
        ("setia.engagement.tasks.send_email_message", "queued", None),
        ("setia.imports.tasks.run_import_task", "queued", None),
    ]
    assert Message.objects.get().status == "queued"
    for name in ("import-detail", "import-progress"):
        page = client.get(reverse(f"imports:{name}", args=[batch.code]))
        assert page.status_code == 200, name
        assert 'hx-trigger="every 1s"' in page.text
    assert client.get(reverse("jobs:job-list")).status_code == 200
    assert client.get(customer.get_absolute_url()).status_code == 200

    # when Redis is back, the relay publishes them and the worker completes them
    broker_down.REDIS_URL = LIVE
    assert actions.relay() == 2
    assert _worker_runs_what_the_broker_holds() == ["done", "done"]
    assert Message.objects.get().status == "sent"
    assert [email.to for email in mail.outbox] == [["sari@batik.test"]]
    batch.refresh_from_db()
    assert batch.status == Import.Status.DONE
    assert Customer.objects.filter(name="Batik Sekar").exists()
    assert set(Job.objects.values_list("state", flat=True)) == {"done"}
