import datetime
from io import StringIO

from django.core.management import call_command
from django.db.models import Count

from setia.health.models import CustomerHealth, FactorWeight, HealthSnapshot


def test_the_demo_scores_every_customer_with_a_90_day_history_and_tier_weights(db):
    out = StringIO()
    call_command("load_demo", customers=60, seed=4, verbosity=0, stdout=out)

    assert "health customers=60 scored=60" in out.getvalue()
    grades = dict(CustomerHealth.objects.values_list("grade").annotate(n=Count("pk")))
    assert len(grades) >= 2  # spread, not one grade for everyone
    assert FactorWeight.objects.filter(tier__slug="platinum", factor="contact").exists()
    from setia.lib.dates import today

    daily = HealthSnapshot.objects.filter(day__gte=today() - datetime.timedelta(days=89))
    per_customer = daily.values("customer").annotate(days=Count("day"))
    assert {row["days"] for row in per_customer} == {90}
    # before it, a snapshot a week: what the churn model's cut-offs read
    assert HealthSnapshot.objects.filter(day__lt=today() - datetime.timedelta(days=89)).exists()

    written = HealthSnapshot.objects.count()

    # loaded again: nothing doubles
    call_command("load_demo", customers=60, seed=4, verbosity=0, stdout=StringIO())
    assert HealthSnapshot.objects.count() == written
