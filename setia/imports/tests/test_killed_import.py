"""A process killed in the middle of an import leaves nothing of it."""

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from setia.imports.tests.helpers import write_csv

ROOT = Path(__file__).resolve().parents[3]
ROWS = 6000


def _manage(database: Path, *args, **kwargs):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "setia.test_settings",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def _count(database: Path, table: str) -> int:
    with sqlite3.connect(database) as connection:
        return connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "killed.sqlite3"
    migrate = _manage(path, "migrate", "--no-input", "-v", "0")
    _out, errors = migrate.communicate(timeout=300)
    assert migrate.returncode == 0, errors
    return path


def test_a_killed_import_leaves_nothing_and_a_re_run_completes(database, tmp_path):
    rows = [
        [f"Toko {n}", f"+62812{n:08d}", f"toko{n}@contoh.id", "Fashion", "Bandung", f"toko{n}.id"]
        for n in range(ROWS)
    ]
    path = write_csv(
        tmp_path / "big.csv",
        rows,
        header=["Nama Brand", "No HP", "Email", "Kategori", "Kota", "URL Toko"],
    )

    # given an import that has written some batches inside its transaction
    process = _manage(database, "import_customers", str(path), "-v", "2")
    for line in process.stdout:
        phase, _space, progress = line.strip().partition(" ")
        if phase == "write" and 0 < int(progress.split("/")[0]) < ROWS:
            break
    else:
        pytest.fail("the import finished before it could be killed: " + process.stderr.read())
    # when the process dies without any chance to clean up
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)

    # then nothing of it is in the database
    for table in (
        "customers_customer",
        "customers_contact",
        "customers_store",
        "audit_auditentry",
        "imports_import",
        "imports_importchange",
    ):
        assert _count(database, table) == 0, table

    # and running it again imports every row once
    rerun = _manage(database, "import_customers", str(path))
    output, errors = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, errors
    assert (
        f"rows={ROWS} created={ROWS} updated=0 unchanged=0 duplicates=0 rejected=0 warnings=0"
        in output
    )
    assert _count(database, "customers_customer") == ROWS
    assert _count(database, "customers_store") == ROWS
    again = _manage(database, "import_customers", str(path))
    output, errors = again.communicate(timeout=600)
    assert (
        f"rows={ROWS} created=0 updated=0 unchanged={ROWS} duplicates=0 rejected=0 warnings=0"
        in output
    )
    assert _count(database, "customers_customer") == ROWS
