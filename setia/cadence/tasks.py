"""Celery beat jobs of the cadence app (their names, `setia.cadence.tasks.*`, are what the beat
schedule in settings calls)."""

import datetime

from celery import shared_task

from setia.cadence import kpis
from setia.cadence.delivery import send_weekly_updates as send
from setia.lib.dates import add_months, today


@shared_task(ignore_result=True)
def send_weekly_updates() -> int:
    """E-mail each team's weekly update of the week just ended; Mondays, once per week."""
    return send()


@shared_task(ignore_result=True)
def roll_up_recent_kpis() -> int:
    """Rebuild the KPI rollup from the month of a week ago (what this month's targets and the
    weekly updates read), so that edits to counted events show within minutes."""
    return kpis.build_rollup(today() - datetime.timedelta(days=7))


@shared_task(ignore_result=True)
def roll_up_kpis() -> int:
    """Rebuild the KPI rollup of the last twelve months and this one; nightly, after the
    metrics' recompute (the owned GMV reads its monthly rollup)."""
    return kpis.build_rollup(add_months(today(), -12))
