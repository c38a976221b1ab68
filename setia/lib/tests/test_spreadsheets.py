import datetime

import pytest

from setia.lib.spreadsheets import neutralise, unneutralise


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+62 812", "'+62 812"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Toko Maju", "Toko Maju"),
        ("a=b", "a=b"),
        ("", ""),
        (-5, -5),  # numbers stay numbers
        (None, None),
        (datetime.date(2025, 1, 2), datetime.date(2025, 1, 2)),
    ],
)
def test_it_neutralises_cells_a_spreadsheet_would_run(value, written):
    assert neutralise(value) == written


@pytest.mark.parametrize(
    ("cell", "read"),
    [
        ("'=SUM(1)", "=SUM(1)"),
        ("'+62 812", "+62 812"),
        ("'Toko", "'Toko"),  # an apostrophe the user typed stays
        ("'", "'"),
        ("=SUM(1)", "=SUM(1)"),
        ("", ""),
    ],
)
def test_it_undoes_the_neutralisation(cell, read):
    assert unneutralise(cell) == read


def test_a_neutralised_cell_reads_back_as_written():
    for text in ("=1+1", "-", "@", "+", "plain"):
        assert unneutralise(neutralise(text)) == text
