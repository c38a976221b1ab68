"""Demo targets for this month and checkpoints of the last days (load_demo runs this last).

Targets are set from last month's actuals, a little higher, so the bars show real progress on
the demo's history (counts, onboarding, revenue kept, owned GMV and the NPS); a hand-entered
KPI shows a figure typed by the manager. The KPIs' rollup is built as the nightly job does. `demo_work` adds a reassignment, 1:1s and follow-ups. Checkpoints: most
executives and interns wrote yesterday's, a few today's, one with a blocker, so the lead's view
has both who wrote and who has not.
"""

import datetime

from rich.progress import Progress

from setia.accounts.models import Role
from setia.cadence import demo_work, kpis
from setia.cadence.models import Checkpoint, Target
from setia.cadence.org import demo as org_demo
from setia.lib.dates import add_months, month_start

TEAM_KPIS = (
    "calls",
    "whatsapp_sent",
    "meetings",
    "tasks_done",
    "onboarded_live",
    "revenue_kept",
    "gmv_owned",
    "nps",
)
# The NPS a team aims for when last month's was lower (a score, not a count to grow by 10%).
NPS_GOAL = 40
BLOCKERS = [
    "Menunggu akses API dari tim produk untuk migrasi toko.",
    "",
    "Pelanggan belum membalas sejak Senin.",
    "",
]


def load(*, seed: int, people, reference: datetime.date, progress: Progress) -> str:
    """Create the month's targets and the checkpoints if missing; return a one-line summary."""
    month = month_start(reference)
    last = kpis.actuals(*kpis.month_bounds(add_months(month, -1)))
    manager = next((user for user in people.users if user.role == Role.MANAGER), None)
    workers = [user for user in people.users if user.role in (Role.EXECUTIVE, Role.INTERN)]
    targets = 0
    for team in people.teams:
        for code in TEAM_KPIS:
            figure = kpis.Actuals.figure(last.teams, team.pk, code) or 0
            value = max(NPS_GOAL, figure + 5) if code == kpis.NPS else max(5, round(figure * 1.1))
            _target, created = Target.objects.get_or_create(
                month=month,
                kpi=code,
                name="",
                team=team,
                defaults={"value": value, "set_by": manager},
            )
            targets += created
        _target, created = Target.objects.get_or_create(
            month=month,
            kpi=kpis.MANUAL,
            name="Wawancara kisah sukses",  # typed by an Indonesian team
            team=team,
            defaults={"value": 4, "manual_actual": 1, "set_by": manager},
        )
        targets += created
    for user in workers:
        value = max(5, round(last.people.get((user.pk, "calls"), 0) * 1.1))
        _target, created = Target.objects.get_or_create(
            month=month,
            kpi="calls",
            name="",
            user=user,
            defaults={"value": value, "set_by": manager},
        )
        targets += created
    checkpoints = 0
    for index, user in enumerate(workers):
        days = [reference - datetime.timedelta(days=1)] + ([reference] if index % 2 else [])
        for day in days:
            _checkpoint, created = Checkpoint.objects.get_or_create(
                user=user,
                day=day,
                defaults={
                    "planned": "- Telepon pelanggan berisiko\n- Tindak lanjut onboarding",
                    "done": "- Telepon pelanggan berisiko",
                    "blockers": BLOCKERS[index % len(BLOCKERS)],
                    "note": "Hari yang padat.",
                },
            )
            checkpoints += created
    org = org_demo.load(people=people)
    work = demo_work.load(people=people, reference=reference)
    # The KPI rollup of the demo's year, as the nightly job builds it.
    kpis.build_rollup(add_months(month, -12))
    return f"{targets} targets, {checkpoints} checkpoints; {org}" + (f"; {work}" if work else "")
