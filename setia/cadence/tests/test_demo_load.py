from io import StringIO

from django.core.management import call_command

from setia.cadence.models import (
    ActionItem,
    AgendaItem,
    Checkpoint,
    Meeting,
    ReassignedCustomer,
    Reassignment,
    Target,
)
from setia.work.schedule.models import Task


def _load() -> str:
    out = StringIO()
    call_command("load_demo", customers=24, seed=5, verbosity=0, stdout=out)
    return out.getvalue()


def test_it_sets_the_months_targets_and_writes_checkpoints_once(db):
    first = _load()
    targets, checkpoints = Target.objects.count(), Checkpoint.objects.count()
    second = _load()

    # two teams x (eight counted KPIs and one by hand), and a calls target per executive or intern
    assert targets == 2 * 9 + 6
    assert checkpoints == 6 + 3
    assert Checkpoint.objects.exclude(blockers="").exists()
    assert f"{targets} targets, {checkpoints} checkpoints" in first
    assert "0 targets, 0 checkpoints" in second
    assert Target.objects.count() == targets


def test_it_shows_a_reassignment_one_on_ones_and_follow_ups_once(db):
    first = _load()
    counts = (
        Reassignment.objects.count(),
        Meeting.objects.count(),
        AgendaItem.objects.count(),
        Task.objects.filter(interaction__isnull=False).count(),
    )
    second = _load()

    reassignment = Reassignment.objects.get()
    assert reassignment.status == Reassignment.Status.DONE
    assert reassignment.customers_moved > 0
    assert ReassignedCustomer.objects.filter(reassignment=reassignment).count() == (
        reassignment.customers_moved
    )
    assert counts[1:] == (3, 2, Task.objects.filter(interaction__isnull=False).count())
    assert counts[3] > 0
    assert ActionItem.objects.filter(task__isnull=False).count() == 1
    assert f"{reassignment.customers_moved} customers reassigned, 3 1:1 meetings" in first
    assert "0 customers reassigned, 0 1:1 meetings, 0 follow-up tasks" in second
    assert Reassignment.objects.count() == 1
