import datetime
import re
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from setia.engagement.models import Interaction, RetentionOffer
from setia.health.churn import (
    churn_step,
    cutoffs,
    feature_keys,
    features_at,
    risk_text,
    score_live,
    train,
)
from setia.health.models import ChurnModel, ChurnRisk, CustomerHealth, HealthSnapshot
from setia.metrics.models import StoreDailyMetric
from setia.test import make_customer, make_store, make_subscription

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 10)
HORIZON = 30
AT_RISK = "/health/at-risk/"
LINE = re.compile(r"^customers=\d+ churned=\d+ auc=\d\.\d\d health_auc=\d\.\d\d brier=\d\.\d\d$")


def _moment(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _history(*, health_knows: bool) -> None:
    """Ten customers that stay (a call every five days) and ten whose subscription ends, two
    in each 30-day window before TODAY, never called. With `health_knows`, weekly health
    snapshots say it perfectly (churners 10, stayers 90)."""
    test_cutoff = TODAY - datetime.timedelta(days=HORIZON)
    ends = [
        TODAY - datetime.timedelta(days=days)
        for days in (15, 20, 45, 50, 75, 80, 105, 110, 135, 140)
    ]
    calls, snapshots = [], []
    for number in range(20):
        churns = number < 10
        customer = make_customer(name=f"Toko {number}")
        make_subscription(
            customer,
            started_on=datetime.date(2025, 6, 1),
            renews_on=datetime.date(2026, 6, 1),
            monthly_price=100_000 * (number + 1),
            ended_on=ends[number] if churns else None,
        )
        if not churns:
            calls += [
                Interaction(
                    customer=customer,
                    kind="call",
                    occurred_at=_moment(TODAY - datetime.timedelta(days=d)),
                )
                for d in range(1, 360, 5)
            ]
        if health_knows:
            snapshots += [
                HealthSnapshot(
                    customer=customer,
                    day=test_cutoff - datetime.timedelta(days=d),
                    score=10 if churns else 90,
                    grade="p" if churns else "g",
                )
                for d in range(0, 200, 7)
            ]
    Interaction.objects.bulk_create(calls)
    HealthSnapshot.objects.bulk_create(snapshots)


def test_features_equal_a_brute_force_count():
    cutoff = datetime.date(2026, 10, 1)
    customer = make_customer(name="Batik Lestari")
    make_subscription(
        customer,
        started_on=datetime.date(2026, 1, 1),
        monthly_price=200_000,
        discount_percent=10,
        ended_on=datetime.date(2026, 10, 20),
    )
    store = make_store(customer)
    days = [cutoff - datetime.timedelta(days=n) for n in range(1, 121)]
    StoreDailyMetric.objects.bulk_create(
        StoreDailyMetric(
            store=store,
            day=day,
            gmv=1000 * (n + 1),
            orders=1,
            visitors=1,
            uptime_pct=99 if n % 2 else 95,
            errors=n % 4,
        )
        for n, day in enumerate(days)
    )
    # after the cut-off: never read
    StoreDailyMetric.objects.create(
        store=store, day=cutoff, gmv=10**9, orders=1, visitors=1, uptime_pct=0, errors=999
    )
    for days_ago, kind, outcome in [
        (3, "call", ""),
        (40, "whatsapp", ""),
        (10, "website_issue", ""),
        (100, "call", "follow_up"),
        (-2, "call", ""),
    ]:
        Interaction.objects.create(
            customer=customer,
            kind=kind,
            outcome=outcome,
            occurred_at=_moment(cutoff - datetime.timedelta(days=days_ago)),
        )
    offer = RetentionOffer.objects.create(
        customer=customer,
        asked="a",
        offered="b",
        discount_percent=10,
        months=2,
        monthly_price=200_000,
    )
    RetentionOffer.objects.filter(pk=offer.pk).update(
        created_at=_moment(cutoff - datetime.timedelta(days=20))
    )
    HealthSnapshot.objects.create(
        customer=customer, day=cutoff - datetime.timedelta(days=3), score=61, grade="a"
    )
    HealthSnapshot.objects.create(
        customer=customer, day=cutoff + datetime.timedelta(days=1), score=5, grade="p"
    )
    ended_before = make_customer(name="Gone")
    make_subscription(ended_before, ended_on=datetime.date(2026, 9, 1))

    frame = features_at(cutoff, horizon=HORIZON)

    assert frame.customer_ids.tolist() == [customer.pk]
    assert frame.labels.tolist() == [1]
    metrics = [(d, 1000 * (n + 1), 99 if n % 2 else 95, n % 4) for n, d in enumerate(days)]
    last_90 = [m for m in metrics if m[0] >= cutoff - datetime.timedelta(days=90)]
    last_30 = [m for m in metrics if m[0] >= cutoff - datetime.timedelta(days=30)]
    expected = {
        "gmv_level": sum(m[1] for m in last_90) / 90,
        "gmv_trend": sum(m[1] for m in last_30) * 3 / sum(m[1] for m in last_90) - 1,
        "uptime": sum(m[2] for m in last_30) / len(last_30),
        "errors": sum(m[3] for m in last_30),
        "contact_days": 2,  # whole days from the call (10:00) to the cut-off's midnight
        "contacts": 2,
        "complaints": 1,
        "offers": 1,
        "tenure": (cutoff - datetime.date(2026, 1, 1)).days,
        "price": 200_000,
        "discount": 10,
        "health": 61,
    }
    raw = dict(zip(feature_keys(), frame.raw[0].tolist(), strict=True))
    assert raw == pytest.approx(expected)
    assert frame.revenue.tolist() == [200_000 * 0.9 * 12]


def test_the_time_split_never_trains_on_the_test_period():
    test_cutoff = datetime.date(2026, 8, 1)
    train_days, test_day = cutoffs(test_cutoff, 90)
    assert test_day == test_cutoff
    assert train_days and all(
        day + datetime.timedelta(days=90) <= test_cutoff for day in train_days
    )


@time_machine.travel(_moment(TODAY), tick=False)
def test_a_model_that_does_not_beat_the_health_score_is_refused():
    _history(health_knows=True)
    out = StringIO()
    with pytest.raises(CommandError, match="does not beat the health score"):
        call_command("train_churn", "--horizon", str(HORIZON), stdout=out)
    line = out.getvalue().strip()
    assert LINE.match(line)
    assert "health_auc=1.00" in line
    model = ChurnModel.objects.get()
    assert not model.is_published
    assert score_live(today=TODAY) == 0
    assert not ChurnRisk.objects.exists()


@time_machine.travel(_moment(TODAY), tick=False)
def test_publishing_stores_the_metrics_and_scores_the_live_customers():
    _history(health_knows=False)
    out = StringIO()
    call_command("train_churn", "--horizon", str(HORIZON), stdout=out)
    line = out.getvalue().strip()
    assert LINE.match(line), line
    model = ChurnModel.objects.get()
    assert model.is_published
    assert line == (
        f"customers={model.customers} churned={model.churned} auc={model.auc:.2f} "
        f"health_auc={model.health_auc:.2f} brier={model.brier:.2f}"
    )
    assert model.churned == 2 and model.health_auc == 0.5 and model.auc > 0.5
    assert model.cutoff == TODAY - datetime.timedelta(days=HORIZON)
    assert all(
        datetime.date.fromisoformat(day) + datetime.timedelta(days=HORIZON) <= model.cutoff
        for day in model.train_cutoffs
    )
    # the ten running subscriptions are scored; the never-called ones that ended are not
    assert ChurnRisk.objects.count() == 10
    # the nightly step scores them again
    assert churn_step(today=TODAY) == 10
    # a second model replaces the published one
    train(today=TODAY, horizon=HORIZON)
    assert ChurnModel.objects.filter(is_published=True).count() == 1


def test_a_horizon_not_yet_observed_is_refused():
    with pytest.raises(CommandError, match="not over yet"):
        call_command("train_churn", "--cutoff", "2999-01-01")


def _risk(customer, model, risk: float, yearly: int) -> ChurnRisk:
    return ChurnRisk.objects.create(
        customer=customer,
        risk=risk,
        yearly_revenue=yearly,
        exposure=round(risk * yearly),
        factors=[["gmv_trend", -0.4], ["contact_days", 70]],
        model=model,
        computed_on=TODAY,
    )


@pytest.fixture
def published():
    return ChurnModel.objects.create(
        trained_at=_moment(TODAY),
        cutoff=TODAY,
        horizon_days=90,
        intercept=0,
        customers=10,
        churned=2,
        auc=0.8,
        health_auc=0.7,
        brier=0.1,
        is_published=True,
    )


def test_the_at_risk_list_puts_the_most_revenue_at_risk_first(
    client, executive, team_a, team_b, published
):
    small = make_customer(team=team_a, name="Kecil")
    big = make_customer(team=team_a, name="Besar")
    likely = make_customer(team=team_a, name="Hampir Pergi")
    hidden = make_customer(team=team_b, name="Tim Lain")
    _risk(small, published, 0.9, 1_000_000)  # Rp 900.000 at risk
    _risk(big, published, 0.2, 24_000_000)  # Rp 4.800.000
    _risk(likely, published, 0.6, 3_000_000)  # Rp 1.800.000
    _risk(hidden, published, 0.99, 99_000_000)
    client.force_login(executive)
    client.get(AT_RISK)  # warm the session and permission caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(AT_RISK)
    assert response.status_code == 200
    names = [risk.customer.name for risk, _text in response.context["rows"]]
    assert names == ["Besar", "Hampir Pergi", "Kecil"]
    assert "Tim Lain" not in response.text
    assert "churn risk 20%: GMV down 40%, no contact for 70 days" in response.text
    assert "Rp 4.800.000" in response.text
    # session, user, permission groups, count, page, published model
    assert len(queries) == 6, [q["sql"] for q in queries]


def test_the_at_risk_page_asks_for_a_login_and_refuses_other_methods(client, executive):
    response = client.get(AT_RISK)
    assert response.status_code == 302 and "/login" in response["Location"]
    client.force_login(executive)
    assert client.post(AT_RISK).status_code == 405


def test_the_360_card_shows_the_risk_and_its_factors(client, executive, customer, published):
    CustomerHealth.objects.create(
        customer=customer, score=40, grade="a", grades="a-------", gmv_trend=-40, computed_on=TODAY
    )
    risk = _risk(customer, published, 0.34, 12_000_000)
    client.force_login(executive)

    response = client.get(customer.get_absolute_url())

    assert response.status_code == 200
    assert "churn risk 34%: GMV down 40%, no contact for 70 days" in response.text
    with translation.override("id"):
        assert risk_text(risk) == "risiko churn 34%: GMV turun 40%, tidak ada kontak selama 70 hari"
