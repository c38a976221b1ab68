"""Cells that go to and come back from spreadsheets: formula neutralisation; CSV and XLSX
downloads of a header and rows.

A spreadsheet runs a cell starting with `=`, `+`, `-` or `@` as a formula (and a leading tab
or carriage return can hide one), so text written to a CSV or workbook we hand out gets a `'`
prefix, which spreadsheets show as text; reading such a file back strips the prefix again.
"""

import csv
import tempfile
from collections.abc import Iterable

from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Text a spreadsheet would run as a formula gets a `'` prefix; other values (numbers,
    dates, None) are returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unneutralise(cell: str) -> str:
    """Undo `neutralise`: `'=SUM(1)` gives `=SUM(1)`; any other cell is returned unchanged."""
    if len(cell) > 1 and cell[0] == "'" and cell[1] in FORMULA_STARTS:
        return cell[1:]
    return cell


CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"  # lets Excel read the file as UTF-8 (Indonesian names, "Rp", …)


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a generator."""

    def write(self, value):
        return value


def csv_download(header: Iterable, rows: Iterable[Iterable], filename: str):
    """A CSV download streamed row by row as `rows` yields them (memory stays flat however
    many), with a BOM so that Excel reads it as UTF-8. The rows are written as given: callers
    neutralise their text cells."""
    writer = csv.writer(_Echo())

    def lines():
        yield BOM + writer.writerow(header)
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_download(header: Iterable, rows: Iterable[Iterable], filename: str):
    """An XLSX download of one sheet. openpyxl's write-only mode keeps memory flat, but a
    workbook is a zip whose directory is written last: the file is built in a temporary file
    first, then streamed from disk."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    return workbook_download(workbook, filename)


def workbook_download(workbook: Workbook, filename: str):
    """An XLSX download of a workbook built by the caller (several sheets, charts). A workbook
    is a zip whose directory is written last: it is saved to a temporary file first, then
    streamed from disk."""
    output = tempfile.TemporaryFile()  # noqa: SIM115  (FileResponse closes it)
    workbook.save(output)
    output.seek(0)
    return FileResponse(output, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
