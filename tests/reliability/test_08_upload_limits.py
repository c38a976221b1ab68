"""Upload limits: a file over the size limit, one whose bytes are not a spreadsheet whatever its
name, a zip bomb, an XML entity bomb (billion laughs) and hostile path names are refused or
neutralised, with nothing stored and memory bounded."""

import io
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from setia.accounts.models import Role
from setia.imports.models import Import
from setia.lib import reading
from setia.lib.reading import FileError, read_table
from setia.test import make_user


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook has one worksheet, active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_it_does_not_expand_xml_entities():
    """defusedxml refuses a document type with entities (billion laughs) instead of expanding it."""
    data = _xlsx([["Nama Brand"], ["Batik"]])
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/workbook.xml":
                content = (
                    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
                    b'<!ENTITY b "&a;&a;&a;&a;&a;">]>' + content
                )
            target.writestr(item, content)

    with pytest.raises(FileError, match="damaged"):
        read_table(buffer.getvalue())


def test_it_refuses_a_zip_bomb_before_inflating_it():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<x/>")
        archive.writestr("xl/workbook.xml", "<x/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (50 * 1024 * 1024))

    with pytest.raises(FileError, match="unpacks to too much data"):
        read_table(buffer.getvalue())


def test_it_refuses_a_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")

    with pytest.raises(FileError, match="not an XLSX"):
        read_table(buffer.getvalue())


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(50), "old Excel"),
        (b"%PDF-1.7 ...", "not a spreadsheet"),
        (b"\x00\x01\x02\x03binary\x00", "not a spreadsheet"),
        (b"Name,Phone\n", "no rows"),
        (b"\n\n", "no header"),
        (b"PK\x03\x04garbage", "damaged"),
    ],
)
def test_it_explains_what_is_wrong_with_an_unusable_file(data, message):
    with pytest.raises(FileError, match=message):
        read_table(data)


def test_openpyxl_parses_with_defusedxml():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True


UPLOAD_URL = reverse("imports:import-upload")


def _upload(client, data: bytes, name: str = "sheet.csv"):
    return client.post(
        UPLOAD_URL,
        {"file": SimpleUploadedFile(name, data), "source": "", "default_owner": ""},
    )


def _stored_files() -> list[Path]:
    root = Path(settings.PRIVATE_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def _assert_refused(response, message: str) -> None:
    assert response.status_code == 400
    assert message in response.context["form"].errors["file"][0]
    assert not Import.objects.exists()
    assert _stored_files() == []


def _bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<x/>")
        archive.writestr("xl/workbook.xml", "<x/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (50 * 1024 * 1024))
    return buffer.getvalue()


@pytest.fixture
def importer(client, db):
    user = make_user(Role.MANAGER, language="en")
    client.force_login(user)
    return user


def test_a_file_over_the_size_limit_is_refused_unread(client, importer, monkeypatch):
    monkeypatch.setattr(reading, "MAX_FILE_BYTES", 1024 * 1024)

    response = _upload(client, b"Nama Brand,No HP\n" + b"Batik,0812-3456-7801\n" * 60_000)

    _assert_refused(response, "larger than 1 MB")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("sheet.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "not a spreadsheet"),
        ("sheet.xlsx", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff", "not a spreadsheet"),
        ("sheet.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a spreadsheet"),
        ("sheet.csv", b"\x7fELF\x02\x01\x01\x00" + bytes(56), "not a spreadsheet"),
        ("sheet.csv", b"\x1f\x8b\x08\x00" + bytes(16), "not a spreadsheet"),
        ("sheet.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), "old Excel"),
        ("sheet.xlsx", b"PK\x03\x04garbage", "damaged"),
    ],
)
def test_the_bytes_decide_not_the_name(client, importer, name, data, message):
    _assert_refused(_upload(client, data, name), message)


def test_a_zip_bomb_is_refused_without_inflating_it(client, importer):
    bomb = _bomb()  # 50 MB of sheet in a file of about 50 kB
    tracemalloc.start()
    try:
        response = _upload(client, bomb, "bomb.xlsx")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    _assert_refused(response, "unpacks to too much data")
    assert peak < 10 * 1024 * 1024  # a fifth of what inflating it would take


def test_an_xml_entity_bomb_is_refused(client, importer):
    data = _xlsx([["Nama Brand"], ["Batik"]])
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    entities = b'<!ENTITY a "aaaaaaaaaa">' + b"".join(
        b'<!ENTITY %s "%s">' % (bytes([ord("b") + n]), b"&%s;" % bytes([ord("a") + n]) * 10)
        for n in range(8)
    )
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = b'<?xml version="1.0"?><!DOCTYPE lolz [' + entities + b"]>" + content
            target.writestr(item, content)

    _assert_refused(_upload(client, buffer.getvalue(), "lol.xlsx"), "damaged")


@pytest.mark.parametrize(
    "name",
    [
        "../../../etc/passwd.csv",
        "..\\..\\windows\\system32\\sheet.csv",
        "/var/www/media/imports/files/sheet.csv",
        "sheet.csv.php",
        "." + "a" * 300 + ".csv",
    ],
)
def test_a_hostile_file_name_never_chooses_where_the_file_goes(client, importer, name):
    response = _upload(client, b"Nama Brand,No HP\nBatik,0812-3456-7801\n", name)

    assert response.status_code == 302
    batch = Import.objects.get()
    stored = Path(batch.file.path).resolve()
    folder = (Path(settings.PRIVATE_ROOT) / "imports" / "files").resolve()
    assert stored.parent == folder
    assert stored.name.startswith(str(batch.code))
    assert _stored_files() == [stored]
    assert "/" not in batch.file_name
    assert ".." not in batch.file_name.replace("\\", "/").split("/")
    assert len(batch.file_name) <= 255


def test_memory_while_reading_an_upload_stays_a_small_multiple_of_its_size(client, importer):
    rows = b"".join(
        b"Toko %d,Pemilik %d,0812%08d,toko%d@contoh.id,Fashion,Bandung\n" % (n, n, n, n)
        for n in range(20_000)
    )
    data = b"Nama Brand,Nama Pemilik,No HP,Email,Kategori,Kota\n" + rows
    tracemalloc.start()
    try:
        response = _upload(client, data, "big.csv")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert response.status_code == 302
    # 1.5 MB read at about 16 times its size: a proportional cost, never an explosion.
    assert peak < 25 * len(data)
