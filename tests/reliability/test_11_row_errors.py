"""Row errors name the row, the column and the reason, in the importer's language, and the error
file keeps the original cells of each rejected row."""

from setia.accounts.models import Role
from setia.imports.tests.helpers import run, write_csv
from setia.test import make_user


def test_it_writes_the_error_file_with_the_original_cells_and_reasons(db, tmp_path):
    manager = make_user(Role.MANAGER, language="en")
    rows = [
        ["Batik", "Sekar", "12", "not-an-email", "Fashon", "", ""],
        ["Kopi", "Dimas", "0812-3456-7802", "", "F&B", "", ""],
    ]
    path = write_csv(tmp_path / "bad.csv", rows)

    output, summary = run(path, owner=manager.email)

    assert summary == "rows=2 created=1 updated=0 unchanged=0 duplicates=0 rejected=1 warnings=0"
    error_path = tmp_path / "bad.errors.csv"
    assert output.splitlines()[-1] == str(error_path)
    lines = error_path.read_text(encoding="utf-8-sig").splitlines()
    assert (
        lines[0] == "Nama Brand,Nama Pemilik,No HP,Email,Kategori,Kota,URL Toko,Row,Column,Reason"
    )
    assert lines[1:] == [
        "Batik,Sekar,12,not-an-email,Fashon,,,2,No HP; Email; Kategori,"
        "No HP: 12 is not a phone number: it has 2 digits; "
        "Email: not-an-email is not an e-mail address; "
        "Kategori: Unknown category Fashon. Did you mean Fashion?",
    ]


def test_it_gives_every_reason_of_a_row_on_its_one_error_line(db, tmp_path):
    manager = make_user(Role.MANAGER, language="en")
    # Three problems: two cells refused, and no category for what would be a new customer.
    path = write_csv(tmp_path / "three.csv", [["Batik", "", "12", "salah", "", "", ""]])

    _output, summary = run(path, owner=manager.email)

    assert summary == "rows=1 created=0 updated=0 unchanged=0 duplicates=0 rejected=1 warnings=0"
    lines = (tmp_path / "three.errors.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[1:] == [
        "Batik,,12,salah,,,,2,No HP; Email,"
        "No HP: 12 is not a phone number: it has 2 digits; "
        "Email: salah is not an e-mail address; "
        "A new customer needs a category",
    ]
