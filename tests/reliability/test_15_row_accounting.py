"""Every row of a file is counted exactly once (created, updated, unchanged, duplicate or
rejected), and the error file has exactly one line per rejected row."""

import csv
import datetime

import pytest

from setia.accounts.models import Role
from setia.imports.models import Import
from setia.imports.tests.helpers import run, write_csv
from setia.test import make_contact, make_customer, make_user


def test_it_writes_one_error_line_per_rejected_row(db, tmp_path):
    manager = make_user(Role.MANAGER, language="en")
    deleted = make_customer(name="Lama")
    make_contact(deleted, phone="+6281234567809")
    deleted.deleted_at = datetime.datetime.now(tz=datetime.UTC)
    deleted.save()
    first, second = make_customer(name="A"), make_customer(name="B")
    make_contact(first, phone="+6281234567801")
    make_contact(second, email="b@b.id")
    rows = [
        ["Batik", "", "12", "salah", "Fashon", "", ""],  # three refused cells
        ["", "", "", "", "Fashion", "", ""],  # nothing to identify it
        ["Baru", "", "0812-3456-7805", "", "", "", ""],  # new, without a category
        ["A", "", "0812-3456-7801", "b@b.id", "", "", ""],  # two customers
        ["Lama", "", "0812-3456-7809", "x@", "", "", ""],  # deleted, and a refused e-mail
        ["Kopi", "", "0812-3456-7802", "", "F&B", "", ""],  # created
    ]
    path = write_csv(tmp_path / "mixed.csv", rows)

    _output, summary = run(path, owner=manager.email)

    assert summary == "rows=6 created=1 updated=0 unchanged=0 duplicates=0 rejected=5 warnings=0"
    with open(tmp_path / "mixed.errors.csv", encoding="utf-8-sig", newline="") as file:
        lines = list(csv.reader(file))
    assert [(line[7], line[9]) for line in lines[1:]] == [
        (
            "2",
            "No HP: 12 is not a phone number: it has 2 digits; "
            "Email: salah is not an e-mail address; "
            "Kategori: Unknown category Fashon. Did you mean Fashion?",
        ),
        ("3", "The row has no brand name, phone, e-mail or store URL"),
        ("4", "A new customer needs a category"),
        (
            "5",
            "The phone, e-mail or store URL of this row belong to 2 different customers; "
            "merge them first or correct the row",
        ),
        (
            "6",
            "Email: x@ is not an e-mail address; "
            "This row matches the deleted customer Lama; restore it first",
        ),
    ]


def _error_rows(path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file))[1:]


@pytest.mark.parametrize("dry_run", [False, True])
def test_every_row_is_counted_once_and_each_rejected_row_is_one_error_line(db, tmp_path, dry_run):
    manager = make_user(Role.MANAGER, language="en")
    same = make_customer(name="Sama")
    make_contact(same, phone="+6281234567811")
    changed = make_customer(name="Lama")
    make_contact(changed, phone="+6281234567812")
    rows = [
        ["Baru", "", "0812-3456-7801", "", "Fashion", "", ""],  # created
        ["Baru lagi", "", "+62 812 3456 7801", "", "", "", ""],  # duplicate of the row above
        ["Sama", "", "0812-3456-7811", "", "", "", ""],  # unchanged
        ["Lama Baru", "", "0812-3456-7812", "", "", "", ""],  # updated
        ["Batik", "", "12", "salah", "Fashon", "", ""],  # rejected, three reasons
        ["", "", "", "", "", "Solo", ""],  # rejected: nothing identifies it
        ["Tanpa Kategori", "", "0812-3456-7899", "", "", "", ""],  # rejected: no category
    ]
    path = write_csv(tmp_path / "mixed.csv", rows)

    _output, summary = run(path, owner=manager.email, dry_run=dry_run)

    counted = dict(pair.split("=") for pair in summary.split())
    assert counted == {
        "rows": "7",
        "created": "1",
        "updated": "1",
        "unchanged": "1",
        "duplicates": "1",
        "rejected": "3",
        "warnings": "0",
    }
    assert int(counted["rows"]) == sum(
        int(n) for key, n in counted.items() if key not in ("rows", "warnings")
    )
    errors = _error_rows(tmp_path / "mixed.errors.csv")
    assert len(errors) == int(counted["rejected"])
    # Each error line is its row as it was in the file, then row, column and reason.
    assert [line[:7] for line in errors] == [rows[4], rows[5], rows[6]]
    assert [line[7] for line in errors] == ["6", "7", "8"]
    if not dry_run:
        batch = Import.objects.get()
        assert (batch.rows, batch.created, batch.updated) == (7, 1, 1)
        assert (batch.unchanged, batch.duplicates, batch.rejected) == (1, 1, 3)
