"""Undo as a background job: the page queues it and follows its progress, the job undoes in one
transaction, and a second undo is refused while one is queued or running."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from setia.customers.models import Customer
from setia.imports.actions import start_undo, undo_import
from setia.imports.models import Import
from setia.imports.tasks import undo_import_task
from setia.jobs import actions as jobs
from setia.jobs.models import Job

CSV = (
    b"Nama Brand;No HP;Kategori\n"
    b"Batik Sekar;0812-3456-7801;Fashion\n"
    b"Kopi Senja;0812-3456-7802;F&B\n"
    b"Sambal Bu Rudy;0812-3456-7803;F&B\n"
)


@pytest.fixture
def imported(client, manager, django_capture_on_commit_callbacks):
    """An import of three customers, done, with the manager logged in (in English)."""
    manager.language = "en"
    manager.save(update_fields=["language"])
    client.force_login(manager)
    client.post(
        reverse("imports:import-upload"),
        {"file": SimpleUploadedFile("sheet.csv", CSV), "source": "", "default_owner": manager.pk},
    )
    batch = Import.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url("import-commit", batch))
    batch.refresh_from_db()
    assert (batch.status, batch.created) == (Import.Status.DONE, 3)
    return batch


@pytest.fixture
def runner(settings):
    """Jobs wait in the table for a runner, as in production without Redis."""
    settings.JOBS_EAGER = False
    settings.JOBS_PROGRESS_SECONDS = 0  # every step of the progress reaches the row


def _url(name, batch):
    return reverse(f"imports:{name}", args=[batch.code])


def _undo_jobs():
    return Job.objects.filter(name="setia.imports.tasks.undo_import_task")


def test_the_page_queues_the_undo_and_undoes_nothing_in_the_request(client, imported, runner):
    response = client.post(_url("import-undo", imported))

    assert response.status_code == 302
    assert response.url == _url("import-detail", imported)
    assert Customer.objects.alive().count() == 3  # nothing undone yet
    imported.refresh_from_db()
    assert imported.status == Import.Status.UNDOING
    [job] = _undo_jobs()
    assert (job.state, job.created_by, job.args) == (
        Job.State.QUEUED,
        imported.actor,
        [imported.pk, imported.actor.pk],
    )
    assert imported.undo_job == job
    page = client.get(response.url)
    assert "Undoing the import…" in page.text
    assert 'hx-trigger="every 1s"' in page.text  # the status box follows the job
    assert "Undo import" not in page.text  # no second button while it runs


def test_the_job_undoes_the_import_and_the_page_shows_the_result(client, imported, runner):
    client.post(_url("import-undo", imported))

    assert jobs.run_pending() == 1

    assert Customer.objects.alive().count() == 0
    imported.refresh_from_db()
    assert imported.status == Import.Status.UNDONE
    assert (imported.undo_deleted, imported.undo_reverted) == (3, 0)
    job = _undo_jobs().get()
    assert job.state == Job.State.DONE
    assert job.progress == {"phase": "done", "done": 3, "total": 3}
    status = client.get(_url("import-progress", imported)).text
    assert "hx-trigger" not in status  # finished: the box stops polling
    assert "Undone by" in status
    assert "Records removed: 3; records put back: 0." in status


def test_the_status_box_shows_how_far_a_running_undo_got(client, imported, runner):
    client.post(_url("import-undo", imported))
    job = _undo_jobs().get()
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.RUNNING, progress={"phase": "customers", "done": 1, "total": 4}
    )

    status = client.get(_url("import-progress", imported)).text

    assert 'hx-trigger="every 1s"' in status
    assert "Undoing the import… 25%" in status
    assert 'value="25"' in status


def test_it_tells_its_progress_as_it_goes(imported, manager):
    seen = []

    undo_import(batch=imported, actor=manager, progress=lambda *step: seen.append(step))

    assert seen == [("customers", 0, 3), ("customers", 3, 3), ("done", 3, 3)]


def test_a_second_undo_is_refused_while_one_is_queued(client, imported, runner):
    client.post(_url("import-undo", imported))

    response = client.post(_url("import-undo", imported), follow=True)

    assert _undo_jobs().count() == 1
    assert "This import is being undone already." in response.text
    assert start_undo(batch=imported, actor=imported.actor) is None


def test_a_retried_undo_refuses_a_second_one_too(imported, manager, runner):
    job = start_undo(batch=imported, actor=manager)
    Job.objects.filter(pk=job.pk).update(state=Job.State.FAILED)
    Import.objects.filter(pk=imported.pk).update(status=Import.Status.DONE)
    jobs.retry(Job.objects.get(pk=job.pk), actor=manager)

    assert start_undo(batch=Import.objects.get(pk=imported.pk), actor=manager) is None
    assert jobs.run_pending() == 1
    assert Import.objects.get(pk=imported.pk).status == Import.Status.UNDONE


def test_running_the_job_again_does_nothing(imported, manager, runner):
    start_undo(batch=imported, actor=manager)
    jobs.run_pending()

    assert undo_import_task(imported.pk, manager.pk) == Import.Status.UNDONE

    imported.refresh_from_db()
    assert (imported.undo_deleted, imported.undo_reverted) == (3, 0)


def test_a_killed_undo_leaves_nothing_and_can_be_retried(client, imported, manager, runner):
    client.post(_url("import-undo", imported))
    job = jobs.claim_next()  # … and its worker is killed before it commits
    later = timezone.now() + timedelta(seconds=60 * 60)

    assert jobs.fail_stale(now=later) == 1

    imported.refresh_from_db()
    assert imported.status == Import.Status.DONE  # the undo left nothing
    assert Customer.objects.alive().count() == 3
    page = client.get(_url("import-detail", imported)).text
    assert reverse("jobs:job-retry", args=[job.pk]) in page
    assert "Undo import" in page
    job.refresh_from_db()
    assert jobs.retry(job, actor=manager)
    assert jobs.run_pending() == 1
    assert Customer.objects.alive().count() == 0


def test_a_manager_who_lost_the_right_fails_the_job_with_a_reason(imported, manager, runner):
    start_undo(batch=imported, actor=manager)
    manager.is_active = False
    manager.save(update_fields=["is_active"])

    with translation.override("en"):
        jobs.run_pending()

    job = _undo_jobs().get()
    assert job.state == Job.State.FAILED
    assert job.failure_reason == "The person who asked for this undo may no longer undo imports."
    assert Import.objects.get(pk=imported.pk).status == Import.Status.DONE
    assert Customer.objects.alive().count() == 3
