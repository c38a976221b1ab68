"""The surveys report's figures: per month and group (tier, category or owner), the
invitations sent, answered, the response rate, the NPS (promoters minus detractors, as a
percentage of the NPS answers) and the CSAT average; and the answers with their comments.
Each is one query over the invitations of the customers the reader may see."""

import datetime

from django.db.models import Avg, Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from setia.customers.models import Category, Customer
from setia.surveys.models import Kind, SurveyInvitation, SurveyResponse
from setia.tiers.models import Tier

GROUPS = {
    "tier": "customer__tier_rank",
    "category": "category_name",
    "owner": "customer__owner__full_name",
}


def nps(promoters: int, detractors: int, answers: int) -> int | None:
    """The Net Promoter Score: promoters (9-10) minus detractors (0-6), as a whole percentage
    of the answers; None without answers."""
    if not answers:
        return None
    return round((promoters - detractors) * 100 / answers)


def invitations_for(user, filters: dict) -> QuerySet[SurveyInvitation]:
    """The invitations of the customers `user` may see, filtered by `filters` (the report
    form's cleaned data: since, until, tier, category, owner)."""
    invitations = SurveyInvitation.objects.filter(
        customer__in=Customer.objects.visible_to(user).alive()
    )
    if filters.get("since"):
        invitations = invitations.filter(sent_at__date__gte=filters["since"])
    if filters.get("until"):
        invitations = invitations.filter(sent_at__date__lte=filters["until"])
    if filters.get("tier"):
        invitations = invitations.filter(customer__tier_rank=filters["tier"].position)
    if filters.get("category"):
        invitations = invitations.filter(customer__category=filters["category"])
    if filters.get("owner"):
        invitations = invitations.filter(customer__owner=filters["owner"])
    return invitations


def monthly(invitations: QuerySet[SurveyInvitation], group: str) -> list[dict]:
    """Per month (of sending) and group: sent, answered, rate %, nps, csat (one query)."""
    answered = Q(answered_at__isnull=False)
    nps_answer = Q(response__kind=Kind.NPS)
    rows: list[dict] = [
        dict(row)
        for row in invitations.order_by()
        .annotate(category_name=Category.display_name_sql("customer__category__"))
        .values(month=TruncMonth("sent_at"), group=F(GROUPS[group]))
        .annotate(
            sent=Count("pk"),
            answered=Count("pk", filter=answered),
            promoters=Count("pk", filter=nps_answer & Q(response__score__gte=9)),
            detractors=Count("pk", filter=nps_answer & Q(response__score__lte=6)),
            nps_answers=Count("pk", filter=nps_answer),
            csat=Avg("response__score", filter=Q(response__kind=Kind.CSAT)),
        )
    ]
    tiers = (
        {tier.position: tier.display_name for tier in Tier.objects.all()} if group == "tier" else {}
    )
    for row in rows:
        row["rate"] = round(row["answered"] * 100 / row["sent"]) if row["sent"] else None
        row["nps"] = nps(row["promoters"], row["detractors"], row["nps_answers"])
        if group == "tier":
            row["label"] = tiers.get(row["group"]) or _("No tier")
        else:
            row["label"] = row["group"] or (_("No owner") if group == "owner" else "")
        month = row["month"]
        row["month"] = month.date() if isinstance(month, datetime.datetime) else month
    rows.sort(key=lambda row: (row["month"], str(row["label"])))
    return rows


def nps_by_month(rows: list[dict]) -> list[tuple[datetime.date, int]]:
    """(month, NPS over every group) for the chart, from `monthly`'s rows."""
    totals: dict[datetime.date, list[int]] = {}
    for row in rows:
        total = totals.setdefault(row["month"], [0, 0, 0])
        total[0] += row["promoters"]
        total[1] += row["detractors"]
        total[2] += row["nps_answers"]
    return [
        (month, score)
        for month, (promoters, detractors, answers) in sorted(totals.items())
        if (score := nps(promoters, detractors, answers)) is not None
    ]


def answers(invitations: QuerySet[SurveyInvitation]) -> QuerySet[SurveyResponse]:
    """The answers to `invitations`, newest first, with what the list and the export show."""
    return (
        SurveyResponse.objects.filter(invitation__in=invitations)
        .select_related("customer__owner", "customer__category", "invitation__contact")
        .order_by("-responded_at", "-id")
    )
