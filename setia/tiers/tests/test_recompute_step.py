from io import StringIO

from django.conf import settings
from django.core.management import call_command

from setia.test import make_customer
from setia.tiers.models import CustomerTier


def test_it_runs_as_a_recompute_step_after_the_rollups(db):
    make_customer(name="Toko Kecil")
    stdout = StringIO()

    call_command("recompute", "--today", "2026-06-15", stdout=stdout)

    steps = settings.RECOMPUTE_STEPS
    assert steps.index("setia.tiers.actions.assign_tiers") > steps.index(
        "setia.metrics.actions.recompute_rollups"
    )
    assert "setia.tiers.actions.assign_tiers: rows=1 seconds=" in stdout.getvalue()
    assert CustomerTier.objects.get().tier.slug == "bronze"
