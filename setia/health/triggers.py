"""The "health fell" trigger's matches, registered with work's trigger evaluation."""

import datetime

from django.db.models import DateField as DateValue
from django.db.models import F, IntegerField, OuterRef, Q, Subquery, Value

from setia.health.models import Grade, HealthSnapshot
from setia.work.automation.evaluation import register_source
from setia.work.automation.models import TriggerKind


@register_source(TriggerKind.HEALTH_FELL)
def health_falls(rule, day: datetime.date, moment: datetime.datetime):
    """One query: the customers whose score on `day` is at least `rule.threshold` points below
    their score `rule.window_days` days before, or who are poor on `day` and were not then (a
    threshold of 0 watches only the fall into poor). A customer without both snapshots is not
    compared."""
    before_day = day - datetime.timedelta(days=max(rule.window_days, 1))
    before = HealthSnapshot.objects.filter(customer_id=OuterRef("customer_id"), day=before_day)
    fell_into_poor = Q(grade=Grade.POOR) & ~Q(grade_before=Grade.POOR)
    fell = Q(score_before__gte=F("score") + rule.threshold) if rule.threshold else Q(pk__in=[])
    return (
        HealthSnapshot.objects.filter(day=day, customer__deleted_at__isnull=True)
        .annotate(
            score_before=Subquery(before.values("score")[:1], output_field=IntegerField()),
            grade_before=Subquery(before.values("grade")[:1]),
        )
        .filter(score_before__isnull=False)
        .filter(fell | fell_into_poor)
        .values(
            "customer_id",
            health_score=F("score"),
            health_score_before=F("score_before"),
            health_day_before=Value(before_day, output_field=DateValue()),
            value=F("customer__subscription__monthly_price") * 12,
        )
    )
