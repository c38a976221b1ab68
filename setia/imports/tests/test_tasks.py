from django.core.files.base import ContentFile

from setia.customers.models import Customer
from setia.imports.mapping import propose_mapping
from setia.imports.models import Import
from setia.imports.tasks import run_import_task
from setia.jobs.actions import enqueue, run_pending
from setia.jobs.models import Job

CSV = b"Nama Brand,No HP,Kategori\nBatik,0812-3456-7801,Fashion\n"


def _queued(actor) -> Import:
    batch = Import(
        actor=actor,
        file_name="sheet.csv",
        mapping=propose_mapping(["Nama Brand", "No HP", "Kategori"]),
        status=Import.Status.QUEUED,
    )
    batch.file.save("sheet.csv", ContentFile(CSV), save=False)
    batch.save()
    return batch


def test_it_runs_a_queued_import(db, manager):
    batch = _queued(manager)

    assert run_import_task(batch.pk) == Import.Status.DONE

    batch.refresh_from_db()
    assert batch.summary() == "rows=1 created=1 updated=0 unchanged=0 duplicates=0 rejected=0"
    assert Customer.objects.count() == 1


def test_running_it_again_does_nothing(db, manager):
    batch = _queued(manager)
    run_import_task(batch.pk)

    assert run_import_task(batch.pk) == Import.Status.DONE

    assert Customer.objects.count() == 1
    assert Import.objects.get().created == 1


def test_a_file_that_became_unreadable_fails_the_import_and_its_job_with_its_reason(db, manager):
    batch = _queued(manager)
    batch.file.save("sheet.csv", ContentFile(b""), save=True)
    job = enqueue("setia.imports.tasks.run_import_task", batch.pk, created_by=manager)

    assert run_pending() == 1

    batch.refresh_from_db()
    job.refresh_from_db()
    assert batch.status == Import.Status.FAILED
    assert batch.message in ("The file is empty.", "Berkas ini kosong.")
    assert job.state == Job.State.FAILED
    assert job.failure_reason == batch.message
    assert Customer.objects.count() == 0


def test_the_demo_loader_writes_nothing(db):
    from datetime import date

    from setia.imports.demo_load import load

    summary = load(seed=1, people=None, reference=date(2026, 1, 1), progress=None)

    assert summary == (
        "imports: sample sheets to try in the wizard: onboarding-sheet.csv, onboarding-sheet.xlsx"
    )
    assert Import.objects.count() == 0
