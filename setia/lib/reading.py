"""Reading uploaded tables: CSV in the encodings and delimiters spreadsheets write, and XLSX.

The type is decided by the content, never the file name. XLSX is opened only after checking the
zip archive's entry count and uncompressed size (a zip bomb is refused before it is inflated);
openpyxl parses its XML with defusedxml when that is installed (it is a dependency), so entities
are never expanded, and formulas are read as their text, never evaluated.
"""

import codecs
import csv
import dataclasses
import datetime
import io
import itertools
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO

import openpyxl
from django.utils.translation import gettext_lazy as _

MAX_FILE_BYTES = 100 * 1024 * 1024  # 100k rows of an onboarding sheet are ~15 MB as CSV
MAX_ZIP_ENTRIES = 2000
MAX_UNCOMPRESSED_BYTES = 500 * 1024 * 1024
# Files people upload by mistake: PDF, PNG, JPEG, GIF, a Windows or Linux program, gzip, RAR,
# 7-Zip. Their zero bytes could otherwise pass for UTF-16 text.
NOT_SPREADSHEETS = (
    b"%PDF",
    b"\x89PNG",
    b"\xff\xd8",
    b"GIF8",
    b"MZ\x90\x00",
    b"\x7fELF",
    b"\x1f\x8b",
    b"Rar!",
    b"7z\xbc\xaf",
)
MAX_COMPRESSION_RATIO = 200
MAX_COLUMNS = 200
BLOCK_BYTES = 1024 * 1024  # read at a time to check a file's encoding

# Excel in the id-ID locale writes `;`; exports of other tools use `,` or tab.
DELIMITERS = ",;\t"


class FileError(ValueError):
    """The file as a whole cannot be imported; `message` is translatable and user-facing."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass
class Table:
    header: list[str]
    # (spreadsheet row number, cells as text): a list, or `Rows`, which reads them from the
    # file again on each pass and never holds them all.
    rows: "list[tuple[int, list[str]]] | Rows"
    kind: str  # "csv" or "xlsx"
    encoding: str = ""
    delimiter: str = ""


class Rows:
    """The non-empty rows after the header of a file, read from the file again on each
    iteration (a big file is never held in memory as rows), as (row number, cells)."""

    def __init__(self, records: Callable[[], Iterator[list[str]]], *, start: int, width: int):
        self._records = records  # a fresh iterator over the file's records, from its first
        self._start = start  # index of the header record
        self._width = width
        self._count: int | None = None

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        width = self._width
        for index, record in enumerate(self._records()):
            if index <= self._start:
                continue
            if not "".join(record).strip():  # no cell but spaces; one C call, not one per cell
                continue
            if len(record) < width:
                record = record + [""] * (width - len(record))
            yield index + 1, record

    def __len__(self) -> int:
        """The number of rows, counted by one pass over the file the first time it is asked."""
        if self._count is None:
            self._count = sum(1 for _row in self)
        return self._count

    def __getitem__(self, bounds: slice) -> list[tuple[int, list[str]]]:
        """The rows within `bounds` (a slice), read from the start of the file."""
        return list(itertools.islice(self, bounds.start, bounds.stop, bounds.step))


def read_table(data: bytes) -> Table:
    """Return the header and non-empty rows (as a list) of a CSV or XLSX file; raise FileError."""
    table = open_table(io.BytesIO(data))
    return dataclasses.replace(table, rows=list(table.rows))


def open_table(file: BinaryIO) -> Table:
    """The header of a CSV or XLSX file (a seekable binary file, kept open by the caller) and
    its rows as `Rows`, read from the file on each pass; raise FileError. The whole file is
    read once here, a block at a time, to check it (encoding, CSV syntax) and count its rows."""
    size = file.seek(0, io.SEEK_END)
    file.seek(0)
    if not size:
        raise FileError(_("The file is empty."))
    if size > MAX_FILE_BYTES:
        raise FileError(
            _("The file is larger than %(size)s MB.") % {"size": MAX_FILE_BYTES // (1024 * 1024)}
        )
    magic = file.read(8)
    file.seek(0)
    if magic.startswith(b"PK\x03\x04"):
        return _open_xlsx(file)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileError(
            _("This is an old Excel (.xls) file. Save it as .xlsx or CSV and upload it again.")
        )
    if magic.startswith(NOT_SPREADSHEETS):
        raise FileError(_("This file is not a spreadsheet. Upload a CSV or XLSX file."))
    return _open_csv(file)


def _decodes(file: BinaryIO, encoding: str) -> bool:
    """Whether the whole of `file` decodes as `encoding`, checked a block at a time."""
    decoder = codecs.getincrementaldecoder(encoding)()
    file.seek(0)
    try:
        while block := file.read(BLOCK_BYTES):
            decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        file.seek(0)
    return True


def _encoding(file: BinaryIO) -> str:
    """The encoding to read `file` with; "utf-8-sig" and "utf-16" consume their byte-order mark."""
    head = file.read(4096)
    file.seek(0)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        if not _decodes(file, "utf-16"):
            raise FileError(_("The file says it is UTF-16 but is not."))
        return "utf-16"
    # UTF-16 without a byte-order mark: every other byte of ASCII text is zero.
    if head and head.count(b"\x00") * 3 > len(head):
        encoding = "utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"
        if not _decodes(file, encoding):
            raise FileError(_("This file is not a spreadsheet. Upload a CSV or XLSX file."))
        return encoding
    if b"\x00" in head:
        raise FileError(_("This file is not a spreadsheet. Upload a CSV or XLSX file."))
    # Windows Excel's "CSV" in Western locales, when not UTF-8; its five undefined bytes are
    # read as U+FFFD.
    return "utf-8" if _decodes(file, "utf-8") else "cp1252"


@contextmanager
def _text(file: BinaryIO, encoding: str) -> Iterator[io.TextIOWrapper]:
    """`file` as text from its start; the binary file stays open afterwards."""
    file.seek(0)
    text = io.TextIOWrapper(file, encoding=encoding, errors="replace", newline="")
    try:
        yield text
    finally:
        text.detach()


def _sniff_delimiter(text: str) -> str:
    first_line = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(text[:65536], delimiters=DELIMITERS).delimiter
    except csv.Error:
        pass
    counts = {delimiter: first_line.count(delimiter) for delimiter in DELIMITERS}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _open_csv(file: BinaryIO) -> Table:
    encoding = _encoding(file)
    with _text(file, encoding) as text:
        head = text.read(65536)
    delimiter = _sniff_delimiter(head)
    # The header decides the delimiter when the sniffer was fooled by a comma in a cell.
    first_line = head.split("\n", 1)[0]
    if first_line.count(delimiter) == 0:
        counts = {candidate: first_line.count(candidate) for candidate in DELIMITERS}
        delimiter = max(counts, key=lambda candidate: counts[candidate])

    def records() -> Iterator[list[str]]:
        with _text(file, encoding) as text:
            try:
                yield from csv.reader(text, delimiter=delimiter)
            except csv.Error as error:
                raise FileError(
                    _("The CSV file is malformed: %(error)s") % {"error": error}
                ) from None

    return _table(records, kind="csv", encoding=encoding, delimiter=delimiter)


def _check_zip(file: BinaryIO) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(file)
    except zipfile.BadZipFile:
        raise FileError(_("The XLSX file is damaged.")) from None
    entries = archive.infolist()
    if len(entries) > MAX_ZIP_ENTRIES:
        raise FileError(_("The XLSX file has too many parts."))
    total = sum(entry.file_size for entry in entries)
    compressed = sum(entry.compress_size for entry in entries) or 1
    if total > MAX_UNCOMPRESSED_BYTES or total / compressed > MAX_COMPRESSION_RATIO:
        raise FileError(_("The XLSX file unpacks to too much data."))
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise FileError(_("This zip file is not an XLSX spreadsheet."))
    archive.close()
    return archive


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        # A phone typed into a numeric column comes back as 6281234567890.0.
        return str(int(value))
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _open_xlsx(file: BinaryIO) -> Table:
    _check_zip(file)

    def records() -> Iterator[list[str]]:
        file.seek(0)
        try:
            workbook = openpyxl.load_workbook(
                file, read_only=True, data_only=False, keep_links=False
            )
        except Exception:
            raise FileError(_("The XLSX file is damaged.")) from None
        try:
            for row in workbook.worksheets[0].iter_rows(values_only=True):
                yield [_cell_text(value) for value in row]
        finally:
            workbook.close()

    return _table(records, kind="xlsx")


def _table(
    records: Callable[[], Iterator[list[str]]],
    *,
    kind: str,
    encoding: str = "",
    delimiter: str = "",
) -> Table:
    # The header is the first non-empty record; spreadsheets often start with a blank line.
    start, header = next(
        (
            (index, record)
            for index, record in enumerate(records())
            if any(c.strip() for c in record)
        ),
        (None, None),
    )
    if start is None or header is None:
        raise FileError(_("The file has no header row."))
    header = [cell.strip() for cell in header]
    while header and not header[-1]:
        header.pop()
    # The mapping is keyed by header: give repeated and empty ones names of their own.
    seen: dict[str, int] = {}
    for index, name in enumerate(header):
        name = name or f"Column {index + 1}"
        seen[name] = seen.get(name, 0) + 1
        header[index] = name if seen[name] == 1 else f"{name} ({seen[name]})"
    if len(header) > MAX_COLUMNS:
        raise FileError(_("The file has more than %(count)s columns.") % {"count": MAX_COLUMNS})
    rows = Rows(records, start=start, width=len(header))
    if not len(rows):  # also reads the whole file once: a malformed CSV is refused here
        raise FileError(_("The file has a header but no rows."))
    return Table(header=header, rows=rows, kind=kind, encoding=encoding, delimiter=delimiter)
