"""Demo of the work records cadence keeps besides targets: a reassignment with its history, a
1:1 series with an agenda, notes and an action item, and follow-up tasks of logged
interactions. Each is made through the actions a page calls, once (a second load finds them).
"""

import datetime

from django.http import QueryDict

from setia.accounts.models import Role
from setia.cadence.oneonones import actions as oneonones
from setia.cadence.oneonones.models import Cadence, OneOnOne
from setia.cadence.reassign.actions import start_reassignment
from setia.cadence.reassign.models import Reassignment
from setia.customers.demo_load import demo_customers
from setia.engagement.models import Interaction
from setia.work.schedule.actions import create_follow_up_tasks
from setia.work.schedule.models import Task

# Follow-ups made into tasks: the latest few, as if logged from the form.
FOLLOW_UPS = 5
AGENDA = [
    "Pelanggan berisiko di Bandung: rencana telepon minggu ini",
    "Hambatan akses API untuk migrasi toko",
]


def load(*, people, reference: datetime.date) -> str:
    """The demo's reassignment, 1:1s and follow-up tasks, if missing; a one-line summary."""
    manager = next((user for user in people.users if user.role == Role.MANAGER), None)
    executives = [user for user in people.users if user.role == Role.EXECUTIVE]
    if manager is None or len(executives) < 2:
        return ""
    moved = _reassign(manager, giver=executives[1], receiver=executives[0])
    meetings = _one_on_ones(manager, member=executives[0], reference=reference)
    tasks = _follow_ups()
    return f"{moved} customers reassigned, {meetings} 1:1 meetings, {tasks} follow-up tasks"


def _reassign(manager, *, giver, receiver) -> int:
    """Hand the giver's customers of one city to a teammate (one history entry each)."""
    if Reassignment.objects.filter(actor=manager).exists():
        return 0
    city = (
        demo_customers().filter(owner=giver).order_by("city").values_list("city", flat=True).first()
    )
    if city is None:
        return 0
    query = QueryDict(mutable=True)
    query.update({"owner": str(giver.pk), "city": city})
    reassignment = start_reassignment(actor=manager, query=query, to_owner=receiver, to_team=None)
    return reassignment.customers_moved


def _one_on_ones(manager, *, member, reference: datetime.date) -> int:
    """Weekly 1:1s of the manager with a lead: two held, the next one's agenda started."""
    if OneOnOne.objects.filter(lead=manager, member=member).exists():
        return 0
    series = oneonones.start_series(
        actor=manager,
        member=member,
        cadence=Cadence.WEEKLY,
        next_date=reference - datetime.timedelta(days=14),
    )
    held = [oneonones.hold_next(series=series, actor=manager) for _week in range(2)]
    oneonones.save_notes(
        meeting=held[0],
        actor=manager,
        data={
            "impressions": "Semangat, tapi beban pelanggan berisiko tinggi.",
            "obstacles": "Terlalu banyak tindak lanjut manual.",
            "ideas": "Coba templat WhatsApp untuk pengingat pembayaran.",
        },
    )
    oneonones.add_action_item(
        meeting=held[1],
        actor=manager,
        text="Siapkan daftar 10 pelanggan berisiko untuk ditelepon",
        owner=member,
        due_on=reference + datetime.timedelta(days=2),
    )
    oneonones.save_private_note(
        meeting=held[1], actor=manager, text="Bahas kemungkinan jadi mentor anak magang."
    )
    upcoming = oneonones.hold_next(series=series, actor=manager)
    oneonones.add_agenda_item(meeting=upcoming, actor=member, text=AGENDA[0])
    oneonones.add_agenda_item(meeting=upcoming, actor=manager, text=AGENDA[1])
    return len(held) + 1


def _follow_ups() -> int:
    """The latest follow-ups of the demo's interactions as their loggers' tasks (due soon, or
    lately overdue)."""
    if Task.objects.filter(interaction__customer__in=demo_customers()).exists():
        return 0
    due = Interaction.objects.filter(
        customer__in=demo_customers(), follow_up_on__isnull=False, recorded_by__isnull=False
    ).select_related("customer", "recorded_by")
    return sum(
        len(create_follow_up_tasks(interaction=interaction, actor=interaction.recorded_by))
        for interaction in due.order_by("-follow_up_on", "-id")[:FOLLOW_UPS]
    )
