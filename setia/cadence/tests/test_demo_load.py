from io import StringIO

from django.core.management import call_command

from setia.cadence.models import Checkpoint, Target


def _load() -> str:
    out = StringIO()
    call_command("load_demo", customers=24, seed=5, verbosity=0, stdout=out)
    return out.getvalue()


def test_it_sets_the_months_targets_and_writes_checkpoints_once(db):
    first = _load()
    targets, checkpoints = Target.objects.count(), Checkpoint.objects.count()
    second = _load()

    # two teams x (four counted KPIs and one by hand), and a calls target per executive or intern
    assert targets == 2 * 5 + 6
    assert checkpoints == 6 + 3
    assert Checkpoint.objects.exclude(blockers="").exists()
    assert f"{targets} targets, {checkpoints} checkpoints" in first
    assert "0 targets, 0 checkpoints" in second
    assert Target.objects.count() == targets
