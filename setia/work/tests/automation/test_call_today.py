import datetime
import uuid

from django.urls import reverse
from django.utils import timezone

from setia.cadence import kpis
from setia.history.models import TimelineEvent
from setia.test import make_customer, make_subscription
from setia.work.automation.models import Playbook, PlaybookRun
from setia.work.schedule.models import Task

URL = reverse("work:call-today")
MOMENT = datetime.datetime(2026, 11, 10, 2, tzinfo=datetime.UTC)


def _run(customer, playbook_name, *, kind="gmv_drop", at_risk=1_000_000, reason="GMV -40%"):
    run = PlaybookRun.objects.create(
        customer=customer,
        playbook=Playbook.objects.get(name_id=playbook_name),
        kind=kind,
        reason=reason,
        value=at_risk,
        revenue_at_risk=at_risk,
        batch=uuid.uuid4(),
        started_at=MOMENT,
    )
    return run


def test_it_orders_customers_by_revenue_at_risk_with_their_reasons(client, executive, team_a):
    small = make_customer(team=team_a, owner=executive, name="Kecil")
    big = make_customer(team=team_a, owner=executive, name="Besar")
    make_subscription(big)
    _run(small, "Pemulihan GMV", at_risk=2_000_000)
    _run(big, "Pemulihan GMV", at_risk=3_000_000)
    _run(big, "Website bermasalah", kind="website_down", at_risk=4_000_000, reason="Uptime 80%")
    closed = _run(make_customer(team=team_a, name="Selesai"), "Pemulihan GMV", at_risk=9_000_000)
    PlaybookRun.objects.filter(pk=closed.pk).update(status="done")
    client.force_login(executive)

    response = client.get(URL)

    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(row["customer"], row["at_risk"]) for row in rows] == [
        (big, 7_000_000),
        (small, 2_000_000),
    ]
    assert [run.reason for run in rows[0]["runs"]] == ["Uptime 80%", "GMV -40%"]
    assert "Rp 7.000.000" in response.text
    log_url = reverse("customers:interaction-log", args=[big.code]) + "?kind=call"
    assert log_url in response.text
    assert reverse("work:run-detail", args=[rows[0]["runs"][0].code]) in response.text
    assert "Selesai" not in response.text
    # The playbooks in the reader's language.
    assert "GMV recovery" in response.text and "Pemulihan GMV" not in response.text
    executive.language = "id"
    executive.save(update_fields=["language"])
    in_indonesian = client.get(URL).text
    assert "Pemulihan GMV" in in_indonesian and "GMV recovery" not in in_indonesian


def test_it_hides_other_teams_customers(client, other_executive, customer):
    _run(customer, "Pemulihan GMV")
    client.force_login(other_executive)
    assert client.get(URL).context["rows"] == []


def test_it_reads_a_constant_number_of_queries(
    client, executive, team_a, django_assert_max_num_queries
):
    client.force_login(executive)
    client.get(URL)
    for n in range(20):
        _run(make_customer(team=team_a, owner=executive, name=f"Toko {n}"), "Pemulihan GMV")
    with django_assert_max_num_queries(12):
        response = client.get(URL)
    assert len(response.context["rows"]) == 20


def test_it_follows_the_matrix(client, viewer, executive):
    assert client.get(URL).status_code == 302
    client.force_login(viewer)
    assert client.get(URL).status_code == 403
    client.force_login(executive)
    assert client.post(URL).status_code == 405


def test_the_playbook_page_shows_its_tasks_and_closes(
    client, executive, customer, intern, viewer, other_executive
):
    run = _run(customer, "Pemulihan GMV")
    Task.objects.create(
        title="Review penurunan GMV",
        owner=executive,
        customer=customer,
        due_at=MOMENT,
        playbook_run=run,
    )
    detail = reverse("work:run-detail", args=[run.code])
    close = reverse("work:run-close", args=[run.code])
    assert client.get(detail).status_code == 302
    client.force_login(other_executive)
    assert client.get(detail).status_code == 404
    assert client.post(close).status_code == 404
    client.force_login(viewer)
    assert client.get(detail).status_code == 403
    client.force_login(intern)
    assert client.get(detail).status_code == 200
    assert client.post(close).status_code == 403
    run.refresh_from_db()
    assert run.status == "open"

    client.force_login(executive)
    page = client.get(detail)
    assert [task.title for task in page.context["tasks"]] == ["Review penurunan GMV"]
    assert client.get(close).status_code == 405
    response = client.post(close)

    assert response.status_code == 302
    run.refresh_from_db()
    assert (run.status, run.closed_at is not None) == ("done", True)
    # Closed: on the customer's timeline by the executive, counted as a playbook completed.
    event = TimelineEvent.objects.get(source_type="work.playbookrun", data__run_action="completed")
    assert event.actor == executive
    assert event.text == f"Playbook “{run.playbook.name}” completed"
    start, end = kpis.month_bounds(timezone.localdate())
    assert kpis.actuals(start, end).people[executive.pk, "playbooks_completed"] == 1
    # A second click closes nothing and counts nothing.
    client.post(close)
    assert TimelineEvent.objects.filter(data__run_action="completed").count() == 1
