"""Health's card on the customer 360 page (listed in setia/desk/cards.py): the score, its
reasons and its 90-day trend."""

import datetime
from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext as _

from setia.core.cards import Card, read_once
from setia.core.http import AuthenticatedHttpRequest
from setia.customers.models import Customer
from setia.health.actions import factor_settings
from setia.health.churn import risk_text
from setia.health.models import CustomerHealth, FactorSetting, Grade, HealthSnapshot
from setia.health.reasons import GRADE_ORDER, reasons
from setia.lib import charts
from setia.lib.dates import today

TREND_DAYS = 90


@dataclass
class HealthDetails:
    """A customer's score as the card and the API show it: the stored row, each graded
    factor as (factor, grade, figure, reason) worst first, and the (day, score, grade) points
    of the last TREND_DAYS days, oldest first."""

    health: CustomerHealth | None
    factors: list[tuple[str, str, float | None, str]]
    points: list[tuple[datetime.date, int, str]]


def health_details(
    customer: Customer, *, settings: dict[str, FactorSetting] | None = None
) -> HealthDetails:
    """The customer's health, its reasons in the reader's language and its trend. The score is
    read from the customer (one query unless the 360 page joined it in), then the settings
    (`factor_settings`, unless the caller passes them) and the trend: two queries whatever the
    data, none when not scored."""
    health = getattr(customer, "health", None)
    if health is None:
        return HealthDetails(None, [], [])
    if settings is None:
        settings = factor_settings()
    windows = {key: row.window_days for key, row in settings.items()}
    rows = health.factor_grades()
    figures = {factor: value for factor, _grade, value in rows}
    # `reasons` orders the factors worst first; each reason is of one factor, in that order.
    ordered = sorted(rows, key=lambda row: GRADE_ORDER[Grade(row[1])])
    factors = [
        (factor, grade, figures[factor], text)
        for (factor, grade, _value), (_grade, text) in zip(
            ordered, reasons(ordered, windows), strict=True
        )
    ]
    since = today() - datetime.timedelta(days=TREND_DAYS)
    points = list(
        HealthSnapshot.objects.filter(customer=customer, day__gt=since)
        .order_by("day")
        .values_list("day", "score", "grade")
    )
    return HealthDetails(health, factors, points)


def health_card(customer: Customer, request: AuthenticatedHttpRequest) -> Card:
    """The "Health" card: the health settings, read once for the page's cards (`read_once`:
    the account brief shows them too), and the trend when scored (see `health_details`)."""
    details = health_details(customer, settings=read_once(request, factor_settings))
    health = details.health
    context: dict = {
        "customer": customer,
        "health": health,
        "health_reasons": [(grade, text) for _factor, grade, _value, text in details.factors],
        "health_chart": None,
        "churn_text": "",
    }
    if health is not None:
        points = [(day, score) for day, score, _grade in details.points]
        risk = getattr(customer, "churn_risk", None)
        if risk is not None:
            context["churn_text"] = risk_text(risk)
        context["health_points"] = points
        if len(points) > 1:
            context["health_chart"] = _trend_chart(customer.pk, health.computed_on, points)
    return Card("health/_card.html", context)


def _trend_chart(customer_id: int, computed_on: datetime.date, points) -> str:
    """The trend chart, cached per customer until the next computation (its day is in the
    key) and per language."""

    def draw() -> str:
        chart = charts.line_chart(
            colours=[charts.BRAND],
            rupiah=False,
            title=_("Health score, last 90 days"),
            range=(0, 100),
            show_legend=False,
            show_minor_x_labels=False,
            x_labels_major_count=6,
        )
        chart.x_labels = [formats.date_format(day, "SHORT_DATE_FORMAT") for day, _score in points]
        chart.add(_("Health score"), [score for _day, score in points])
        return charts.data_uri(chart)

    return charts.cached("health-trend", (customer_id, computed_on, len(points)), draw)
