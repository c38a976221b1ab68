import csv
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from setia.metrics.ingest import ingest_file
from setia.metrics.models import StoreDailyMetric
from setia.test import make_customer, make_store

TODAY = date(2026, 3, 31)
HEADER = "store,date,gmv,orders,visitors,uptime_pct,errors\n"


@pytest.fixture
def stores(db):
    customer = make_customer()
    return [
        make_store(customer, domain="toko-a.example.id"),
        make_store(customer, domain="toko-b.example.id"),
    ]


@pytest.fixture(params=["fast", "checked"])
def path_kind(request):
    """On PostgreSQL, run each case through the typed-COPY path and the fully checked one."""
    if request.param == "checked" and connection.vendor != "postgresql":
        pytest.skip("SQLite has one path only")
    return request.param


def write(tmp_path, text, name="metrics.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def ingest(path, path_kind="fast"):
    return ingest_file(path, today=TODAY, force_checked=path_kind == "checked")


def rows():
    return {
        (m.store.domain, m.day.isoformat()): (m.gmv, m.orders, m.visitors, m.uptime_pct, m.errors)
        for m in StoreDailyMetric.objects.select_related("store")
    }


def rejects(path):
    with open(f"{path}.rejected.csv", newline="") as file:
        return [(row["row"], row["reason"]) for row in csv.DictReader(file)]


GOOD = HEADER + (
    "toko-a.example.id,2026-03-01,1500000,12,340,99.50,0\n"
    "toko-a.example.id,2026-03-02,0,0,10,100,3\n"
    "toko-b.example.id,2026-03-01,250000,2,40,98.25,1\n"
)


def test_it_inserts_new_days(stores, tmp_path, path_kind):
    result = ingest(write(tmp_path, GOOD), path_kind)

    assert result.summary() == "rows=3 inserted=3 updated=0 rejected=0"
    assert rows() == {
        ("toko-a.example.id", "2026-03-01"): (1500000, 12, 340, Decimal("99.50"), 0),
        ("toko-a.example.id", "2026-03-02"): (0, 0, 10, Decimal("100.00"), 3),
        ("toko-b.example.id", "2026-03-01"): (250000, 2, 40, Decimal("98.25"), 1),
    }
    assert result.errors_path is None


def test_it_changes_nothing_when_the_same_file_comes_again(stores, tmp_path, path_kind):
    path = write(tmp_path, GOOD)
    ingest(path)
    before = rows()

    result = ingest(path, path_kind)

    assert result.summary() == "rows=3 inserted=0 updated=0 rejected=0"
    assert rows() == before


def test_it_updates_only_the_corrected_days(stores, tmp_path, path_kind):
    ingest(write(tmp_path, GOOD))
    corrected = HEADER + (
        "toko-a.example.id,2026-03-01,1500000,12,340,99.5,0\n"  # same values, other spelling
        "toko-a.example.id,2026-03-02,75000,1,10,100,3\n"  # corrected GMV and orders
        "toko-b.example.id,2026-03-01,250000,2,40,98.25,1\n"
        "toko-b.example.id,2026-03-02,1000,1,5,97,0\n"  # a new day
    )

    result = ingest(write(tmp_path, corrected, "corrected.csv"), path_kind)

    assert result.summary() == "rows=4 inserted=1 updated=1 rejected=0"
    assert rows()[("toko-a.example.id", "2026-03-02")] == (75000, 1, 10, Decimal("100.00"), 3)
    assert rows()[("toko-b.example.id", "2026-03-02")] == (1000, 1, 5, Decimal("97.00"), 0)
    assert len(rows()) == 4


def test_it_matches_stores_by_domain_in_any_case_or_by_code(stores, tmp_path, path_kind):
    text = HEADER + (
        " TOKO-A.Example.ID ,2026-03-01,10,1,1,100,0\n"
        f"{str(stores[1].code).upper()},2026-03-01,20,1,1,100,0\n"
    )

    result = ingest(write(tmp_path, text), path_kind)

    assert result.summary() == "rows=2 inserted=2 updated=0 rejected=0"
    assert set(rows()) == {
        ("toko-a.example.id", "2026-03-01"),
        ("toko-b.example.id", "2026-03-01"),
    }


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("unknown.example.id,2026-03-01,10,1,1,100,0", "no store has this domain or code"),
        ("toko-a.example.id,2026-03-01,-10,1,1,100,0", "GMV cannot be negative"),
        ("toko-a.example.id,2026-03-01,10,-1,1,100,0", "cannot be negative"),
        ("toko-a.example.id,01/03/2026,10,1,1,100,0", "not a real date"),
        ("toko-a.example.id,2026-02-30,10,1,1,100,0", "not a real date"),
        ("toko-a.example.id,2026-13-01,10,1,1,100,0", "not a real date"),
        ("toko-a.example.id,2026-04-01,10,1,1,100,0", "in the future"),
        ("toko-a.example.id,2026-03-01,1.5,1,1,100,0", "whole numbers"),
        ("toko-a.example.id,2026-03-01,sepuluh,1,1,100,0", "whole numbers"),
        ("toko-a.example.id,2026-03-01,10,1,99999999999,100,0", "whole numbers"),
        ("toko-a.example.id,2026-03-01,10,1,1,100.01,0", "uptime_pct"),
        ("toko-a.example.id,2026-03-01,10,1,1,-1,0", "uptime_pct"),
        ("toko-a.example.id,2026-03-01,10,1,1,tinggi,0", "uptime_pct"),
        ("toko-a.example.id,2026-03-01,10,1,1,,0", "required value is empty"),
        (",2026-03-01,10,1,1,100,0", "required value is empty"),
        ("toko-a.example.id,2026-03-01,10,1,1", "number of fields"),
    ],
)
def test_it_rejects_a_bad_row_with_its_reason_and_keeps_the_good_ones(
    stores, tmp_path, path_kind, line, reason
):
    path = write(tmp_path, HEADER + "toko-b.example.id,2026-03-01,5,1,1,100,0\n" + line + "\n")

    result = ingest(path, path_kind)

    assert result.summary() == "rows=2 inserted=1 updated=0 rejected=1"
    assert set(rows()) == {("toko-b.example.id", "2026-03-01")}
    [(row, text)] = rejects(path)
    assert row == "2"
    assert reason in text


def test_it_rejects_a_day_repeated_in_one_file_and_keeps_the_first(stores, tmp_path, path_kind):
    text = HEADER + (
        "toko-a.example.id,2026-03-01,10,1,1,100,0\n"
        "toko-a.example.id,2026-03-02,10,1,1,100,0\n"
        "toko-a.example.id,2026-03-01,99,9,9,100,0\n"
    )
    path = write(tmp_path, text)

    result = ingest(path, path_kind)

    assert result.summary() == "rows=3 inserted=2 updated=0 rejected=1"
    assert rows()[("toko-a.example.id", "2026-03-01")][0] == 10
    assert rejects(path) == [
        ("3", "this store and day already appear on an earlier row of the file")
    ]


def test_it_rejects_a_repeated_day_also_when_the_day_exists_already(stores, tmp_path, path_kind):
    ingest(write(tmp_path, GOOD))
    text = HEADER + (
        "toko-a.example.id,2026-03-01,1500000,12,340,99.50,0\n"  # unchanged
        "toko-a.example.id,2026-03-01,7,7,7,100,0\n"  # a second, different copy
    )

    result = ingest(write(tmp_path, text, "again.csv"), path_kind)

    assert result.summary() == "rows=2 inserted=0 updated=0 rejected=1"
    assert rows()[("toko-a.example.id", "2026-03-01")][0] == 1500000


def test_it_writes_the_rejected_rows_in_file_order_with_their_values(stores, tmp_path, path_kind):
    text = "date,store,gmv,orders,visitors,uptime_pct,errors,catatan\n" + (
        "2026-03-01,unknown.example.id,10,1,1,100,0,satu\n"
        "2026-03-01,toko-a.example.id,10,1,1,100,0,dua\n"
        "2026-03-01,toko-a.example.id,-3,1,1,100,0,tiga\n"
    )
    path = write(tmp_path, text)

    result = ingest(path, path_kind)

    assert result.unknown_columns == ["catatan"]
    with open(result.errors_path, newline="") as file:
        assert list(csv.reader(file)) == [
            ["row", "reason", "date", "store", "gmv", "orders", "visitors", "uptime_pct",
             "errors", "catatan"],
            ["1", "no store has this domain or code", "2026-03-01", "unknown.example.id", "10",
             "1", "1", "100", "0", "satu"],
            ["3", "GMV cannot be negative", "2026-03-01", "toko-a.example.id", "-3", "1", "1",
             "100", "0", "tiga"],
        ]  # fmt: skip


def test_the_command_prints_the_summary_and_reports_unknown_columns(stores, tmp_path):
    path = write(tmp_path, "".join(line + ",x\n" for line in GOOD.splitlines()))
    stdout, stderr = StringIO(), StringIO()

    call_command("ingest_metrics", str(path), "--today", "2026-03-31", stdout=stdout, stderr=stderr)

    assert stdout.getvalue().splitlines()[-1] == "rows=3 inserted=3 updated=0 rejected=0"
    assert "unknown columns ignored: x" in stderr.getvalue()


def test_the_command_refuses_a_file_without_the_required_columns(stores, tmp_path):
    path = write(tmp_path, "store,date,gmv\ntoko-a.example.id,2026-03-01,5\n")

    with pytest.raises(CommandError, match="Missing columns: orders, visitors, uptime_pct, errors"):
        call_command("ingest_metrics", str(path), verbosity=0)

    assert StoreDailyMetric.objects.count() == 0


def test_it_reads_a_spreadsheet_export_with_bom_and_crlf(stores, tmp_path, path_kind):
    path = tmp_path / "export.csv"
    path.write_bytes(("\ufeff" + GOOD).replace("\n", "\r\n").encode("utf-8"))

    result = ingest(path, path_kind)

    assert result.summary() == "rows=3 inserted=3 updated=0 rejected=0"
    assert result.unknown_columns == []


def test_a_file_with_only_a_header_changes_nothing(stores, tmp_path, path_kind):
    result = ingest(write(tmp_path, HEADER), path_kind)

    assert result.summary() == "rows=0 inserted=0 updated=0 rejected=0"
    assert StoreDailyMetric.objects.count() == 0
