"""Demo surveys (load_demo runs this after the engagement and work demos and before health's,
so the scores read the answers): NPS and CSAT invitations to most demo customers' primary
contacts over the last six months, about a quarter answered, the customers at risk answering
lower; a few detractors answered yesterday, whose follow-up playbook starts as it would on
answering. A schedule (NPS every 90 days by e-mail) is set up for what follows."""

import random
import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Prefetch
from rich.progress import Progress

from setia.customers.demo_load import demo_customers
from setia.customers.models import Contact, Customer
from setia.history.actions import new_event, record_events_unread
from setia.history.models import EventKind
from setia.surveys.models import (
    Schedule,
    Survey,
    SurveyInvitation,
    SurveyResponse,
    Trigger,
    percent_of_scale,
)
from setia.work.automation.evaluation import evaluate
from setia.work.automation.models import TriggerKind, TriggerRule

JAKARTA = ZoneInfo("Asia/Jakarta")
MONTHS = 6
COMMENTS = {
    "low": [
        "Website sering lambat saat promo.",
        "Toko v2 lebih lambat dari yang lama.",
        "Respon tim lama sekali.",
        "Pembayaran sering gagal.",
    ],
    "mid": ["Cukup baik, tapi laporan penjualan membingungkan.", "Lumayan.", ""],
    "high": ["Tim sangat membantu!", "Penjualan naik sejak pindah.", "Mantap, terima kasih.", ""],
}


def _moment(rng: random.Random, day: date) -> datetime:
    return datetime.combine(day, time(rng.randint(8, 20), rng.choice([0, 15, 30, 45])), JAKARTA)


def _score(rng: random.Random, kind: str, at_risk: bool) -> int:
    """A score leaning low for customers at risk, high otherwise."""
    if kind == "nps":
        scores, weights = range(11), [0, 0, 1, 1, 1, 2, 3, 6, 9, 11, 9]
        if at_risk:
            weights = [5, 5, 6, 7, 7, 7, 6, 4, 2, 1, 1]
    else:
        scores, weights = range(1, 6), [1, 2, 4, 9, 7]
        if at_risk:
            weights = [5, 6, 4, 2, 1]
    return rng.choices(list(scores), weights)[0]


def _comment(rng: random.Random, percent: int) -> str:
    band = "low" if percent < 60 else "mid" if percent < 80 else "high"
    return rng.choice(COMMENTS[band])


def load(*, seed: int, people, reference: date, progress: Progress) -> str:
    """Invite, answer and follow up as described above; a second run adds nothing (the
    demo's invitations exist)."""
    customers = list(
        Customer.objects.filter(pk__in=demo_customers())
        .prefetch_related(
            Prefetch(
                "contacts", queryset=Contact.objects.filter(is_primary=True), to_attr="primary"
            )
        )
        .order_by("code")
    )
    if SurveyInvitation.objects.filter(customer__in=customers).exists() or not customers:
        return "surveys skipped: already loaded"
    bar = progress.add_task("Demo surveys", total=1)
    surveys = {survey.kind: survey for survey in Survey.objects.filter(name__in=["NPS", "CSAT"])}
    invitations: list[SurveyInvitation] = []
    answers: list[tuple[SurveyInvitation, int, str, datetime]] = []
    for customer in customers:
        rng = random.Random(f"{seed}:surveys:{customer.code}")
        contact = customer.primary[0] if customer.primary else None
        if contact is None or rng.random() < 0.2:
            continue
        at_risk = customer.status == "at_risk" or rng.random() < 0.05
        for months_ago in sorted(rng.sample(range(MONTHS), rng.randint(1, 2)), reverse=True):
            kind = rng.choice(["nps", "nps", "csat"])
            day = reference - timedelta(days=months_ago * 30 + rng.randint(2, 27))
            sent_at = _moment(rng, day)
            survey = surveys[kind]
            invitation = SurveyInvitation(
                survey=survey,
                customer=customer,
                contact=contact,
                channel="email" if contact.email else "whatsapp",
                language="id",
                trigger=Trigger.EVERY,
                code=uuid.UUID(int=rng.getrandbits(128)).hex,
                sent_at=sent_at,
                expires_at=sent_at + timedelta(days=survey.valid_days),
            )
            invitations.append(invitation)
            if rng.random() < 0.25:
                score = _score(rng, kind, at_risk)
                answered_at = sent_at + timedelta(hours=rng.randint(1, 72))
                answers.append(
                    (invitation, score, _comment(rng, percent_of_scale(kind, score)), answered_at)
                )
        if at_risk and rng.random() < 0.25:
            # A detractor who answered yesterday: the follow-up playbook starts below.
            survey = surveys["nps"]
            sent_at = _moment(rng, reference - timedelta(days=2))
            invitation = SurveyInvitation(
                survey=survey,
                customer=customer,
                contact=contact,
                channel="email" if contact.email else "whatsapp",
                language="id",
                trigger=Trigger.EVERY,
                code=uuid.UUID(int=rng.getrandbits(128)).hex,
                sent_at=sent_at,
                expires_at=sent_at + timedelta(days=survey.valid_days),
            )
            invitations.append(invitation)
            answers.append(
                (
                    invitation,
                    rng.randint(0, 4),
                    rng.choice(COMMENTS["low"]),
                    sent_at + timedelta(hours=20),
                )
            )
    with transaction.atomic():
        SurveyInvitation.objects.bulk_create(invitations, batch_size=1000)
        for invitation, _score_value, _text, answered_at in answers:
            invitation.answered_at = answered_at
        SurveyInvitation.objects.bulk_update(
            [answer[0] for answer in answers], ["answered_at"], batch_size=1000
        )
        responses = SurveyResponse.objects.bulk_create(
            [
                SurveyResponse(
                    invitation=invitation,
                    customer=invitation.customer,
                    kind=invitation.survey.kind,
                    score=score,
                    percent=percent_of_scale(invitation.survey.kind, score),
                    comment=comment,
                    responded_at=answered_at,
                )
                for invitation, score, comment, answered_at in answers
            ],
            batch_size=1000,
        )
        record_events_unread(
            [
                new_event(
                    response.customer,
                    EventKind.SURVEY,
                    summary=f"{response.kind.upper()} {response.score}"
                    + (f": {response.comment}" if response.comment else ""),
                    data={**response.timeline_data(), "contact": response.invitation.contact.name},
                    occurred_at=response.responded_at,
                    source_object=response,
                )
                for response in responses
            ]
        )
        Schedule.objects.get_or_create(
            survey=surveys["nps"], trigger=Trigger.EVERY, defaults={"days": 90, "channel": "email"}
        )
    rules = TriggerRule.objects.filter(kind=TriggerKind.SURVEY_DETRACTOR, is_active=True)
    started = evaluate(
        rules=rules, customers=Customer.objects.filter(pk__in=demo_customers())
    ).started
    progress.update(bar, completed=1)
    detractors = sum(1 for response in responses if response.is_detractor)
    return (
        f"surveys invitations={len(invitations)} answered={len(responses)} "
        f"detractors={detractors} follow_ups_started={started}"
    )
