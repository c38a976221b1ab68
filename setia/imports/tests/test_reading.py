import io

import pytest
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from setia.imports.reading import read_table

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


def test_it_skips_blank_lines_and_keeps_spreadsheet_row_numbers():
    data = b"\n\nName,Phone\nA,1\n,\nB,2\n"

    table = read_table(data)

    assert table.header == ["Name", "Phone"]
    assert table.rows == [(4, ["A", "1"]), (6, ["B", "2"])]


def test_it_names_repeated_and_empty_headers_apart():
    table = read_table(b"Phone,Phone,,Name\n1,2,3,A\n")

    assert table.header == ["Phone", "Phone (2)", "Column 3", "Name"]


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook has one worksheet, active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_it_reads_xlsx_whatever_the_file_is_called():
    import datetime

    data = _xlsx(
        [
            ["Nama Brand", "No HP", "Tanggal", "Rumus"],
            ["Batik", 6281234567801, datetime.datetime(2026, 4, 5), "=1+1"],
        ]
    )

    table = read_table(data)

    assert table.kind == "xlsx"
    assert table.header == ["Nama Brand", "No HP", "Tanggal", "Rumus"]
    # Numbers lose their `.0`, dates are ISO, formulas stay text and are never evaluated.
    assert table.rows == [(2, ["Batik", "6281234567801", "2026-04-05", "=1+1"])]
