"""Reading uploaded tables: CSV in the encodings and delimiters spreadsheets write, and XLSX.

The type is decided by the content, never the file name. XLSX is opened only after checking the
zip archive's entry count and uncompressed size (a zip bomb is refused before it is inflated);
openpyxl parses its XML with defusedxml when that is installed (it is a dependency), so entities
are never expanded, and formulas are read as their text, never evaluated.
"""

import codecs
import csv
import datetime
import io
import zipfile
from dataclasses import dataclass

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
    rows: list[tuple[int, list[str]]]  # (spreadsheet row number, cells as text)
    kind: str  # "csv" or "xlsx"
    encoding: str = ""
    delimiter: str = ""


def read_table(data: bytes) -> Table:
    """Return the header and non-empty rows of a CSV or XLSX file; raise FileError."""
    if not data:
        raise FileError(_("The file is empty."))
    if len(data) > MAX_FILE_BYTES:
        raise FileError(
            _("The file is larger than %(size)s MB.") % {"size": MAX_FILE_BYTES // (1024 * 1024)}
        )
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileError(
            _("This is an old Excel (.xls) file. Save it as .xlsx or CSV and upload it again.")
        )
    if data.startswith(NOT_SPREADSHEETS):
        raise FileError(_("This file is not a spreadsheet. Upload a CSV or XLSX file."))
    return _read_csv(data)


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise FileError(_("The file says it is UTF-16 but is not.")) from None
    head = data[:4096]
    # UTF-16 without a byte-order mark: every other byte of ASCII text is zero.
    if head and head.count(b"\x00") * 3 > len(head):
        encoding = "utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            raise FileError(
                _("This file is not a spreadsheet. Upload a CSV or XLSX file.")
            ) from None
    if b"\x00" in head:
        raise FileError(_("This file is not a spreadsheet. Upload a CSV or XLSX file."))
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        # Windows Excel's "CSV" in Western locales; the five undefined bytes become U+FFFD.
        return data.decode("cp1252", errors="replace"), "cp1252"


def _sniff_delimiter(text: str) -> str:
    first_line = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(text[:65536], delimiters=DELIMITERS).delimiter
    except csv.Error:
        pass
    counts = {delimiter: first_line.count(delimiter) for delimiter in DELIMITERS}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _read_csv(data: bytes) -> Table:
    text, encoding = _decode(data)
    delimiter = _sniff_delimiter(text)
    # The header decides the delimiter when the sniffer was fooled by a comma in a cell.
    first_line = text.split("\n", 1)[0]
    if first_line.count(delimiter) == 0:
        counts = {candidate: first_line.count(candidate) for candidate in DELIMITERS}
        delimiter = max(counts, key=lambda candidate: counts[candidate])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as error:
        raise FileError(_("The CSV file is malformed: %(error)s") % {"error": error}) from None
    return _table(records, kind="csv", encoding=encoding, delimiter=delimiter)


def _check_zip(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
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


def _read_xlsx(data: bytes) -> Table:
    _check_zip(data)
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=False, keep_links=False
        )
    except Exception:
        raise FileError(_("The XLSX file is damaged.")) from None
    try:
        sheet = workbook.worksheets[0]
        records = [
            [_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)
        ]
    finally:
        workbook.close()
    return _table(records, kind="xlsx")


def _table(
    records: list[list[str]], *, kind: str, encoding: str = "", delimiter: str = ""
) -> Table:
    # The header is the first non-empty record; spreadsheets often start with a blank line.
    start = next(
        (index for index, record in enumerate(records) if any(c.strip() for c in record)), None
    )
    if start is None:
        raise FileError(_("The file has no header row."))
    header = [cell.strip() for cell in records[start]]
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
    rows = []
    width = len(header)
    for index in range(start + 1, len(records)):
        record = records[index]
        if not "".join(record).strip():  # no cell but spaces; one C call, not one per cell
            continue
        if len(record) < width:
            record = record + [""] * (width - len(record))
        rows.append((index + 1, record))
    if not rows:
        raise FileError(_("The file has a header but no rows."))
    return Table(header=header, rows=rows, kind=kind, encoding=encoding, delimiter=delimiter)
