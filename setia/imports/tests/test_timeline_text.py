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
    assert english.startswith("1 rows: 1 new customers, 0 updated")
    assert indonesian.startswith("1 baris: 1 pelanggan baru, 0 diperbarui")
    assert "=" not in english + indonesian


def test_an_event_written_before_keeps_its_counts_and_other_text_stays():
    old = "rows=20000 created=8 updated=2 unchanged=0 duplicates=0 rejected=0"
    with translation.override("id"):
        assert render_import({"source": "import:x"}, old).startswith("20.000 baris: 8 pelanggan")
        assert render_import({"source": "import:x"}, "Impor dibatalkan") is None
        assert render_import(
            {"message": "undone", "deleted": 1200, "reverted": 3}, "whatever"
        ).startswith("Impor dibatalkan: 1.200")
