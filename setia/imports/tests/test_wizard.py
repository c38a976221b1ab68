"""The import wizard, step by step, with the full set of cases for each page (success, wrong method, anonymous, other team, forbidden role)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from setia.accounts.models import Role
from setia.customers.models import Customer
from setia.history.models import AuditEntry
from setia.imports.models import Import, ImportSource
from setia.imports.tests.helpers import SAMPLES
from setia.test import make_user

CSV = (
    b"Nama Brand;No HP;Email;Kategori;Sumber Info\n"
    b"Batik Sekar;0812-3456-7801;sekar@batik.id;Fashion;Instagram\n"
    b"Kopi Senja;0812-3456-7802;bukan-email;F&B;Teman\n"
)


def _upload(client, data=CSV, name="sheet.csv", **fields):
    return client.post(
        reverse("imports:import-upload"),
        {"file": SimpleUploadedFile(name, data), "source": "", "default_owner": "", **fields},
    )


@pytest.fixture
def uploaded(client, manager):
    client.force_login(manager)
    _upload(client, source="onboarding sheet", default_owner=manager.pk)
    return Import.objects.get()


@pytest.fixture
def commit(client, django_capture_on_commit_callbacks):
    """POST the commit step and run the job it enqueues on commit (in-process, as without Redis)."""

    def post(batch):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(_url("import-commit", batch))

    return post


def _url(name, batch):
    return reverse(f"imports:{name}", args=[batch.code])


# --- upload ----------------------------------------------------------------------------------


def test_it_shows_the_upload_form_with_the_samples(client, manager):
    client.force_login(manager)

    response = client.get(reverse("imports:import-upload"))

    assert response.status_code == 200
    assert reverse("imports:import-sample", args=["onboarding-sheet.csv"]) in response.text
    assert reverse("imports:import-sample", args=["onboarding-sheet.xlsx"]) in response.text


def test_it_stores_the_upload_and_proposes_a_mapping(client, manager):
    client.force_login(manager)

    response = _upload(client, source="onboarding sheet")

    batch = Import.objects.get()
    assert response.status_code == 302
    assert response.url == _url("import-mapping", batch)
    assert batch.actor == manager
    assert batch.status == Import.Status.UPLOADED
    assert batch.source.name == "onboarding sheet"
    assert batch.header == ["Nama Brand", "No HP", "Email", "Kategori", "Sumber Info"]
    assert batch.mapping == {
        "Nama Brand": "name",
        "No HP": "phone",
        "Email": "email",
        "Kategori": "category",
        "Sumber Info": "",
    }
    assert len(batch.sample) == 2
    assert Customer.objects.count() == 0


def test_it_refuses_an_unusable_file_with_400(client, manager):
    client.force_login(manager)

    response = _upload(client, data=b"%PDF-1.4 not a sheet", name="sheet.csv")

    assert response.status_code == 400
    assert "not a spreadsheet" in response.text or "bukan spreadsheet" in response.text
    assert Import.objects.count() == 0


def test_an_executive_chooses_only_owners_of_their_team(client, executive, other_executive):
    client.force_login(executive)

    response = _upload(client, default_owner=other_executive.pk)

    assert response.status_code == 400
    assert Import.objects.count() == 0


@pytest.mark.parametrize("role", [Role.INTERN, Role.VIEWER])
def test_interns_and_viewers_may_not_import(client, team_a, role):
    client.force_login(make_user(role, team=team_a))

    assert client.get(reverse("imports:import-list")).status_code == 403
    assert client.get(reverse("imports:import-upload")).status_code == 403
    assert _upload(client).status_code == 403
    assert Import.objects.count() == 0


def test_anonymous_users_are_sent_to_log_in(client):
    for url in (reverse("imports:import-list"), reverse("imports:import-upload")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_the_list_refuses_post(client, manager):
    client.force_login(manager)

    assert client.post(reverse("imports:import-list")).status_code == 405


# --- mapping ---------------------------------------------------------------------------------


def test_it_shows_each_column_with_examples(client, uploaded):
    response = client.get(_url("import-mapping", uploaded))

    assert response.status_code == 200
    assert "Sumber Info" in response.text
    assert "Instagram · Teman" in response.text


def test_it_saves_the_mapping_and_remembers_it_for_the_source(client, uploaded):
    response = client.post(
        _url("import-mapping", uploaded),
        {
            "column_0": "name",
            "column_1": "phone",
            "column_2": "email",
            "column_3": "category",
            "column_4": "notes",
        },
    )

    assert response.status_code == 302
    assert response.url == _url("import-preview", uploaded)
    uploaded.refresh_from_db()
    assert uploaded.mapping["Sumber Info"] == "notes"
    assert ImportSource.objects.get().mapping["Sumber Info"] == "notes"


def test_the_remembered_mapping_is_proposed_for_the_next_file(client, uploaded):
    client.post(
        _url("import-mapping", uploaded),
        {
            "column_0": "name",
            "column_1": "phone",
            "column_2": "email",
            "column_3": "category",
            "column_4": "ignore",
        },
    )

    _upload(client, source="onboarding sheet")

    assert Import.objects.first().mapping["Sumber Info"] == "ignore"


def test_it_refuses_a_mapping_that_uses_a_field_twice(client, uploaded):
    response = client.post(
        _url("import-mapping", uploaded),
        {
            "column_0": "name",
            "column_1": "phone",
            "column_2": "phone",
            "column_3": "category",
            "column_4": "",
        },
    )

    assert response.status_code == 400
    uploaded.refresh_from_db()
    assert uploaded.mapping["Email"] == "email"


def test_another_teams_executive_cannot_see_an_import(client, executive, other_executive, commit):
    client.force_login(executive)
    _upload(client)
    batch = Import.objects.get()
    client.force_login(other_executive)

    for name in (
        "import-detail",
        "import-mapping",
        "import-preview",
        "import-dry-run",
        "import-progress",
    ):
        assert client.get(_url(name, batch)).status_code == 404, name
    assert commit(batch).status_code == 404
    batch.refresh_from_db()
    assert batch.status == Import.Status.UPLOADED


# --- preview and dry run ---------------------------------------------------------------------


def test_the_preview_shows_row_errors(client, uploaded):
    response = client.get(_url("import-preview", uploaded))

    assert response.status_code == 200
    assert "bukan-email" in response.text
    rows = response.context["rows"]
    assert [row["number"] for row in rows] == [2, 3]
    assert rows[0]["errors"] == []
    assert rows[1]["errors"][0][0] == "Email"


def test_the_preview_shows_the_problems_first_and_each_header_once(client, uploaded):
    uploaded.header = ["Nama Brand", "No HP", "EMAIL", "Kategori", "Sumber Info"]
    uploaded.mapping = {**uploaded.mapping, "EMAIL": uploaded.mapping["Email"]}
    del uploaded.mapping["Email"]
    uploaded.save(update_fields=["header", "mapping"])

    response = client.get(_url("import-preview", uploaded))

    head = response.text[response.text.index("<thead>") : response.text.index("</thead>")]
    cells = re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)
    # Right after the row number, where it is seen without scrolling sideways.
    assert cells[1] in ("Problems", "Masalah")
    assert [cell.split("<br>")[0] for cell in cells[2:]] == [
        "Nama Brand", "No HP", "EMAIL", "Kategori", "Sumber Info"
    ]  # fmt: skip
    assert cells[4] == "EMAIL"  # not "EMAIL / Email": the header already names the field
    assert "<br>" in cells[6]  # "Sumber Info" says what it becomes (an extra attribute)
    body = response.text[response.text.index("<tbody>") :]
    second_row = body.split("<tr")[2]
    assert second_row.index('class="error"') < second_row.index("bukan-email")


def test_the_dry_run_runs_as_a_job_and_shows_its_progress_meanwhile(client, uploaded):
    from setia.jobs.models import Job

    assert client.get(_url("import-dry-run", uploaded)).status_code == 200
    assert not Job.objects.exists()  # looking starts nothing

    started = client.post(_url("import-dry-run", uploaded))

    assert started.status_code == 302
    assert started.url == _url("import-dry-run", uploaded)
    job = Job.objects.get()
    assert job.name == "setia.imports.tasks.dry_run_import_task"
    assert job.state == Job.State.QUEUED
    response = client.get(started.url)
    assert 'hx-trigger="every 1s"' in response.text
    assert "Import now" not in response.text
    # a second click waits for the same job
    client.post(_url("import-dry-run", uploaded))
    assert Job.objects.count() == 1


def test_the_dry_run_refuses_put(client, uploaded):
    assert client.put(_url("import-dry-run", uploaded)).status_code == 405


# --- commit, result, undo --------------------------------------------------------------------


def test_it_imports_and_shows_the_result_with_the_error_file(client, uploaded, manager, commit):
    response = commit(uploaded)

    assert response.status_code == 302
    assert response.url == _url("import-detail", uploaded)
    uploaded.refresh_from_db()
    assert uploaded.status == Import.Status.DONE
    assert uploaded.summary() == "rows=2 created=1 updated=0 unchanged=0 duplicates=0 rejected=1"
    customer = Customer.objects.get()
    assert customer.extra == {"Sumber Info": "Instagram"}
    assert customer.owner == manager
    # One history entry for the new customer and its records.
    assert AuditEntry.objects.filter(source=uploaded.source_label).count() == 1
    page = client.get(response.url)
    assert page.status_code == 200
    assert _url("import-errors", uploaded) in page.text
    assert 'hx-trigger="every 1s"' not in page.text
    download = client.get(_url("import-errors", uploaded))
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="sheet-errors.csv"'
    assert b"bukan-email" in b"".join(download.streaming_content)


def test_committing_twice_imports_once(client, uploaded, commit):
    commit(uploaded)

    response = commit(uploaded)

    assert response.status_code == 404  # the wizard steps of a finished import are gone
    assert Customer.objects.count() == 1


def test_commit_refuses_get(client, uploaded):
    assert client.get(_url("import-commit", uploaded)).status_code == 405
    uploaded.refresh_from_db()
    assert uploaded.status == Import.Status.UPLOADED


def test_a_strict_import_with_rejections_imports_nothing(client, manager, commit):
    client.force_login(manager)
    _upload(client, is_strict="on")
    batch = Import.objects.get()

    commit(batch)

    batch.refresh_from_db()
    assert batch.status == Import.Status.FAILED
    assert Customer.objects.count() == 0
    assert AuditEntry.objects.count() == 0
    page = client.get(_url("import-detail", batch)).text
    assert "Tidak ada yang diimpor: 1 baris ditolak dan impor ini ketat." in page


def test_the_progress_box_polls_while_the_import_runs(client, uploaded):
    from setia.jobs.models import Job

    job = Job.objects.create(
        name="setia.imports.tasks.run_import_task",
        state=Job.State.RUNNING,
        progress={"phase": "write", "done": 1, "total": 2},
    )
    Import.objects.filter(pk=uploaded.pk).update(status=Import.Status.QUEUED, job=job)

    response = client.get(_url("import-progress", uploaded))

    assert response.status_code == 200
    assert 'hx-trigger="every 1s"' in response.text
    assert 'value="75"' in response.text


def test_a_manager_undoes_an_import(client, uploaded, commit, django_capture_on_commit_callbacks):
    commit(uploaded)

    with django_capture_on_commit_callbacks(execute=True):  # the undo job runs as it commits
        response = client.post(_url("import-undo", uploaded))

    assert response.status_code == 302
    assert Customer.objects.alive().count() == 0  # the one it created, soft-deleted
    uploaded.refresh_from_db()
    assert uploaded.status == Import.Status.UNDONE


def test_an_executive_may_not_undo(client, executive, commit):
    client.force_login(executive)
    _upload(client)
    batch = Import.objects.get()
    commit(batch)

    response = client.post(_url("import-undo", batch))

    assert response.status_code == 403
    assert Customer.objects.count() == 1
    batch.refresh_from_db()
    assert batch.status == Import.Status.DONE


def test_undo_refuses_get(client, uploaded, commit):
    commit(uploaded)

    assert client.get(_url("import-undo", uploaded)).status_code == 405
    assert Customer.objects.count() == 1


# --- list and samples ------------------------------------------------------------------------


def test_the_list_shows_imports_in_a_constant_number_of_queries(
    client, manager, django_assert_max_num_queries
):
    client.force_login(manager)
    for _ in range(3):
        _upload(client)
    client.get(reverse("imports:import-list"))  # warm the session and permissions

    with django_assert_max_num_queries(5):
        response = client.get(reverse("imports:import-list"))

    assert response.status_code == 200
    assert len(response.context["imports"]) == 3


def test_an_executive_sees_only_their_own_imports(client, executive, manager):
    client.force_login(manager)
    _upload(client)
    client.force_login(executive)
    _upload(client)

    response = client.get(reverse("imports:import-list"))

    assert [batch.actor for batch in response.context["imports"]] == [executive]


def test_it_serves_the_sample_sheets(client, manager):
    client.force_login(manager)

    response = client.get(reverse("imports:import-sample", args=["onboarding-sheet.xlsx"]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == (SAMPLES / "onboarding-sheet.xlsx").read_bytes()
    assert client.get(reverse("imports:import-sample", args=["models.py"])).status_code == 404


def test_an_import_whose_worker_died_shows_why_and_can_be_retried(
    client, uploaded, settings, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from setia.jobs import actions
    from setia.jobs.models import Job

    settings.JOBS_EAGER = False
    client.post(_url("import-commit", uploaded))
    job = actions.claim_next()  # … and its worker is killed
    later = timezone.now() + timedelta(seconds=settings.JOBS_HEARTBEAT_TIMEOUT + 1)
    assert actions.fail_stale(now=later) == 1

    page = client.get(_url("import-detail", uploaded))

    uploaded.refresh_from_db()
    assert uploaded.status == Import.Status.FAILED
    assert page.status_code == 200
    assert uploaded.message in page.text
    retry = reverse("jobs:job-retry", args=[job.pk])
    assert retry in page.text
    settings.JOBS_EAGER = True
    with django_capture_on_commit_callbacks(execute=True):
        back = client.post(retry, {"next": _url("import-detail", uploaded)})
    assert back.url == _url("import-detail", uploaded)
    uploaded.refresh_from_db()
    assert uploaded.status == Import.Status.DONE
    assert Job.objects.get().state == Job.State.DONE
    assert Customer.objects.count() == 1
