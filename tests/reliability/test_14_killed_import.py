"""An import job whose worker is killed in the middle of writing: nothing of the import
remains, the job is marked failed with the reason (once its heartbeat is overdue), the import
says so, and a retry imports every row once."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from setia.imports.tests.helpers import write_csv

ROOT = Path(__file__).resolve().parents[2]
ROWS = 6000
QUEUE = """
from django.conf import settings
from django.core.files import File
from setia.accounts.models import Role
from setia.imports.actions import queue_import
from setia.imports.mapping import propose_mapping
from setia.imports.models import Import
from setia.test import make_user

manager = make_user(Role.MANAGER)
with open({path!r}, "rb") as file:
    batch = Import(actor=manager, file_name="big.csv", header={header!r})
    batch.mapping = propose_mapping(batch.header)
    batch.file.save("big.csv", File(file), save=False)
    batch.save()
queue_import(batch=batch, actor=manager)
"""
RETRY = """
from setia.jobs.actions import retry
from setia.jobs.models import Job

job = Job.objects.get()
assert retry(job, actor=job.created_by)
"""


class Site:
    def __init__(self, folder: Path):
        self.database = folder / "killed.sqlite3"
        self.private = folder / "private"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "setia.settings",
            "DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{self.database}",
            "PRIVATE_ROOT": str(self.private),
            "MEDIA_ROOT": str(folder / "media"),
            "REDIS_URL": "",
            "JOBS_PROGRESS_SECONDS": "0",
        }

    def manage(self, *args, **kwargs) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            **kwargs,
        )

    def run(self, *args) -> str:
        process = self.manage(*args)
        output, errors = process.communicate(timeout=600)
        assert process.returncode == 0, errors
        return output

    def query(self, sql: str):
        with sqlite3.connect(self.database) as connection:
            return connection.execute(sql).fetchall()


@pytest.fixture
def site(tmp_path):
    site = Site(tmp_path)
    site.run("migrate", "--no-input", "-v", "0")
    return site


def _progress(site: Site) -> dict:
    # Inside the import's transaction on SQLite the job writes its progress beside the database.
    for path in (site.private / "job-progress").glob("*.json"):
        try:
            return json.loads(path.read_text())
        except ValueError:
            continue
    return {}


def test_a_killed_import_job_is_failed_leaves_nothing_and_can_be_retried(site, tmp_path):
    header = ["Nama Brand", "No HP", "Email", "Kategori", "Kota", "URL Toko"]
    rows = [
        [f"Toko {n}", f"+62812{n:08d}", f"toko{n}@contoh.id", "Fashion", "Bandung", f"toko{n}.id"]
        for n in range(ROWS)
    ]
    path = write_csv(tmp_path / "big.csv", rows, header=header)
    site.run("shell", "-c", QUEUE.format(path=str(path), header=header))
    assert site.query("SELECT state FROM jobs_job") == [("queued",)]

    # given the job runner in the middle of writing the import
    worker = site.manage("run_jobs", "--no-schedule")
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        progress = _progress(site)
        if progress.get("phase") == "write" and 0 < progress["done"] < ROWS:
            break
        assert worker.poll() is None, worker.stderr.read()
        time.sleep(0.02)
    else:
        pytest.fail("the import never reached its writing phase")
    # when the runner dies without any chance to clean up
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=60)

    # then nothing of the import is in the database
    for table in (
        "customers_customer",
        "customers_contact",
        "customers_store",
        "audit_auditentry",
        "imports_importchange",
    ):
        assert site.query(f"SELECT COUNT(*) FROM {table}") == [(0,)], table
    # and once its heartbeat is overdue (five minutes by default; here made so) the job is failed
    assert site.query("SELECT state FROM jobs_job") == [("running",)]
    site.query("UPDATE jobs_job SET heartbeat_at = '2000-01-01 00:00:00'")
    for progress_file in (site.private / "job-progress").glob("*"):
        os.utime(progress_file, (0, 0))
    assert site.run("relay_jobs").strip() == "published=0 failed=1 purged=0"
    [(state, reason)] = site.query("SELECT state, failure_reason FROM jobs_job")
    assert state == "failed"
    assert reason.startswith(
        ("The worker running this job stopped", "Proses yang menjalankan pekerjaan ini berhenti")
    )
    [(status, message)] = site.query("SELECT status, message FROM imports_import")
    assert (status, message) == ("failed", reason)

    # and retried, it imports every row once
    site.run("shell", "-c", RETRY)
    site.run("run_jobs", "--once")
    assert site.query("SELECT state, attempts FROM jobs_job") == [("done", 2)]
    assert site.query("SELECT status, rows, created FROM imports_import") == [("done", ROWS, ROWS)]
    assert site.query("SELECT COUNT(*) FROM customers_customer") == [(ROWS,)]
