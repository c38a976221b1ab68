"""Formula injection, both ways: exports neutralise cells a spreadsheet would run, and importing
such an export gives back the original text."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from setia.accounts.models import Role
from setia.customers.models import Customer
from setia.imports.tests.helpers import run, write_csv
from setia.test import make_customer, make_user

CSV_URL = reverse("exports:customers-csv")


XLSX_URL = reverse("exports:customers-xlsx")


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def _xlsx(response) -> list[list]:
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    assert isinstance(sheet, ReadOnlyWorksheet)
    return [
        ["" if cell is None else cell for cell in row] for row in sheet.iter_rows(values_only=True)
    ]


@pytest.fixture
def english_executive(team_a):
    return make_user(Role.EXECUTIVE, team=team_a, language="en")


@pytest.mark.parametrize(
    ("name", "exported"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+62 Batik", "'+62 Batik"),
        ("-Diskon", "'-Diskon"),
        ("@Toko", "'@Toko"),
        ("\tTab", "'\tTab"),
        ("\rReturn", "'\rReturn"),
        ("Batik = Seni", "Batik = Seni"),
    ],
)
def test_it_neutralises_cells_a_spreadsheet_would_run(
    client, english_executive, team_a, name, exported
):
    Customer.objects.create(team=team_a, name=name, category=make_customer(team=None).category)
    client.force_login(english_executive)

    csv_names = [row[1] for row in _csv(client.get(CSV_URL))[1:]]
    xlsx_names = [row[1] for row in _xlsx(client.get(XLSX_URL))[1:]]

    assert csv_names == [exported]
    # XML stores a lone carriage return as a line feed; the prefix is what matters.
    assert [name.replace("\n", "\r") for name in xlsx_names] == [exported.replace("\n", "\r")]


def test_it_does_not_write_formulas_into_the_workbook(client, english_executive, team_a):
    make_customer(team=team_a, name="=1+1")
    client.force_login(english_executive)

    content = b"".join(client.get(XLSX_URL).streaming_content)
    sheet = load_workbook(io.BytesIO(content)).active

    assert sheet["B2"].value == "'=1+1"
    assert sheet["B2"].data_type == "s"


def test_re_importing_a_neutralised_export_restores_the_original_text(db, tmp_path, manager):
    path = write_csv(
        tmp_path / "export.csv",
        [["'=Batik+1", "'-Budi", "'+62 812 3456 7801", "Fashion", "'@sekar: =hanya pesanan"]],
        header=["Name", "Primary contact", "Phone", "Category", "Catatan"],
    )

    run(path, owner=manager.email)

    customer = Customer.objects.get()
    assert customer.name == "=Batik+1"
    assert customer.notes == "@sekar: =hanya pesanan"
    contact = customer.contacts.get()
    assert (contact.name, contact.phone) == ("-Budi", "+6281234567801")


def test_the_error_file_neutralises_formula_cells(db, tmp_path, manager):
    path = write_csv(
        tmp_path / "formula.csv", [['=HYPERLINK("x")', "", "=1+1", "", "Fashion", "", ""]]
    )

    run(path, owner=manager.email)

    text = (tmp_path / "formula.errors.csv").read_text(encoding="utf-8-sig")
    assert '\n"\'=HYPERLINK(""x"")",,\'=1+1,' in text


def test_an_exported_formula_comes_back_as_the_same_text_and_creates_nothing(
    client, manager, team_a, tmp_path
):
    names = ['=HYPERLINK("http://evil")', "+62 Batik", "-Diskon", "@Toko"]
    for name in names:
        make_customer(team=team_a, name=name)
    client.force_login(manager)
    exported = tmp_path / "export.csv"
    exported.write_bytes(b"".join(client.get(CSV_URL).streaming_content))
    before = set(Customer.objects.values_list("code", "name"))

    _output, summary = run(exported, owner=manager.email)

    assert summary == "rows=4 created=0 updated=0 unchanged=4 duplicates=0 rejected=0 warnings=0"
    assert set(Customer.objects.values_list("code", "name")) == before
    assert sorted(name for _code, name in before) == sorted(names)
