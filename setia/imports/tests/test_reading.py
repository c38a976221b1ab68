import io

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from setia.lib.reading import read_table


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
