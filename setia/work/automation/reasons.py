"""Why a trigger started a playbook, in the reader's language.

A run keeps the figures behind its match (`PlaybookRun.figures`: numbers, ISO dates, the stage's
names in both languages); its reason and its figures are written out when read, with the
shared formatting of `setia.lib.display`. The run's `reason` column keeps the text in the
site's language at the time: the fallback for runs whose figures lack something (written by
older code), and what a search finds.
"""

from collections.abc import Callable
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from setia.history import messages
from setia.lib.display import format_date, format_moment, format_number, format_rupiah
from setia.lib.names import in_reader_language


def reason_text(kind: str, figures: dict) -> str:
    """The reason of a match of a `kind` trigger with `figures`, in the active language.

    `kind` is a `TriggerKind` value (this module sits below the models, which use it). Raises
    KeyError when `figures` lack what the reason needs (runs written by older code)."""
    if kind == "website_down":
        return _("Uptime %(uptime)s%% on %(days)s day(s) of the last %(window)s") % {
            "uptime": format_number(figures["lowest_uptime"]),
            "days": format_number(figures["days_down"]),
            "window": format_number(figures["window_days"]),
        }
    if kind == "error_spike":
        return _("%(errors)s errors in the last %(window)s day(s)") % {
            "errors": format_number(figures["errors"]),
            "window": format_number(figures["window_days"]),
        }
    if kind == "gmv_drop":
        return _(
            "GMV %(recent)s a day over the last %(window)s day(s), against %(before)s a day "
            "over the 90 days before (%(change)s%%)"
        ) % {
            "recent": format_rupiah(figures["gmv_daily"]),
            "window": format_number(figures["window_days"]),
            "before": format_rupiah(figures["gmv_daily_before"]),
            "change": format_number(figures["gmv_change_pct"], 1),
        }
    if kind == "onboarding_stalled":
        return _("Onboarding stalled in “%(stage)s” since %(since)s") % {
            "stage": in_reader_language(figures["stage_name"], figures.get("stage_name_id")),
            "since": format_date(figures["entered_stage_at"]),
        }
    if kind == "renewal_due":
        return _("Subscription renews on %(day)s") % {"day": format_date(figures["renews_on"])}
    if kind == "no_interaction":
        last = figures["last_interaction"]
        if last:
            return _("No call, chat, e-mail or meeting since %(day)s") % {"day": format_date(last)}
        return _("No call, chat, e-mail or meeting yet")
    if kind == "health_fell":
        return _("Health score %(score)s, down from %(before)s on %(day)s") % {
            "score": format_number(figures["health_score"]),
            "before": format_number(figures["health_score_before"]),
            "day": format_date(figures["health_day_before"]),
        }
    if kind == "survey_detractor":
        text = _("%(survey)s answer %(score)s") % {
            "survey": figures["survey_kind"].upper(),
            "score": format_number(figures["survey_score"]),
        }
        if figures.get("survey_comment"):
            text += f": “{figures['survey_comment']}”"
        return text
    raise KeyError(kind)


def _percent(value) -> str:
    return f"{format_number(value, 1)}%"


# Each figure a run may keep: its label and how its value reads.
FIGURES: dict[str, tuple[Promise, Callable[[Any], str]]] = {
    "lowest_uptime": (gettext_lazy("Lowest uptime"), _percent),
    "days_down": (gettext_lazy("Days below the threshold"), format_number),
    "errors": (gettext_lazy("Errors"), format_number),
    "window_days": (gettext_lazy("Days looked at"), format_number),
    "gmv_daily": (gettext_lazy("GMV a day, recent days"), format_rupiah),
    "gmv_daily_before": (gettext_lazy("GMV a day, the 90 days before"), format_rupiah),
    "gmv_change_pct": (gettext_lazy("Change"), _percent),
    "baseline_days": (gettext_lazy("Days with figures before"), format_number),
    "stage_name": (gettext_lazy("Stage"), str),
    "entered_stage_at": (gettext_lazy("In the stage since"), format_moment),
    "renews_on": (gettext_lazy("Renews on"), format_date),
    "last_interaction": (gettext_lazy("Last call, chat, e-mail or meeting"), format_moment),
    "health_score": (gettext_lazy("Health score"), format_number),
    "health_score_before": (gettext_lazy("Health score before"), format_number),
    "health_day_before": (gettext_lazy("Score compared with, from"), format_date),
    "survey_score": (gettext_lazy("Survey answer"), format_number),
    "survey_comment": (gettext_lazy("Survey comment"), str),
}


def figure_rows(figures: dict) -> list[tuple[str, str]]:
    """(label, value) of a run's figures in the reader's language, in a fixed order; a figure
    without a value reads "—", one this code does not know is left out."""
    rows = []
    for key, (label, display) in FIGURES.items():
        if key not in figures:
            continue
        value = figures[key]
        if key == "stage_name":
            text = in_reader_language(figures["stage_name"], figures.get("stage_name_id"))
        elif value is None or value == "":
            text = "—"
        else:
            text = display(value)
        rows.append((str(label), text))
    return rows


# The `run_action` of the event a closed run puts on the customer's timeline (what the
# "playbooks completed" KPI counts).
RUN_COMPLETED = "completed"


@messages.register("work.playbookrun")
def render_run(data: dict, summary: str) -> str | None:
    """A run on the customer's timeline: “Playbook “…” started: <reason>”, or “Playbook “…”
    completed” when someone closed it."""
    playbook = in_reader_language(data["playbook"], data.get("playbook_name_id"))
    if data.get("run_action") == RUN_COMPLETED:
        return _("Playbook “%(playbook)s” completed") % {"playbook": playbook}
    return _("Playbook “%(playbook)s” started: %(reason)s") % {
        "playbook": playbook,
        "reason": reason_text(data["trigger"], data["figures"]),
    }
