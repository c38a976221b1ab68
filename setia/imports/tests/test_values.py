import datetime

import pytest

from setia.customers.models import Category, Plan
from setia.imports import values
from setia.imports.values import CellError


@pytest.mark.parametrize(
    "text", ["0812-3456-7890", "+62 812 3456 7890", "6281234567890", "8123456789 0"]
)
def test_it_reads_one_phone_in_every_form(text):
    assert values.clean_phone(text) == "+6281234567890"


@pytest.mark.parametrize(
    ("text", "reason"),
    [("6,28E+12", "scientific notation"), ("=6281234567890", "formula"), ("12", "2 digits")],
)
def test_it_rejects_broken_phones_with_a_reason(text, reason):
    with pytest.raises(CellError, match=reason):
        values.clean_phone(text)


def test_it_lower_cases_emails():
    assert values.clean_email(" Sekar@Batik.ID ") == "sekar@batik.id"
    assert values.clean_email("mailto:a@b.id") == "a@b.id"
    with pytest.raises(CellError, match="not an e-mail address"):
        values.clean_email("sekar@batik")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://www.Batik.id/", ("https://www.Batik.id/", "batik.id", "website")),
        ("batik.id", ("https://batik.id", "batik.id", "website")),
        (
            "shopee.co.id/tokoku",
            ("https://shopee.co.id/tokoku", "shopee.co.id/tokoku", "marketplace"),
        ),
        (
            "instagram.com/@tokoku",
            ("https://instagram.com/@tokoku", "instagram.com/tokoku", "social"),
        ),
    ],
)
def test_it_normalises_store_domains(text, expected):
    assert values.clean_store_url(text) == expected


def test_it_rejects_a_store_url_that_is_not_one():
    with pytest.raises(CellError, match="not a store address"):
        values.clean_store_url("tokoku")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05/04/2024", datetime.date(2024, 4, 5)),
        ("17 Agustus 2024", datetime.date(2024, 8, 17)),
        ("17 Agu 2024", datetime.date(2024, 8, 17)),
        ("2024-04-05", datetime.date(2024, 4, 5)),
        ("2024-04-05 00:00:00", datetime.date(2024, 4, 5)),
        ("5-4-24", datetime.date(2024, 4, 5)),
    ],
)
def test_it_reads_indonesian_dates(text, expected):
    assert values.clean_date(text) == expected


@pytest.mark.parametrize("text", ["31/02/2024", "15/13/2024", "kemarin"])
def test_it_rejects_impossible_dates(text):
    with pytest.raises(CellError, match="not a date"):
        values.clean_date(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rp 1.234.567", 1_234_567),
        ("1.234.567,00", 1_234_567),
        ("Rp349.000", 349_000),
        ("149000", 149_000),
        ("35.663", 35_663),
    ],
)
def test_it_reads_rupiah_amounts(text, expected):
    assert values.clean_amount(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"), [("-149.000", "negative"), ("seratus", "not an amount")]
)
def test_it_rejects_bad_amounts(text, reason):
    with pytest.raises(CellError, match=reason):
        values.clean_amount(text)


def test_it_matches_categories_and_suggests_close_spellings(db):
    categories = values.Categories(list(Category.objects.all()))

    assert categories.clean("fashion").slug == "fashion"
    assert categories.clean("F&B").slug == "food-beverage"
    assert categories.clean("Makanan").slug == "food-beverage"
    assert categories.clean("home-living").slug == "home-living"
    with pytest.raises(CellError, match="Did you mean Fashion"):
        categories.clean("Fashon")
    with pytest.raises(values.OutsideList, match="Unknown category Otomotif"):
        categories.clean("Otomotif")


def test_it_matches_categories_by_either_name_or_an_alias_ignoring_case_and_punctuation(db):
    categories = values.Categories(list(Category.objects.all()))

    assert categories.clean("Kerajinan").slug == "hobby"
    assert categories.clean("fesyen plus-size").slug == "plus-size-fashion"
    assert categories.clean("Plus-size Fashion").slug == "plus-size-fashion"
    assert categories.clean("MAKANAN & MINUMAN").slug == "food-beverage"
    assert categories.clean("Busana Muslim").slug == "muslim-fashion"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("JAWA BARAT", "Jawa Barat"),
        ("jabar", "Jawa Barat"),
        ("Provinsi DKI Jakarta", "DKI Jakarta"),
        ("DIY", "DI Yogyakarta"),
    ],
)
def test_it_matches_provinces(text, expected):
    assert values.clean_province(text) == expected


def test_it_suggests_a_province():
    with pytest.raises(CellError, match="Did you mean Jawa Tengah"):
        values.clean_province("Jawa Tenga")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("KAB. BEKASI", "Bekasi"),
        ("KOTA BANDUNG", "Bandung"),
        ("  jakarta   selatan ", "Jakarta Selatan"),
    ],
)
def test_it_cleans_cities(text, expected):
    assert values.clean_city(text) == expected


def test_it_reads_statuses_in_both_languages():
    assert values.clean_status("Aktif") == "active"
    assert values.clean_status("At risk") == "at_risk"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Paket Growth", "growth"),
        ("BUSINESS", "business"),
        ("Bisnis", "business"),  # the Indonesian name
        ("paket pemula", "starter"),
        ("KORPORAT.", "enterprise"),
        ("Basic", "starter"),  # an alias
        ("enterprise", "enterprise"),  # the code
    ],
)
def test_it_reads_plans_by_either_name_code_or_alias(text, code):
    plans = values.Plans(Plan.objects.all())
    assert plans.clean(text).code == code


@pytest.mark.django_db
def test_a_value_naming_no_plan_is_outside_the_list():
    plans = values.Plans(Plan.objects.all())
    with pytest.raises(values.OutsideList, match="Unknown plan Pro; use one of: Starter, Growth"):
        plans.clean("Pro")


@pytest.mark.django_db
def test_an_alias_added_by_an_admin_matches_a_plan():
    Plan.objects.filter(code="growth").update(aliases="Pro, Profesional")
    plans = values.Plans(Plan.objects.all())
    assert plans.clean("pro").code == "growth"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("'=SUM(A1:A2)", "=SUM(A1:A2)"),
        ("'+62 812", "+62 812"),
        ("'-10", "-10"),
        ("'@mention", "@mention"),
        ("'\tindented", "\tindented".strip()),
        ("'rock'n'roll", "'rock'n'roll"),  # an apostrophe that is not a neutralisation stays
        ("  Batik  ", "Batik"),
    ],
)
def test_it_undoes_the_exports_formula_neutralisation(cell, expected):
    assert values.unneutralise(cell) == expected
