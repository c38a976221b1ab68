"""The weekly update's PDF and XLSX, the `weekly_update` command and the Monday e-mail: read
back with pypdf and openpyxl, the e-mail received by a real SMTP server."""

import datetime
import io
import subprocess
import sys

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from setia.accounts.models import Role
from setia.cadence.delivery import send_weekly_updates
from setia.cadence.models import Checkpoint, Target, WeeklyRecipient, WeeklySend
from setia.customers.actions import update_customer
from setia.history.actions import new_event, record_events
from setia.jobs.actions import run_pending
from setia.jobs.models import Job
from setia.jobs.schedule import Schedule
from setia.test import make_customer, make_user

WEEKLY = reverse("cadence:weekly")
PDF = reverse("cadence:weekly-pdf")
XLSX = reverse("cadence:weekly-xlsx")
RECIPIENTS = reverse("cadence:weekly-recipients")
# Thursday 19 November 2026, noon in Jakarta: week 2026-W47 runs from Monday 16 to Sunday 22.
NOW = datetime.datetime(2026, 11, 19, 5, 0, tzinfo=datetime.UTC)
JAKARTA = datetime.timezone(datetime.timedelta(hours=7))


def _calls(customer, actor, day: int, count: int):
    moment = datetime.datetime(2026, 11, day, 10, 0, tzinfo=JAKARTA)
    record_events(
        [new_event(customer, "call", actor=actor, occurred_at=moment) for _n in range(count)]
    )


@pytest.fixture
def history(team_a, executive):
    """Team A's November: 100 calls and 8 meetings targeted, 20 calls and 3 meetings by the
    end of week 47, a blocker and a customer lost that week."""
    with time_machine.travel(NOW, tick=False):
        month = datetime.date(2026, 11, 1)
        Target.objects.create(month=month, kpi="calls", team=team_a, value=100)
        Target.objects.create(month=month, kpi="meetings", team=team_a, value=8)
        customer = make_customer(team=team_a, owner=executive, name="Toko Sinar Jaya")
        _calls(customer, executive, 10, 4)  # week 46
        _calls(customer, executive, 17, 16)  # week 47
        meeting = datetime.datetime(2026, 11, 18, 9, 0, tzinfo=JAKARTA)
        record_events(
            [
                new_event(customer, "meeting", actor=executive, occurred_at=meeting)
                for _n in range(3)
            ]
        )
        Checkpoint.objects.create(
            user=executive, day=datetime.date(2026, 11, 17), blockers="Akses API belum ada"
        )
        lost = make_customer(team=team_a, owner=executive, name="Warung Bu Tini")
        update_customer(
            customer=lost,
            actor=executive,
            data={"status": "churned"},
            expected_version=lost.version,
        )
    return customer


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def _english(user):
    user.language = "en"
    user.save(update_fields=["language"])


# -- the page and its files -------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_the_page_shows_both_charts_the_lost_customers_and_the_download_buttons(
    client, manager, team_a, history
):
    _english(manager)
    client.force_login(manager)

    response = client.get(WEEKLY, {"week": "2026-W47", "team": team_a.pk})

    page = response.content.decode()
    assert response.context["lost_count"] == 1
    assert "Warung Bu Tini" in page
    assert "1 customer lost" in page
    assert page.count('src="data:image/svg+xml;base64,') == 2  # week over week, month
    query = f"week=2026-W47&amp;team={team_a.pk}"
    assert f'href="{PDF}?{query}"' in page
    assert f'href="{XLSX}?{query}"' in page


@time_machine.travel(NOW, tick=False)
def test_the_pdf_opens_and_holds_the_figures(client, manager, team_a, history):
    _english(manager)
    client.force_login(manager)

    response = client.get(PDF, {"week": "2026-W47", "team": team_a.pk})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == ('attachment; filename="weekly-2026-W47-team-a.pdf"')
    text = _pdf_text(response.content)
    assert "Weekly update of Team A, 2026-W47" in text
    assert "Calls" in text and "Meetings" in text
    # Calls: 16 this week, 4 the week before (▲ 12), 20 of 100 (20%), 27 by the month's end.
    assert "16" in text and "20%" in text and "27" in text
    assert "Akses API belum ada" in text
    assert "1 customer lost: Warung Bu Tini" in text
    assert "Week over week" in text  # the charts, drawn as vector text


@time_machine.travel(NOW, tick=False)
def test_the_pdf_is_in_the_readers_language(client, manager, team_a, history):
    client.force_login(manager)  # Indonesian, the default

    text = _pdf_text(client.get(PDF, {"week": "2026-W47", "team": team_a.pk}).content)

    assert "Team A" in text
    assert "Panggilan" in text
    assert "Akses API belum ada" in text


@time_machine.travel(NOW, tick=False)
def test_the_xlsx_holds_the_kpi_table_and_the_highlights(client, manager, team_a, history):
    _english(manager)
    client.force_login(manager)

    response = client.get(XLSX, {"week": "2026-W47", "team": team_a.pk})

    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    kpis, highlights = book["KPIs"], book["Highlights"]
    rows = list(kpis.iter_rows(values_only=True))
    assert rows[0] == (
        "Week",
        "team or person",
        "KPI",
        "This week",
        "Week before",
        "Month to date",
        "Target",
        "%",
        "Forecast",
    )
    assert rows[1:] == [
        ("2026-W47", "Team A", "Calls", 16, 4, 20, 100, 20, 27),
        ("2026-W47", "Team A", "Meetings", 3, 0, 3, 8, 38, 4),
    ]
    assert len(kpis._charts) == 1
    lines = {(row[2], row[3]) for row in highlights.iter_rows(min_row=2, values_only=True)}
    assert ("Customers lost", 1) in lines
    assert ("Customer lost", "Warung Bu Tini") in lines
    assert ("Retention offers accepted", 0) in lines
    assert any(label == "Blocker" and "Akses API belum ada" in detail for label, detail in lines)


@time_machine.travel(NOW, tick=False)
def test_a_persons_pdf_and_the_executives_own(client, executive, team_a, history):
    client.force_login(executive)

    response = client.get(PDF, {"week": "2026-W47", "person": executive.pk})

    assert response.status_code == 200
    assert str(executive) in _pdf_text(response.content)


@pytest.mark.parametrize("url", [WEEKLY, PDF, XLSX])
def test_who_may_read_which_update(client, url, executive, team_a, team_b, db):
    other = make_user(Role.EXECUTIVE, team=team_b)
    viewer = make_user(Role.VIEWER, team=team_a)
    with time_machine.travel(NOW, tick=False):
        assert client.get(url).status_code == 302  # anonymous: to the login page
        client.force_login(executive)
        assert client.get(url, {"team": team_b.pk}).status_code == 403
        assert client.get(url, {"person": other.pk}).status_code == 403
        assert client.get(url, {"team": 999999}).status_code == 400
        assert client.get(url, {"week": "2026-W99"}).status_code == 400
        assert client.post(url).status_code == 405
        assert client.get(url, {"team": team_a.pk}).status_code == 200
        client.force_login(viewer)
        assert client.get(url).status_code == 403


def test_without_pango_the_pdf_button_explains_instead_of_failing(
    client, manager, team_a, monkeypatch
):
    _english(manager)
    client.force_login(manager)
    # WeasyPrint cannot be imported, as on a system without Pango.
    monkeypatch.setitem(sys.modules, "weasyprint", None)

    response = client.get(PDF, {"team": team_a.pk})

    assert response.status_code == 503
    page = response.content.decode()
    assert "WeasyPrint needs the Pango library" in page
    assert "apt-get install libpango-1.0-0 libpangoft2-1.0-0" in page
    manager.language = "id"
    manager.save(update_fields=["language"])
    assert "membutuhkan pustaka Pango" in client.get(PDF, {"team": team_a.pk}).content.decode()


# -- the command --------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_the_command_writes_every_teams_pdf(tmp_path, team_a, team_b, history):
    out = tmp_path / "weekly.pdf"
    stdout = io.StringIO()

    call_command(
        "weekly_update", "--week", "2026-W47", "--out", str(out), "--language", "en", stdout=stdout
    )

    text = _pdf_text(out.read_bytes())
    assert "Weekly update of Team A, 2026-W47" in text
    assert "Weekly update of Team B, 2026-W47" in text
    assert "Akses API belum ada" in text
    assert "Wrote" in stdout.getvalue() and "Team A, Team B" in stdout.getvalue()
    assert len(PdfReader(out).pages) >= 2


@time_machine.travel(NOW, tick=False)
def test_the_command_writes_one_team_and_defaults_to_last_week(tmp_path, team_a, team_b, history):
    out = tmp_path / "a.pdf"

    call_command("weekly_update", "--team", "team a", "--out", str(out), "--language", "en")

    text = _pdf_text(out.read_bytes())
    assert "Weekly update of Team A, 2026-W46" in text
    assert "Team B" not in text


def test_the_command_refuses_a_bad_week_an_unknown_team_and_no_pango(tmp_path, team_a, monkeypatch):
    out = str(tmp_path / "x.pdf")
    with pytest.raises(CommandError, match="Enter a week as YYYY-Www"):
        call_command("weekly_update", "--week", "2026-47", "--out", out, "--language", "en")
    with pytest.raises(CommandError, match=r"No team is called “Nope”\. Teams: Team A\."):
        call_command("weekly_update", "--team", "Nope", "--out", out, "--language", "en")
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    with pytest.raises(CommandError, match=r"apt-get install libpango-1\.0-0"):
        call_command("weekly_update", "--out", out, "--language", "en")
    assert not (tmp_path / "x.pdf").exists()


def test_the_command_exits_non_zero_with_the_reason(tmp_path):
    done = subprocess.run(
        [sys.executable, "manage.py", "weekly_update", "--week", "2026-W60", "--out", "x.pdf"],
        capture_output=True,
        text=True,
        env={"LANGUAGE_CODE": "en", "PATH": "/usr/bin:/bin", "DEBUG": "1"},
        check=False,
        timeout=120,
    )

    assert done.returncode == 1
    assert "Enter a week as YYYY-Www" in done.stderr


# -- the Monday e-mail ---------------------------------------------------------------------


# Monday 23 November 2026, 07:00 in Jakarta: the schedule's time, week 47 just ended.
MONDAY = datetime.datetime(2026, 11, 23, 0, 0, tzinfo=datetime.UTC)


def test_monday_the_schedule_mails_each_teams_pdf_once(smtp, settings, team_a, team_b, history):
    lead = make_user(Role.MANAGER, team=team_a, email="lead@setia.test", language="id")
    team_a.lead = lead
    team_a.save()
    WeeklyRecipient.objects.create(email="cpo@example.test")  # every team's update
    settings.JOBS_EAGER = False
    entries = {
        "weekly": settings.CELERY_BEAT_SCHEDULE["cadence-send-weekly-updates"],
    }
    with time_machine.travel(MONDAY - datetime.timedelta(hours=1), tick=False):
        schedule = Schedule(entries)
        assert schedule.enqueue_due() == []  # Monday 06:00 in Jakarta
    with time_machine.travel(MONDAY + datetime.timedelta(minutes=1), tick=False):
        assert schedule.enqueue_due() == ["weekly"]
        run_pending()

    assert Job.objects.get().state == Job.State.DONE
    messages = smtp.messages()
    # The lead reads Indonesian; the added address the default language (English here), and
    # it gets every team's update.
    assert sorted((message["To"], message["Subject"]) for message in messages) == [
        ("cpo@example.test", "Weekly update: Team A, 2026-W47"),
        ("cpo@example.test", "Weekly update: Team B, 2026-W47"),
        ("lead@setia.test", "Laporan mingguan: Team A, 2026-W47"),
    ]
    english = next(m for m in messages if m["Subject"] == "Weekly update: Team A, 2026-W47")
    [attachment] = list(english.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "weekly-2026-W47-team-a.pdf"
    text = _pdf_text(attachment.get_content())
    assert "Weekly update of Team A, 2026-W47" in text
    assert "Calls" in text and "Akses API belum ada" in text
    assert "Panggilan" in _pdf_text(
        next(m for m in messages if m["To"] == "lead@setia.test").get_payload()[1].get_content()
    )
    assert WeeklySend.objects.count() == 2

    # A second run the same week, by the schedule or by hand, sends nothing more.
    with time_machine.travel(MONDAY + datetime.timedelta(hours=2), tick=False):
        assert send_weekly_updates() == 0
    assert len(smtp.received) == 3


def test_a_failed_send_is_tried_again_at_the_next_run(smtp, team_a, history):
    WeeklyRecipient.objects.create(email="cpo@example.test", team=team_a)
    smtp.data_replies.append("451 Try again later")

    with time_machine.travel(MONDAY, tick=False):
        with pytest.raises(Exception, match="451"):
            send_weekly_updates()
        assert not WeeklySend.objects.exists()
        assert send_weekly_updates() == 1

    assert len(smtp.received) == 1


def test_a_team_without_recipients_is_skipped(smtp, team_a, team_b):
    WeeklyRecipient.objects.create(email="b@example.test", team=team_b)

    with time_machine.travel(MONDAY, tick=False):
        assert send_weekly_updates() == 1

    [message] = smtp.messages()
    assert message["To"] == "b@example.test"
    assert list(WeeklySend.objects.values_list("team__name", "monday")) == [
        ("Team B", datetime.date(2026, 11, 16))
    ]


# -- the extra addresses ---------------------------------------------------------------------


def test_only_admins_keep_the_extra_addresses(client, admin_user, manager, team_a):
    client.force_login(manager)
    assert client.get(RECIPIENTS).status_code == 403
    assert client.post(RECIPIENTS, {"email": "x@example.test"}).status_code == 403
    client.force_login(admin_user)

    assert client.get(RECIPIENTS).status_code == 200
    response = client.post(RECIPIENTS, {"email": " CPO@Example.test ", "team": team_a.pk})
    assert response.status_code == 302
    recipient = WeeklyRecipient.objects.get()
    assert (recipient.email, recipient.team, recipient.added_by) == (
        "cpo@example.test",
        team_a,
        admin_user,
    )
    assert (
        client.post(RECIPIENTS, {"email": "cpo@example.test", "team": team_a.pk}).status_code == 400
    )
    assert client.post(RECIPIENTS, {"email": "bukan alamat"}).status_code == 400
    assert client.post(RECIPIENTS, {"email": "a\x00b@example.test"}).status_code == 400
    for odd in ["²", "-1", "x" * 10_240, "🙂", "\u202eمرحبا@example.test"]:
        assert (
            client.post(RECIPIENTS, {"email": "odd@example.test", "team": odd}).status_code == 400
        )
        assert client.post(RECIPIENTS, {"email": odd}).status_code == 400
    assert WeeklyRecipient.objects.count() == 1
    assert client.put(RECIPIENTS).status_code == 405
    delete = reverse("cadence:weekly-recipient-delete", args=[recipient.pk])
    assert client.get(delete).status_code == 405
    client.force_login(manager)
    assert client.post(delete).status_code == 403
    client.force_login(admin_user)
    assert client.post(delete).status_code == 302
    assert not WeeklyRecipient.objects.exists()
