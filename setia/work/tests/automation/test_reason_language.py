"""A run's reason and figures are written out when read, in the reader's language."""

import datetime
import uuid

from django.urls import reverse
from django.utils import translation

from setia.history.models import TimelineEvent
from setia.test import make_customer
from setia.work.automation import evaluation
from setia.work.automation.models import Playbook, PlaybookRun, TriggerRule
from setia.work.automation.reasons import figure_rows, reason_text

GMV_FIGURES = {
    "baseline_days": 40,
    "gmv_daily": 0.0,
    "gmv_daily_before": 2045811.3,
    "gmv_change_pct": -100.0,
    "window_days": 30,
}
STALLED = {
    "entered_stage_at": "2026-11-18T03:00:00+00:00",
    "stage_name": "Store setup",
    "stage_name_id": "Pengaturan toko",
}


def _in(language: str, function, *args):
    with translation.override(language):
        return function(*args)


def test_a_reason_reads_in_the_readers_language_with_its_dates_and_numbers():
    assert _in("en", reason_text, "gmv_drop", GMV_FIGURES) == (
        "GMV Rp 0 a day over the last 30 day(s), against Rp 2.045.811 a day over the 90 days "
        "before (-100.0%)"
    )
    assert "(-100,0%)" in _in("id", reason_text, "gmv_drop", GMV_FIGURES)
    assert _in("en", reason_text, "onboarding_stalled", STALLED) == (
        "Onboarding stalled in “Store setup” since 18 November 2026"
    )
    indonesian = _in("id", reason_text, "onboarding_stalled", STALLED)
    assert "“Pengaturan toko”" in indonesian and "18 November 2026" in indonesian
    assert "7 Januari 2027" in _in("id", reason_text, "renewal_due", {"renews_on": "2027-01-07"})


def test_the_figures_have_labels_and_formatted_values():
    assert _in("id", figure_rows, GMV_FIGURES) == [
        ("Hari yang dilihat", "30"),
        ("GMV per hari, hari-hari terakhir", "Rp 0"),
        ("GMV per hari, 90 hari sebelumnya", "Rp 2.045.811"),
        ("Perubahan", "-100,0%"),
        ("Hari dengan angka sebelumnya", "40"),
    ]
    assert ("Last call, chat, e-mail or meeting", "—") in _in(
        "en", figure_rows, {"last_interaction": None}
    )


def test_the_run_page_and_the_timeline_read_in_english_for_an_english_reader(
    client, manager, team_a
):
    customer = make_customer(team=team_a)
    manager.language = "en"
    manager.save(update_fields=["language"])
    batch = uuid.uuid4()
    moment = datetime.datetime(2026, 12, 1, 2, tzinfo=datetime.UTC)
    with translation.override("id"):
        reason = reason_text("gmv_drop", GMV_FIGURES)
    run = PlaybookRun.objects.create(
        customer=customer,
        playbook=Playbook.objects.get(name_id="Pemulihan GMV"),
        kind="gmv_drop",
        reason=reason,
        figures=GMV_FIGURES,
        batch=batch,
        started_at=moment,
    )
    evaluation._record_starts(batch, moment)
    client.force_login(manager)

    page = client.get(reverse("work:run-detail", args=[run.code])).text
    timeline = client.get(reverse("customers:customer-detail", args=[customer.code])).text

    for text in (page, timeline):
        assert "against Rp 2.045.811 a day over the 90 days before (-100.0%)" in text
        assert "dibanding" not in text
        assert "GMV recovery" in text and "Pemulihan GMV" not in text
    assert "gmv_daily" not in page and "Days looked at" in page
    assert TimelineEvent.objects.get(kind="task").summary.endswith(reason)


def test_an_old_run_without_the_figures_shows_its_stored_reason():
    run = PlaybookRun(kind="website_down", reason="Uptime 50% (stored)", figures={"days_down": 1})
    assert run.reason_text == "Uptime 50% (stored)"


def test_website_rules_keep_their_days_with_the_figures():
    rule = TriggerRule(kind="website_down", window_days=3)
    _reason, figures = evaluation._reason(
        rule, {"customer_id": 1, "lowest_uptime": 50, "days_down": 2}
    )
    assert figures["window_days"] == 3


def test_a_playbook_start_names_the_playbook_in_the_readers_language():
    event = TimelineEvent(
        source_type="work.playbookrun",
        summary="old text",
        data={
            "playbook": "GMV recovery",
            "playbook_name_id": "Pemulihan GMV",
            "trigger": "renewal_due",
            "figures": {"renews_on": "2027-01-06"},
        },
    )
    assert _in("en", lambda: event.text).startswith("Playbook “GMV recovery” started:")
    assert _in("id", lambda: event.text).startswith("Playbook “Pemulihan GMV”")
