"""Regions an import brings are checked against the official list: a kabupaten or kota that
does not exist, or an unknown province, is a problem of that cell in the row's report."""

import pytest

from setia.accounts.models import Role
from setia.customers.models import Customer
from setia.imports import values
from setia.imports.tests.helpers import run, write_csv
from setia.imports.values import CellError
from setia.lib import regions
from setia.lib.regions import PROVINCES
from setia.test import make_user


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("KAB. BEKASI", "Bekasi"),
        ("Kabupaten Bekasi", "Bekasi"),
        ("KOTA BANDUNG", "Bandung"),
        ("Kota Bandung", "Bandung"),
        ("KOTA ADM. JAKARTA SELATAN", "Jakarta Selatan"),
        ("Solo", "Solo"),  # a plain name is how people name cities: kept
    ],
)
def test_it_accepts_the_kabupaten_and_kota_of_the_official_list(text, expected):
    assert values.clean_city(text) == expected


@pytest.mark.parametrize("text", ["KAB. ANTAH BERANTAH", "Kota Antah Berantah", "KAB. SURAKARTA"])
def test_it_refuses_a_kabupaten_or_kota_that_does_not_exist(text):
    with pytest.raises(CellError, match="Unknown kabupaten/kota"):
        values.clean_city(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("JAWA BARAT", "Jawa Barat"),
        ("Jawa Barat", "Jawa Barat"),
        ("Daerah Khusus Ibukota Jakarta", "DKI Jakarta"),
        ("Papua Barat Daya", "Papua Barat Daya"),
    ],
)
def test_it_accepts_the_provinces_of_the_official_list(text, expected):
    assert values.clean_province(text) == expected


def test_every_official_province_is_one_of_the_forms_provinces():
    official = [province.name for province in regions.wilayah.list_wilayah()]

    assert sorted(values.clean_province(name) for name in official) == sorted(
        name for name, _zone in PROVINCES
    )


def test_an_unknown_region_is_left_empty_with_a_warning(db, tmp_path):
    manager = make_user(Role.MANAGER, language="en")
    rows = [
        ["Batik", "", "0812-3456-7801", "", "Fashion", "KAB. ANTAH BERANTAH", ""],
        ["Kopi", "", "0812-3456-7802", "", "F&B", "KAB. BEKASI", ""],
        ["Teh", "", "0812-3456-7803", "", "F&B", "Kota Bandung", ""],
    ]
    path = write_csv(tmp_path / "regions.csv", rows)

    _output, summary = run(path, owner=manager.email)

    assert summary == "rows=3 created=3 updated=0 unchanged=0 duplicates=0 rejected=0 warnings=1"
    assert Customer.objects.get(name="Batik").city == ""
    lines = (tmp_path / "regions.errors.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[1:] == [
        "Batik,,0812-3456-7801,,Fashion,KAB. ANTAH BERANTAH,,2,Kota,"
        "WARNING: Kota: Unknown kabupaten/kota KAB. ANTAH BERANTAH: it is not on the official list"
    ]
