"""A dry run counts what an import would do and writes nothing: no record and no history, from
the command line or the wizard, whose rejected rows it offers as an error file."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from setia.imports.models import Import
from setia.imports.tests.helpers import counts, run, write_csv
from setia.test import make_contact, make_customer

ROWS = [
    ["Batik Sekar", "Ibu Sekar", "0812-3456-7801", "Sekar@Batik.id", "Fashion", "Solo", "batik.id"],
    ["Kopi Senja", "Dimas", "+62 812 3456 7802", "halo@kopi.id", "F&B", "Sleman", "kopi.id"],
]


def test_it_changes_nothing_on_a_dry_run(db, tmp_path, manager):
    existing = make_customer(name="Batik")
    make_contact(existing, phone="+6281234567801")
    rows = [
        ["Batik Baru", "", "0812-3456-7801", "", "", "", ""],
        *ROWS[1:],
        ["", "", "1", "", "", "", ""],
    ]
    path = write_csv(tmp_path / "dry.csv", rows)
    before = counts()

    output, summary = run(path, owner=manager.email, dry_run=True)

    assert "dry run: nothing was written" in output
    assert summary == "rows=3 created=1 updated=1 unchanged=0 duplicates=0 rejected=1 warnings=0"
    assert counts() == before
    existing.refresh_from_db()
    assert existing.name == "Batik"
    assert existing.version == 1


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


def _url(name, batch):
    return reverse(f"imports:{name}", args=[batch.code])


def test_the_dry_run_counts_without_writing(client, uploaded, django_capture_on_commit_callbacks):
    before = counts()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url("import-dry-run", uploaded))
    response = client.get(_url("import-dry-run", uploaded))

    assert response.status_code == 200
    assert 'hx-trigger="every 1s"' not in response.text
    assert response.context["counts"] == {
        "rows": 2,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "duplicates": 0,
        "rejected": 1,
        "warnings": 0,
    }
    assert counts() == before
    errors = client.get(_url("import-dry-run-errors", uploaded))
    assert errors.status_code == 200
    assert b"bukan-email" in b"".join(errors.streaming_content)
    assert counts() == before
