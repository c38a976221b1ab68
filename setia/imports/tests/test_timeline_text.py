"""An import's event on a customer's timeline reads in the reader's language."""

from django.utils import translation

from setia.history.models import TimelineEvent
from setia.imports.messages import render_import
from setia.imports.tests.helpers import run, write_csv

ROWS = [["Batik Sekar", "Ibu Sekar", "0812-3456-7801", "sekar@batik.id", "Fashion", "Solo", ""]]


def test_the_import_event_says_its_counts_in_the_readers_language(db, tmp_path, manager):
    run(write_csv(tmp_path / "sheet.csv", ROWS), owner=manager.email)

    event = TimelineEvent.objects.get(kind="import")
    with translation.override("en"):
        english = event.text
    with translation.override("id"):
        indonesian = event.text
    assert english.startswith("Rows: 1 · new customers: 1 · updated: 0")
    assert indonesian.startswith("Baris: 1 · pelanggan baru: 1 · diperbarui: 0")
    assert "=" not in english + indonesian


def test_an_event_written_before_keeps_its_counts_and_other_text_stays():
    old = "rows=20000 created=8 updated=2 unchanged=0 duplicates=0 rejected=0"
    with translation.override("id"):
        assert render_import({"source": "import:x"}, old).startswith(
            "Baris: 20.000 · pelanggan baru: 8"
        )
        assert render_import({"source": "import:x"}, "Impor dibatalkan") is None
        assert render_import(
            {"message": "undone", "deleted": 1200, "reverted": 3}, "whatever"
        ).startswith("Impor dibatalkan: 1.200")
