from dataclasses import dataclass

import pytest
from django.utils import translation

from setia.lib.names import BilingualName, NameLookup, name_key


@dataclass
class Named(BilingualName):
    name: str
    name_id: str = ""
    aliases: str = ""
    code: str = ""


@pytest.mark.parametrize(
    "text", ["Food & Beverage", "food-beverage", "  FOOD BEVERAGE ", "food.beverage"]
)
def test_names_compare_ignoring_case_spaces_and_punctuation(text):
    assert name_key(text) == "foodbeverage"


def test_the_name_shown_is_the_readers_language_else_english():
    named, english_only = Named("Gold", "Emas"), Named("Platinum")

    with translation.override("id"):
        assert (named.display_name, english_only.display_name) == ("Emas", "Platinum")
    with translation.override("en"):
        assert (named.display_name, english_only.display_name) == ("Gold", "Platinum")
    assert named.alias_list == []


def test_aliases_are_read_one_per_comma_without_blanks():
    assert Named("Starter", aliases=" Basic, ,Dasar ,").alias_list == ["Basic", "Dasar"]


def test_a_row_is_found_by_either_name_its_code_or_an_alias():
    starter = Named("Starter", "Pemula", "Basic", code="starter")
    growth = Named("Growth", "Berkembang", code="growth")
    lookup = NameLookup([starter, growth], codes=lambda row: [row.code])

    assert [
        lookup.get(text) for text in ("STARTER", "pemula", "basic", "growth", "Berkembang!")
    ] == [starter, starter, starter, growth, growth]
    assert lookup.get("Pro") is None


def test_a_name_wins_over_another_rows_code_or_alias():
    # An alias or code never hides another row's own name.
    business = Named("Business", "Bisnis", aliases="Growth", code="pro")
    pro = Named("Pro", code="professional")
    growth = Named("Growth", "Berkembang", code="growth")
    lookup = NameLookup([business, pro, growth], codes=lambda row: [row.code])

    assert (lookup.get("Growth"), lookup.get("pro")) == (growth, pro)
