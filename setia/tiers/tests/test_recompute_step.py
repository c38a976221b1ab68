from io import StringIO

from django.conf import settings
from django.core.management import call_command

from setia.test import make_customer
from setia.tiers.models import CustomerTier


def test_it_runs_as_the_last_recompute_step(db):
    make_customer(name="Toko Kecil")
    stdout = StringIO()

    call_command("recompute", "--today", "2026-06-15", stdout=stdout)

    assert settings.RECOMPUTE_STEPS[-1] == "setia.tiers.actions.assign_tiers"
    assert "setia.tiers.actions.assign_tiers: rows=1 seconds=" in stdout.getvalue()
    assert CustomerTier.objects.get().tier.slug == "bronze"
