"""Cells that go to and come back from spreadsheets: formula neutralisation.

A spreadsheet runs a cell starting with `=`, `+`, `-` or `@` as a formula (and a leading tab
or carriage return can hide one), so text written to a CSV or workbook we hand out gets a `'`
prefix, which spreadsheets show as text; reading such a file back strips the prefix again.
"""

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
