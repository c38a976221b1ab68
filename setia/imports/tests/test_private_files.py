"""Imported files are customer data: never under the served media folder, downloaded only by
those who may see the import, and deleted after IMPORT_FILE_RETENTION_DAYS."""

import importlib
import types
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.conf.urls.static import static
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from setia import urls as project_urls
from setia.imports.actions import delete_old_files
from setia.imports.models import Import
from setia.imports.tasks import delete_old_import_files

CSV = b"Nama Brand;No HP\nBatik Sekar;0812-3456-7801\n"


@pytest.fixture
def uploaded(client, executive):
    client.force_login(executive)
    client.post(
        reverse("imports:import-upload"),
        {"file": SimpleUploadedFile("sheet.csv", CSV), "source": "", "default_owner": ""},
    )
    client.logout()
    return Import.objects.get()


def _with_files(actor, *, age_days: int, status=Import.Status.DONE) -> Import:
    batch = Import.objects.create(actor=actor, file_name="old.csv", status=status)
    batch.file.save(f"{batch.code}.csv", ContentFile(CSV), save=False)
    batch.error_file.save(f"{batch.code}.csv", ContentFile(b"row,reason\n"), save=False)
    batch.save()
    Import.objects.filter(pk=batch.pk).update(created_at=timezone.now() - timedelta(days=age_days))
    batch.refresh_from_db()
    return batch


def _served_media_urlconf(settings):
    """The project's URLs with media served as under DEBUG (`make run`)."""
    settings.DEBUG = True
    urlconf = types.ModuleType("served_media_urls")
    urlconf.urlpatterns = [
        *project_urls.urlpatterns,
        *static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT),
    ]
    return urlconf


# --- storage ---------------------------------------------------------------------------------


def test_it_stores_the_upload_in_the_private_folder(settings, uploaded):
    path = Path(uploaded.file.path)

    assert path == Path(settings.PRIVATE_ROOT) / "imports" / "files" / f"{uploaded.code}.csv"
    assert path.read_bytes() == CSV
    assert not (Path(settings.MEDIA_ROOT) / "imports").exists()


def test_the_served_media_path_does_not_return_the_file(client, settings, uploaded, executive):
    screenshot = Path(settings.MEDIA_ROOT) / "library" / "shot.png"
    screenshot.parent.mkdir(parents=True)
    screenshot.write_bytes(b"png")
    settings.ROOT_URLCONF = _served_media_urlconf(settings)
    client.force_login(executive)

    # Media is served (library screenshots are public), the import file is not there.
    assert client.get("/media/library/shot.png").status_code == 200
    assert client.get(f"/media/imports/files/{uploaded.code}.csv").status_code == 404
    assert client.get(f"/media/{uploaded.file.name}").status_code == 404


def test_private_files_have_no_url(uploaded):
    with pytest.raises(ValueError):
        uploaded.file.url  # noqa: B018


# --- download --------------------------------------------------------------------------------


def test_it_lets_the_owner_download_the_uploaded_file(client, uploaded, executive):
    client.force_login(executive)

    response = client.get(reverse("imports:import-file", args=[uploaded.code]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == CSV
    assert response["Content-Disposition"] == 'attachment; filename="sheet.csv"'
    assert response["Cache-Control"] == "private, no-store"


def test_it_sends_anonymous_visitors_to_log_in(client, uploaded):
    url = reverse("imports:import-file", args=[uploaded.code])

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"


def test_it_hides_the_file_from_another_team(client, uploaded, other_executive):
    client.force_login(other_executive)

    assert client.get(reverse("imports:import-file", args=[uploaded.code])).status_code == 404
    assert client.get(reverse("imports:import-detail", args=[uploaded.code])).status_code == 404


def test_it_serves_the_error_file_privately(client, executive):
    batch = _with_files(executive, age_days=1)
    client.force_login(executive)

    response = client.get(reverse("imports:import-errors", args=[batch.code]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"row,reason\n"
    assert response["Content-Disposition"] == 'attachment; filename="old-errors.csv"'
    assert response["Cache-Control"] == "private, no-store"


def test_the_result_page_links_the_uploaded_file(client, executive):
    batch = _with_files(executive, age_days=1)
    client.force_login(executive)

    response = client.get(reverse("imports:import-detail", args=[batch.code]))

    assert reverse("imports:import-file", args=[batch.code]) in response.text


# --- retention -------------------------------------------------------------------------------


def test_it_deletes_old_files_and_keeps_recent_ones(settings, executive):
    settings.IMPORT_FILE_RETENTION_DAYS = 30
    old = _with_files(executive, age_days=31)
    recent = _with_files(executive, age_days=29)
    old_paths = [Path(old.file.path), Path(old.error_file.path)]

    assert delete_old_import_files() == 1

    assert [path.exists() for path in old_paths] == [False, False]
    old.refresh_from_db()
    assert (old.file.name, old.error_file.name) == ("", "")
    assert old.files_removed_at is not None
    assert old.summary() == "rows=0 created=0 updated=0 unchanged=0 duplicates=0 rejected=0"
    recent.refresh_from_db()
    assert Path(recent.file.path).read_bytes() == CSV
    assert Path(recent.error_file.path).exists()
    assert recent.files_removed_at is None


def test_deleting_old_files_again_does_nothing(executive):
    old = _with_files(executive, age_days=31)
    delete_old_files(now=timezone.now())
    removed_at = Import.objects.get(pk=old.pk).files_removed_at

    assert delete_old_files(now=timezone.now()) == 0

    assert Import.objects.get(pk=old.pk).files_removed_at == removed_at


def test_it_finishes_a_run_killed_after_deleting_the_files(executive):
    old = _with_files(executive, age_days=31)
    Path(old.file.path).unlink()  # as if the last run died before clearing the fields

    assert delete_old_files(now=timezone.now()) == 1

    assert Import.objects.filter(pk=old.pk, file="", error_file="").count() == 1


def test_a_running_import_keeps_its_file(executive):
    running = _with_files(executive, age_days=40, status=Import.Status.RUNNING)

    assert delete_old_files(now=timezone.now()) == 0

    assert Path(running.file.path).exists()


def test_it_clears_many_imports_in_a_few_queries(executive, django_assert_num_queries):
    for _ in range(3):
        _with_files(executive, age_days=31)

    # One SELECT of the batch, one UPDATE, one SELECT that finds nothing left.
    with django_assert_num_queries(3):
        assert delete_old_files(now=timezone.now()) == 3


def test_the_page_says_the_files_were_removed(client, settings, executive):
    settings.IMPORT_FILE_RETENTION_DAYS = 30
    old = _with_files(executive, age_days=31)
    delete_old_files(now=timezone.now())
    client.force_login(executive)

    response = client.get(reverse("imports:import-detail", args=[old.code]))

    assert response.status_code == 200
    # The executive reads Setia in Indonesian.
    assert "berkas impor disimpan selama 30 hari." in response.text
    assert reverse("imports:import-file", args=[old.code]) not in response.text
    assert client.get(reverse("imports:import-file", args=[old.code])).status_code == 404
    assert client.get(reverse("imports:import-errors", args=[old.code])).status_code == 404


def test_an_unfinished_wizard_whose_file_was_deleted_cannot_go_on(client, executive):
    old = _with_files(executive, age_days=31, status=Import.Status.UPLOADED)
    delete_old_files(now=timezone.now())
    client.force_login(executive)

    response = client.get(reverse("imports:import-detail", args=[old.code]))

    assert reverse("imports:import-mapping", args=[old.code]) not in response.text
    assert client.get(reverse("imports:import-dry-run", args=[old.code])).status_code == 404


def test_the_job_is_scheduled(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["imports-delete-old-files"]

    assert entry["task"] == "setia.imports.tasks.delete_old_import_files"


# --- files uploaded before the private folder ------------------------------------------------


def test_the_migration_moves_existing_files_out_of_media(settings, executive):
    migration = importlib.import_module("setia.imports.migrations.0004_private_files")
    batch = Import.objects.create(
        actor=executive, file_name="a.csv", file="imports/files/a.csv", error_file=""
    )
    public = Path(settings.MEDIA_ROOT) / "imports" / "files" / "a.csv"
    public.parent.mkdir(parents=True)
    public.write_bytes(CSV)

    migration.to_private(apps, None)
    migration.to_private(apps, None)  # again: nothing left to move, nothing breaks

    assert not public.exists()
    assert Path(Import.objects.get(pk=batch.pk).file.path).read_bytes() == CSV
