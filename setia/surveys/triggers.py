"""The "survey detractor" trigger's matches, registered with work's trigger evaluation."""

import datetime

from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Left

from setia.surveys.models import Kind, SurveyResponse
from setia.work.automation.evaluation import register_source
from setia.work.automation.models import PlaybookRun, TriggerKind

# What an answer that starts the playbook is: the same as `models.is_detractor`.
DETRACTOR = Q(kind=Kind.NPS, score__lte=6) | Q(kind=Kind.CSAT, score__lte=2)


@register_source(TriggerKind.SURVEY_DETRACTOR)
def detractors(rule, day: datetime.date, moment: datetime.datetime):
    """One query: the detractor answers (NPS 0-6, CSAT 1-2) of the last `rule.window_days`
    days that no run of the rule's playbook for that customer has started since, so each
    answer starts at most one run, whether it is evaluated on answering or at night."""
    since = moment - datetime.timedelta(days=max(rule.window_days, 1))
    followed = PlaybookRun.objects.filter(
        customer_id=OuterRef("customer_id"),
        playbook_id=rule.playbook_id,
        started_at__gte=OuterRef("responded_at"),
    )
    return (
        SurveyResponse.objects.filter(
            DETRACTOR,
            responded_at__gte=since,
            responded_at__lte=moment,
            customer__deleted_at__isnull=True,
        )
        .filter(~Exists(followed))
        .order_by("customer_id", "-responded_at")
        .values(
            "customer_id",
            survey_kind=F("kind"),
            survey_score=F("score"),
            survey_comment=Left("comment", 120),
            value=F("customer__subscription__monthly_price") * 12,
        )
    )
