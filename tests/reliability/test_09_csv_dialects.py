"""CSV dialects: comma, semicolon (Excel in the id-ID locale) and tab, with or without a byte-order
mark, CRLF or LF, UTF-8, UTF-16 or Windows-1252, give the same table and import as the same
records."""

import codecs
import csv
import io

import pytest
from django.db import transaction

from setia.customers.models import Customer
from setia.imports.tests.helpers import HEADER as HEADER_IMPORT
from setia.imports.tests.helpers import run
from setia.lib.reading import read_table

HEADER = ["Nama Brand", "No HP", "Catatan"]


ROWS = [["Batik Sekar", "0812-3456-7801", "Kain\nbatik; tulis, halus"], ["Kopi Café", "", "énak"]]


def _csv(delimiter: str) -> str:
    lines = [delimiter.join(HEADER)]
    for row in ROWS:
        lines.append(
            delimiter.join(
                f'"{cell}"'
                if "\n" in cell or delimiter in cell or "," in cell or ";" in cell
                else cell
                for cell in row
            )
        )
    return "\r\n".join(lines) + "\r\n"


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize(
    ("encoding", "prefix", "expected"),
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"),
        ("utf-16", b"", "utf-16"),  # Python writes a byte-order mark
        ("utf-16-le", b"", "utf-16-le"),  # none: recognised by its zero bytes
        ("cp1252", b"", "cp1252"),
    ],
)
def test_it_reads_csv_in_every_encoding_and_delimiter(delimiter, encoding, prefix, expected):
    data = prefix + _csv(delimiter).encode(encoding)

    table = read_table(data)

    assert table.kind == "csv"
    assert table.encoding == expected
    assert table.delimiter == delimiter
    assert table.header == HEADER
    assert [cells for _number, cells in table.rows] == ROWS
    assert [number for number, _cells in table.rows] == [2, 3]


SHEET = [
    ["Batik Sekar", "Ibu Sekar", "0812-3456-7801", "sekar@batik.id", "Fashion", "Solo", "batik.id"],
    ["Kopi Café; Senja", "Dimas, S.E.", "+62 812 3456 7802", "", "F&B", "Sleman", ""],
    ['Tenun "Ikat"', "Ni Luh", "", "luh@tenun.id", "Fashion", "Denpasar", "tenun.id"],
]
DIALECTS = {
    "comma, UTF-8, CRLF": {"delimiter": ","},
    "comma, UTF-8, LF": {"delimiter": ",", "newline": "\n"},
    "semicolon, UTF-8 with BOM (Excel id-ID, CSV UTF-8)": {"delimiter": ";", "bom": True},
    "semicolon, Windows-1252 (Excel id-ID, CSV)": {"delimiter": ";", "encoding": "cp1252"},
    "tab, UTF-16 (Excel, Unicode text)": {"delimiter": "\t", "encoding": "utf-16"},
    "tab, UTF-8, LF": {"delimiter": "\t", "newline": "\n"},
}


def _write(path, *, delimiter, encoding="utf-8", bom=False, newline="\r\n"):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerows(
        [HEADER_IMPORT, *SHEET]
    )
    data = buffer.getvalue().encode(encoding)
    path.write_bytes((codecs.BOM_UTF8 if bom else b"") + data)
    return path


def _records() -> list[tuple]:
    return sorted(
        (
            customer.name,
            customer.category.slug,
            customer.city,
            tuple(customer.contacts.values_list("name", "phone", "whatsapp", "email")),
            tuple(customer.stores.values_list("domain", "url")),
        )
        for customer in Customer.objects.select_related("category")
    )


def _imported(path, owner) -> tuple[str, list[tuple]]:
    """Import a file, read back what it made, and leave the database as it was."""
    with transaction.atomic():
        _output, summary = run(path, owner=owner.email)
        records = _records()
        transaction.set_rollback(True)
    return summary, records


def test_every_dialect_imports_as_the_same_records(db, tmp_path, manager):
    results = {
        name: _imported(_write(tmp_path / f"{number}.csv", **options), manager)
        for number, (name, options) in enumerate(DIALECTS.items())
    }

    expected = results["comma, UTF-8, CRLF"]
    assert (
        expected[0] == "rows=3 created=3 updated=0 unchanged=0 duplicates=0 rejected=0 warnings=0"
    )
    assert [record[0] for record in expected[1]] == [
        "Batik Sekar",
        "Kopi Café; Senja",
        'Tenun "Ikat"',
    ]
    assert {name: result for name, result in results.items() if result != expected} == {}
