"""The metrics push: one background job running the code of `ingest_metrics`, so the same
body gives the same rows, the same accounting line and the same row errors; pushed again it
changes nothing; only service tokens and administrators may push."""

import csv
import json
from datetime import date
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from setia.api.models import ApiToken
from setia.api.tests.helpers import token_client
from setia.jobs.models import Job
from setia.metrics.models import StoreDailyMetric
from setia.test import make_customer, make_store

URL = "/api/v1/metrics/"
TODAY = date(2026, 3, 31)
BODY = (
    "store,date,gmv,orders,visitors,uptime_pct,errors\n"
    "toko-a.example.id,2026-03-01,1500000,12,340,99.50,0\n"
    "TOKO-B.example.id,2026-03-01,250000,2,40,98.25,1\n"
    "toko-a.example.id,2026-03-02,-5,0,10,100,3\n"
    "nowhere.example.id,2026-03-02,5,0,10,100,3\n"
    "toko-a.example.id,2026-04-02,5,0,10,100,3\n"
    "toko-a.example.id,2026-03-01,7,0,10,100,3\n"
    "toko-b.example.id,2026-03-05,x,0,10,100,3\n"
)


@pytest.fixture
def stores(db):
    customer = make_customer()
    return [
        make_store(customer, domain="toko-a.example.id"),
        make_store(customer, domain="toko-b.example.id"),
    ]


@pytest.fixture
def service(admin_user):
    return token_client(admin_user, scope=ApiToken.Scope.METRICS, kind=ApiToken.Kind.SERVICE)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel("2026-03-31 10:00 +07:00", tick=False):
        yield


def table():
    return sorted(
        StoreDailyMetric.objects.values_list(
            "store_id", "day", "gmv", "orders", "visitors", "uptime_pct", "errors"
        )
    )


def push(client, capture, body=BODY, content_type="text/csv", **headers):
    with capture(execute=True):
        answer = client.post(URL, body, content_type=content_type, headers=headers)
    return answer


def test_a_push_equals_ingest_metrics_on_the_same_file(
    stores, service, tmp_path, django_capture_on_commit_callbacks
):
    answer = push(service, django_capture_on_commit_callbacks)
    assert answer.status_code == 202
    assert answer.data["state"] == "queued"
    job = service.get(answer["Location"]).json()
    pushed_rows = table()

    StoreDailyMetric.objects.all().delete()
    path = tmp_path / "metrics.csv"
    path.write_text(BODY, encoding="utf-8")
    out = StringIO()
    call_command("ingest_metrics", str(path), "--today", "2026-03-31", stdout=out, verbosity=0)

    assert table() == pushed_rows and len(pushed_rows) == 2
    assert job["state"] == "done"
    assert (
        job["summary"]
        == out.getvalue().splitlines()[0]
        == ("rows=7 inserted=2 updated=0 rejected=5")
    )
    with open(f"{path}.rejected.csv", newline="") as file:
        command_rejects = [(int(row["row"]), row["reason"]) for row in csv.DictReader(file)]
    assert [(row["row"], row["message"]) for row in job["rejects"]] == command_rejects
    assert [row["reason"] for row in job["rejects"]] == [
        "negative_gmv",
        "unknown_store",
        "future_date",
        "duplicate_day",
        "bad_number",
    ]
    assert job["rejects"][0]["values"] == BODY.splitlines()[3].split(",")


def test_a_json_array_gives_the_same_rows_and_accounting(
    stores, service, django_capture_on_commit_callbacks
):
    lines = list(csv.DictReader(StringIO(BODY)))
    rows = [
        {**row, "gmv": int(row["gmv"]) if row["gmv"].lstrip("-").isdigit() else row["gmv"]}
        for row in lines
    ]
    rows[0]["note"] = "ignored"
    answer = push(service, django_capture_on_commit_callbacks, json.dumps(rows), "application/json")
    job = service.get(answer["Location"]).json()
    json_rows = table()
    assert job["summary"] == "rows=7 inserted=2 updated=0 rejected=5"
    assert job["unknown_columns"] == ["note"]

    StoreDailyMetric.objects.all().delete()
    push(service, django_capture_on_commit_callbacks)
    assert table() == json_rows


def test_a_missing_key_is_a_rejected_row_and_a_bad_body_a_400(
    stores, service, django_capture_on_commit_callbacks
):
    row = {"store": "toko-a.example.id", "date": "2026-03-01", "gmv": 1, "orders": 1}
    answer = push(
        service, django_capture_on_commit_callbacks, json.dumps([row]), "application/json"
    )
    job = service.get(answer["Location"]).json()
    assert job["summary"] == "rows=1 inserted=0 updated=0 rejected=1"
    assert job["rejects"][0]["reason"] == "missing_value"

    for body, content_type in [
        ('{"store": "x"}', "application/json"),
        ("[1, 2]", "application/json"),
        ("not json", "application/json"),
        ("store,date,gmv\ntoko-a.example.id,2026-03-01,5\n", "text/csv"),
    ]:
        refused = push(service, django_capture_on_commit_callbacks, body, content_type)
        assert refused.status_code == 400, body
    assert "orders, visitors, uptime_pct, errors" in refused.json()["detail"]
    assert Job.objects.count() == 1


@pytest.mark.parametrize("headers", [{}, {"Idempotency-Key": "day-31"}])
def test_a_refused_body_leaves_no_file_with_or_without_a_key(
    stores, service, django_capture_on_commit_callbacks, settings, tmp_path, headers
):
    settings.PRIVATE_ROOT = tmp_path
    capture = django_capture_on_commit_callbacks

    other_type = push(service, capture, BODY, "text/plain", **headers)
    no_header = push(service, capture, "", **headers)

    assert (other_type.status_code, no_header.status_code) == (415, 400)
    assert list((tmp_path / "metrics-push").iterdir()) == []
    assert Job.objects.count() == 0


def test_pushing_again_changes_nothing_and_a_key_replays_the_job(
    stores, service, django_capture_on_commit_callbacks
):
    first = push(service, django_capture_on_commit_callbacks, **{"Idempotency-Key": "day-31"})
    rows = table()
    again = push(service, django_capture_on_commit_callbacks)
    assert service.get(again["Location"]).json()["summary"] == (
        "rows=7 inserted=0 updated=0 rejected=5"
    )
    assert table() == rows

    replay = push(service, django_capture_on_commit_callbacks, **{"Idempotency-Key": "day-31"})
    assert replay.status_code == 202 and replay["Idempotent-Replayed"] == "true"
    assert replay.json()["id"] == first.json()["id"]
    assert Job.objects.count() == 2
    other = push(
        service, django_capture_on_commit_callbacks, BODY + "x,y\n", **{"Idempotency-Key": "day-31"}
    )
    assert other.status_code == 422


def test_who_may_push(stores, admin_user, executive, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    assert push(token_client(admin_user), capture).status_code == 202
    assert push(token_client(admin_user, scope=ApiToken.Scope.READ), capture).status_code == 403
    assert push(token_client(executive), capture).status_code == 403
    assert push(token_client(executive, scope=ApiToken.Scope.READ), capture).status_code == 403
    job = Job.objects.get()
    assert token_client(executive).get(f"{URL}jobs/{job.pk}/").status_code == 403
    reader = token_client(admin_user, scope=ApiToken.Scope.READ)
    assert reader.get(f"{URL}jobs/{job.pk}/").json()["state"] == "done"


def test_a_service_token_reads_nothing_else(stores, service):
    customer = stores[0].customer
    assert service.get(f"/api/v1/customers/{customer.code}/").status_code == 403
    assert service.get("/api/v1/customers/").status_code == 403
    assert service.get(f"{URL}jobs/999/").status_code == 404


def test_the_runner_keeps_the_result_of_a_push(stores, service, settings):
    settings.JOBS_EAGER = False
    answer = service.post(URL, BODY, content_type="text/csv")
    assert service.get(answer["Location"]).json()["summary"] == ""

    from setia.jobs import actions as jobs

    assert jobs.run_pending() == 1
    job = service.get(answer["Location"]).json()
    assert (job["state"], job["summary"]) == ("done", "rows=7 inserted=2 updated=0 rejected=5")
    assert len(job["rejects"]) == 5 and len(table()) == 2
