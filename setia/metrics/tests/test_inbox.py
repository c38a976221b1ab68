from datetime import UTC, datetime

import pytest
import time_machine

from setia.metrics.models import StoreDailyMetric
from setia.metrics.tasks import ingest_inbox
from setia.test import make_customer, make_store

GOOD = (
    "store,date,gmv,orders,visitors,uptime_pct,errors\n"
    "toko-a.example.id,2026-03-01,1500,1,10,100,0\n"
    "unknown.example.id,2026-03-01,1500,1,10,100,0\n"
)


@pytest.fixture
def inbox(db, tmp_path, settings):
    make_store(make_customer(), domain="toko-a.example.id")
    settings.METRICS_INBOX = str(tmp_path)
    return tmp_path


@time_machine.travel(datetime(2026, 3, 31, 3, 0, tzinfo=UTC), tick=False)
def test_it_ingests_a_dropped_file_and_moves_it_to_done(inbox):
    (inbox / "2026-03-01.csv").write_text(GOOD)

    outcome = ingest_inbox()

    assert outcome == [("2026-03-01.csv", "done", "rows=2 inserted=1 updated=0 rejected=1")]
    assert StoreDailyMetric.objects.count() == 1
    assert not (inbox / "2026-03-01.csv").exists()
    assert (inbox / "done" / "2026-03-01.csv").read_text() == GOOD
    assert (
        "no store has this domain or code"
        in (inbox / "done" / "2026-03-01.csv.rejected.csv").read_text()
    )


def test_it_moves_a_file_it_cannot_read_to_failed_with_the_reason(inbox):
    (inbox / "broken.csv").write_text("store,date\ntoko-a.example.id,2026-03-01\n")

    outcome = ingest_inbox(today="2026-03-31")

    assert outcome[0][:2] == ("broken.csv", "failed")
    assert (inbox / "failed" / "broken.csv").exists()
    assert "Missing columns" in (inbox / "failed" / "broken.csv.log").read_text()
    assert StoreDailyMetric.objects.count() == 0


def test_it_leaves_other_files_and_does_nothing_when_empty(inbox):
    (inbox / "notes.txt").write_text("not metrics")

    assert ingest_inbox(today="2026-03-31") == []
    assert (inbox / "notes.txt").exists()


def test_it_does_nothing_without_an_inbox(db, settings):
    settings.METRICS_INBOX = ""

    assert ingest_inbox() == []
