"""Big files: read as a stream, and a file longer than a chunk of rows imports exactly as if
it were read at once."""

import csv

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from setia.customers.models import Customer
from setia.imports import engine, writing
from setia.imports.mapping import propose_mapping
from setia.imports.models import Import
from setia.imports.tests.helpers import counts, run, write_csv
from setia.lib.reading import read_table
from setia.test import make_contact, make_customer

ROWS = [
    ["Batik", "Sekar", "0812-3456-7801", "", "Fashion", "", ""],
    ["Kopi", "Dimas", "0812-3456-7802", "kopi@kopi.id", "F&B", "Sleman", "kopi.id"],
    ["Rusak", "", "12", "", "Fashion", "", ""],  # not a phone number
    ["Toko Lama Baru", "", "0812-3456-7890", "", "", "", ""],  # the existing customer
    ["Batik lagi", "", "+62 812 3456 7801", "sekar@batik.id", "", "Solo", "batik.id"],
    ["Tanpa Kategori", "", "0812-3456-7803", "", "", "", ""],  # new, without a category
    ["", "", "", "lama@toko.id", "", "Medan", ""],  # the existing customer again
    ["Kopi", "", "0812-3456-7802", "", "Zzz Lain", "", ""],  # a duplicate, outside the list
]


@pytest.fixture(params=[1, 2, 3, 1000], ids=lambda size: f"{size}-rows-a-chunk")
def chunk_size(request, monkeypatch):
    monkeypatch.setattr(engine, "ROWS_PER_CHUNK", request.param)
    return request.param


@pytest.fixture
def existing(db):
    customer = make_customer(name="Toko Lama", city="Bandung")
    make_contact(customer, phone="+6281234567890", email="lama@toko.id")
    return customer


def test_every_chunk_size_gives_the_same_import(tmp_path, manager, existing, chunk_size):
    path = write_csv(tmp_path / "sheet.csv", ROWS)

    _output, dry_run = run(path, owner=manager.email, dry_run=True)
    _output, summary = run(path, owner=manager.email)

    expected = "rows=8 created=2 updated=1 unchanged=0 duplicates=3 rejected=2 warnings=1"
    assert dry_run == summary == expected
    # A duplicate fills the blanks of the first row, in whichever chunk it is.
    batik = Customer.objects.get(name="Batik")
    assert batik.city == "Solo"
    assert batik.contacts.get().email == "sekar@batik.id"
    assert batik.stores.get().domain == "batik.id"
    # Two rows naming the same existing customer update it once, with the values of both.
    existing.refresh_from_db()
    assert (existing.name, existing.city) == ("Toko Lama Baru", "Medan")
    assert Customer.objects.count() == 3
    with (tmp_path / "sheet.errors.csv").open(encoding="utf-8-sig", newline="") as file:
        lines = list(csv.reader(file))[1:]
    # The rejected rows, then the warning of the duplicate absorbed by the first Kopi row.
    assert [line[len(ROWS[0])] for line in lines] == ["4", "7", "9"]
    assert lines[-1][-1] == "PERINGATAN: Kategori: Kategori Zzz Lain tidak dikenal"
    assert "Pelanggan baru memerlukan kategori" in lines[1][-1]  # the owner's language


def test_every_chunk_size_imports_nothing_twice(tmp_path, manager, existing, chunk_size):
    path = write_csv(tmp_path / "sheet.csv", ROWS)
    run(path, owner=manager.email)

    _output, summary = run(path, owner=manager.email)

    assert summary == "rows=8 created=0 updated=0 unchanged=3 duplicates=3 rejected=2 warnings=1"
    assert Customer.objects.count() == 3


def test_a_failure_in_a_later_chunk_leaves_nothing(db, tmp_path, manager, monkeypatch):
    monkeypatch.setattr(engine, "ROWS_PER_CHUNK", 2)
    written = []
    apply_chunk = writing.apply_chunk

    def fail_on_the_second_chunk(chunk, batch, *, actor):
        if written:
            raise RuntimeError("the database went away")
        written.append(apply_chunk(chunk, batch, actor=actor))
        return written[-1]

    monkeypatch.setattr(writing, "apply_chunk", fail_on_the_second_chunk)
    path = write_csv(tmp_path / "sheet.csv", ROWS)
    before = counts()

    with pytest.raises(RuntimeError):
        run(path, owner=manager.email)

    assert written and written[0]  # the first chunk had been written
    assert counts() == before


def test_an_upload_kept_in_a_temporary_file_is_read_as_a_stream(client, manager, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every upload goes to a temporary file
    lines = ["Nama Brand;No HP;Catatan"] + [
        f'Toko {n};0812-3456-{n:04d};"baris 1\nbaris 2"' for n in range(1, 31)
    ]
    data = "\n".join(lines).encode("cp1252")
    client.force_login(manager)

    response = client.post(
        reverse("imports:import-upload"),
        {"file": SimpleUploadedFile("sheet.csv", data), "source": "", "default_owner": ""},
    )

    assert response.status_code == 302
    batch = Import.objects.get()
    assert batch.header == ["Nama Brand", "No HP", "Catatan"]
    assert len(batch.sample) == 20
    assert batch.sample[0] == [2, ["Toko 1", "0812-3456-0001", "baris 1\nbaris 2"]]
    with batch.file.open("rb") as stored:
        assert stored.read() == data


def test_every_chunk_size_counts_the_values_outside_the_lists(tmp_path, manager, chunk_size):
    header = ["Nama Brand", "No HP", "Kategori", "Paket"]
    rows = [
        ["Satu", "0812-3456-7811", "Zzz Lain", "Pro"],
        ["Dua", "0812-3456-7812", "Fashion", "Pro"],
        ["Tiga", "0812-3456-7813", "Zzz Lain", "Growth"],
        ["Satu lagi", "0812-3456-7811", "Zzz Lain", ""],  # a duplicate of the first row
    ]
    path = write_csv(tmp_path / "sheet.csv", rows, header)

    _output, summary = run(path, owner=manager.email)

    assert summary == "rows=4 created=3 updated=0 unchanged=0 duplicates=1 rejected=0 warnings=5"
    # A new customer whose category is outside the list is filed under the fallback one.
    assert Customer.objects.get(name="Satu").category.slug == "other"
    with path.open("rb") as file:
        table = read_table(file.read())
    plan = engine.plan_import(table, propose_mapping(table.header), actor=manager)
    assert [
        (item["column"], item["value"], item["rows"]) for item in engine.unknown_values(plan)
    ] == [
        ("Kategori", "Zzz Lain", 3),
        ("Paket", "Pro", 2),
    ]
