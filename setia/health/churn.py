"""Churn risk, measured: features of every customer at a cut-off day, a logistic regression
trained on the customers' own history, its test on a later period, and the scoring of the
live customers by the published model.

A customer churned when its subscription ended or was cancelled (`Subscription.ended_on`)
within the horizon after the cut-off. The features are computed set-based, one query per
cut-off whatever the number of customers: one scan of the 90 days of store metrics before the
cut-off, one GROUP BY of the interactions and of the retention offers before it, the health
snapshot of the cut-off day or the week before it, joined to the subscriptions. A feature is
one entry of FEATURES (the SQL of its raw figure, the figure used when there is none, and how
it is transformed); a source of figures one entry of SOURCES.

The model is plain numbers (`ChurnModel`): means and scales standardise the features, the
coefficients weigh them. A customer's top factors are the features whose contribution
(coefficient times standardised value) raised its risk most.
"""

import datetime
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from setia.customers.models import Customer, Store, Subscription
from setia.engagement.models import Interaction, RetentionOffer
from setia.health.actions import CONTACT_KINDS, ISSUE_KINDS, ISSUE_OUTCOME, _quoted, _t
from setia.health.models import ChurnModel, ChurnRisk, HealthSnapshot
from setia.lib.copy import insert_rows
from setia.lib.dates import now
from setia.lib.display import format_number
from setia.lib.money import format_rupiah
from setia.metrics.models import StoreDailyMetric

DEFAULT_HORIZON = 90
# Training cut-offs: the latest whose horizon ends at the test cut-off, and these many more,
# each this many days earlier (more rows to learn from, all before the test period).
TRAIN_CUTOFFS = 4
TRAIN_STEP_DAYS = 30
# A snapshot up to this many days before the cut-off stands for the health score at it.
SNAPSHOT_DAYS = 7
TOP_FACTORS = 3


@dataclass(frozen=True)
class Feature:
    """One input of the model: `sql` its raw figure (over the sources' columns), `missing`
    the figure when there is none, `transform` what the model reads of it."""

    key: str
    sql: str
    missing: float
    transform: Callable[[np.ndarray], np.ndarray] = field(default=lambda values: values)


def _log(values: np.ndarray) -> np.ndarray:
    return np.log1p(np.maximum(values, 0))


def _days_between(later: str, earlier: str) -> str:
    """Whole days from the date `earlier` to the date `later` (SQL)."""
    if connection.vendor == "postgresql":
        return f"({later} - {earlier})"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def _sources() -> dict[str, str]:
    """The figures' sources, each a CTE keyed by customer_id; parameters `cutoff` (date),
    `moment` (its first instant) and the windows' first days and instants."""
    contact = _quoted(CONTACT_KINDS)
    issue = f"(kind IN ({_quoted(ISSUE_KINDS)}) OR outcome = '{ISSUE_OUTCOME}')"
    return {
        "m": f"""
            SELECT s.customer_id, sum(d.gmv) AS gmv_90, sum(d.gmv) FILTER
                (WHERE d.day >= %(first_30)s) AS gmv_30,
                avg(d.uptime_pct) FILTER (WHERE d.day >= %(first_30)s) AS uptime_30,
                sum(d.errors) FILTER (WHERE d.day >= %(first_30)s) AS errors_30
            FROM {_t(StoreDailyMetric)} d JOIN {_t(Store)} s ON s.id = d.store_id
            WHERE d.day >= %(first_90)s AND d.day < %(cutoff)s
            GROUP BY s.customer_id""",
        "i": f"""
            SELECT customer_id,
                max(occurred_at) FILTER (WHERE kind IN ({contact})) AS last_contact,
                count(*) FILTER (WHERE kind IN ({contact}) AND occurred_at >= %(since_90)s)
                    AS contacts_90,
                count(*) FILTER (WHERE {issue} AND occurred_at >= %(since_90)s) AS complaints_90
            FROM {_t(Interaction)}
            WHERE occurred_at < %(moment)s
            GROUP BY customer_id""",
        "r": f"""
            SELECT customer_id, count(*) AS offers_180 FROM {_t(RetentionOffer)}
            WHERE created_at >= %(since_180)s AND created_at < %(moment)s
            GROUP BY customer_id""",
        "h": f"""
            SELECT customer_id, score FROM (
                SELECT customer_id, score,
                    row_number() OVER (PARTITION BY customer_id ORDER BY day DESC) AS n
                FROM {_t(HealthSnapshot)}
                WHERE day <= %(cutoff)s AND day > %(first_snapshot)s) AS latest
            WHERE n = 1""",
    }


def _features() -> list[Feature]:
    tenure = _days_between("%(cutoff)s", "sub.started_on")
    if connection.vendor == "postgresql":
        contact = (
            "CAST(floor(extract(epoch FROM (CAST(%(moment)s AS timestamptz) - i.last_contact)) "
            "/ 86400) AS integer)"
        )
    else:
        contact = "CAST(julianday(%(moment)s) - julianday(i.last_contact) AS INTEGER)"
    return [
        Feature("gmv_level", "m.gmv_90 / 90.0", 0, _log),
        Feature(
            "gmv_trend",
            "CASE WHEN m.gmv_90 > 0 THEN COALESCE(m.gmv_30, 0) * 3.0 / m.gmv_90 - 1 END",
            0,
        ),
        Feature("uptime", "m.uptime_30", 100, lambda v: np.minimum(v, 100)),
        Feature("errors", "m.errors_30", 0, _log),
        Feature(
            "contact_days",
            f"COALESCE({contact}, {tenure})",
            0,
            lambda v: np.clip(v, 0, 365),
        ),
        Feature("contacts", "i.contacts_90", 0, _log),
        Feature("complaints", "i.complaints_90", 0, _log),
        Feature("offers", "r.offers_180", 0),
        Feature("tenure", tenure, 0, _log),
        Feature("price", "sub.monthly_price", 0, _log),
        Feature("discount", "sub.discount_percent", 0),
        # Survey scores (NPS, CSAT) join here as one more entry with its source once surveys
        # are recorded.
        Feature("health", "h.score", 50),
    ]


def feature_keys() -> list[str]:
    return [feature.key for feature in _features()]


@dataclass
class Frame:
    """Features of the customers at a cut-off: ids, raw figures (missing filled), the model's
    inputs, the labels (1: ended within the horizon) and the yearly revenues."""

    customer_ids: np.ndarray
    raw: np.ndarray
    inputs: np.ndarray
    labels: np.ndarray
    revenue: np.ndarray
    health: np.ndarray

    def __len__(self) -> int:
        return len(self.customer_ids)


def features_at(cutoff: datetime.date, *, horizon: int = DEFAULT_HORIZON) -> Frame:
    """Every live customer whose subscription ran on `cutoff` (started before it, not ended
    before it), with its features from the data before `cutoff` and its label: ended within
    `horizon` days from `cutoff`. One query."""
    features = _features()
    ops = connection.ops
    # The cut-off day starts at midnight in the team's time zone.
    moment = timezone.make_aware(datetime.datetime.combine(cutoff, datetime.time()))
    params = {
        "cutoff": ops.adapt_datefield_value(cutoff),
        "moment": ops.adapt_datetimefield_value(moment),
        "end": ops.adapt_datefield_value(cutoff + datetime.timedelta(days=horizon)),
        "first_30": ops.adapt_datefield_value(cutoff - datetime.timedelta(days=30)),
        "first_90": ops.adapt_datefield_value(cutoff - datetime.timedelta(days=90)),
        "first_snapshot": ops.adapt_datefield_value(
            cutoff - datetime.timedelta(days=SNAPSHOT_DAYS + 1)
        ),
    }
    for days in (90, 180):
        params[f"since_{days}"] = ops.adapt_datetimefield_value(
            moment - datetime.timedelta(days=days)
        )
    sources = _sources()
    ctes = ",\n".join(f"{name} AS ({sql})" for name, sql in sources.items())
    joins = "\n".join(f"LEFT JOIN {name} ON {name}.customer_id = c.id" for name in sources)
    figures = ",\n".join(f"{feature.sql} AS f_{feature.key}" for feature in features)
    net = "sub.monthly_price * (100 - sub.discount_percent) * 12 / 100"
    sql = f"""
        WITH {ctes}
        SELECT c.id,
            CASE WHEN sub.ended_on IS NOT NULL AND sub.ended_on < %(end)s THEN 1 ELSE 0 END,
            {net},
            {figures}
        FROM {_t(Customer)} c
        JOIN {_t(Subscription)} sub ON sub.customer_id = c.id
        {joins}
        WHERE c.deleted_at IS NULL AND sub.started_on < %(cutoff)s
            AND (sub.ended_on IS NULL OR sub.ended_on >= %(cutoff)s)
        ORDER BY c.id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    width = len(features)
    table = np.array(
        [[np.nan if value is None else float(value) for value in row] for row in rows],
        dtype=float,
    ).reshape(len(rows), width + 3)
    raw = table[:, 3:]
    for column, feature in enumerate(features):
        raw[np.isnan(raw[:, column]), column] = feature.missing
    inputs = np.column_stack([f.transform(raw[:, n]) for n, f in enumerate(features)]).reshape(
        len(rows), width
    )
    return Frame(
        customer_ids=table[:, 0].astype(np.int64),
        raw=raw,
        inputs=inputs,
        labels=table[:, 1].astype(int),
        revenue=table[:, 2],
        health=raw[:, feature_keys().index("health")],
    )


# Training ------------------------------------------------------------------------------------


class RefusedError(Exception):
    """Why a model cannot be trained or published (the message says it)."""


@dataclass
class Trained:
    model: ChurnModel
    published: bool
    refusal: str = ""

    def summary(self) -> str:
        m = self.model
        return (
            f"customers={m.customers} churned={m.churned} auc={m.auc:.2f} "
            f"health_auc={m.health_auc:.2f} brier={m.brier:.2f}"
        )


def cutoffs(test_cutoff: datetime.date, horizon: int) -> tuple[list[datetime.date], datetime.date]:
    """(training cut-offs, test cut-off): each training cut-off's horizon ends on or before
    the test cut-off, so no label the model learns from lies in the test period."""
    latest = test_cutoff - datetime.timedelta(days=horizon)
    return [
        latest - datetime.timedelta(days=TRAIN_STEP_DAYS * n) for n in range(TRAIN_CUTOFFS)
    ], test_cutoff


def _standardise(inputs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    means = inputs.mean(axis=0)
    scales = inputs.std(axis=0)
    scales[scales == 0] = 1.0
    return means, scales


def train(*, today: datetime.date, cutoff: datetime.date | None = None, horizon: int) -> Trained:
    """Train on the cut-offs before `cutoff` (default: `horizon` days before `today`, the
    latest whose horizon is observed), test on `cutoff`, store the model with its figures and
    publish it when it ranks the churned customers better than the health score does.
    Raises RefusedError when there is nothing to train or test on."""
    # Imported here: scikit-learn takes a second to load, and only training needs it.
    from sklearn.linear_model import LogisticRegression  # noqa: PLC0415
    from sklearn.metrics import brier_score_loss, roc_auc_score  # noqa: PLC0415

    test_cutoff = cutoff or today - datetime.timedelta(days=horizon)
    if test_cutoff + datetime.timedelta(days=horizon) > today:
        raise RefusedError(
            _("The test period (%(first)s to %(last)s) is not over yet: pick an earlier cut-off.")
            % {
                "first": test_cutoff.isoformat(),
                "last": (test_cutoff + datetime.timedelta(days=horizon)).isoformat(),
            }
        )
    train_days, test_day = cutoffs(test_cutoff, horizon)
    frames = [features_at(day, horizon=horizon) for day in train_days]
    inputs = np.vstack([frame.inputs for frame in frames])
    labels = np.concatenate([frame.labels for frame in frames])
    if len(set(labels.tolist())) < 2:
        raise RefusedError(
            _("The training period has no churned customer, or only churned ones: no model.")
        )
    test = features_at(test_day, horizon=horizon)
    if len(set(test.labels.tolist())) < 2:
        raise RefusedError(
            _("The test period has no churned customer, or only churned ones: nothing to test.")
        )
    means, scales = _standardise(inputs)
    regression = LogisticRegression(max_iter=1000)
    regression.fit((inputs - means) / scales, labels)
    coefficients = regression.coef_[0]
    intercept = float(regression.intercept_[0])
    predicted = _probabilities(test.inputs, means, scales, coefficients, intercept)
    model = ChurnModel(
        trained_at=now(),
        cutoff=test_day,
        train_cutoffs=[day.isoformat() for day in train_days],
        horizon_days=horizon,
        features=feature_keys(),
        means=means.tolist(),
        scales=scales.tolist(),
        coefficients=coefficients.tolist(),
        intercept=intercept,
        customers=len(test),
        churned=int(test.labels.sum()),
        # Rounded as printed, so that the comparison is the one the reader sees.
        auc=round(float(roc_auc_score(test.labels, predicted)), 2),
        health_auc=round(float(roc_auc_score(test.labels, -test.health)), 2),
        brier=round(float(brier_score_loss(test.labels, predicted)), 2),
    )
    refusal = ""
    if model.auc <= model.health_auc:
        refusal = _(
            "Not published: the model's AUC %(auc).2f does not beat the health score's "
            "%(health).2f on the same customers."
        ) % {"auc": model.auc, "health": model.health_auc}
    with transaction.atomic():
        if not refusal:
            ChurnModel.objects.filter(is_published=True).update(is_published=False)
            model.is_published = True
        model.save()
    return Trained(model=model, published=not refusal, refusal=refusal)


def _probabilities(inputs, means, scales, coefficients, intercept) -> np.ndarray:
    logits = ((inputs - means) / scales) @ np.asarray(coefficients) + intercept
    return 1.0 / (1.0 + np.exp(-logits))


# Scoring -------------------------------------------------------------------------------------


def score_live(*, today: datetime.date) -> int:
    """Score every live customer with a running subscription by the published model (none:
    nothing written, 0): features in one query, predicted at once, written in bulk in place of
    the previous scores. Returns the customers scored."""
    model = ChurnModel.objects.filter(is_published=True).first()
    if model is None:
        return 0
    frame = features_at(today, horizon=model.horizon_days)
    keys = feature_keys()
    # A model trained on other features than today's reads them by name; new ones count 0.
    columns = [keys.index(key) for key in model.features]
    inputs = frame.inputs[:, columns] if len(frame) else np.zeros((0, len(columns)))
    means, scales = np.asarray(model.means), np.asarray(model.scales)
    coefficients = np.asarray(model.coefficients)
    risk = _probabilities(inputs, means, scales, coefficients, model.intercept)
    contributions = ((inputs - means) / scales) * coefficients
    order = np.argsort(-contributions, axis=1)[:, :TOP_FACTORS]
    raw = frame.raw[:, columns] if len(frame) else np.zeros((0, len(columns)))
    rows = []
    for n, customer_id in enumerate(frame.customer_ids.tolist()):
        factors = [
            [model.features[j], round(float(raw[n, j]), 3)]
            for j in order[n].tolist()
            if contributions[n, j] > 0
        ]
        revenue = int(frame.revenue[n])
        rows.append(
            ChurnRisk(
                customer_id=customer_id,
                risk=float(risk[n]),
                yearly_revenue=revenue,
                exposure=round(float(risk[n]) * revenue),
                factors=factors,
                model_id=model.pk,
                computed_on=today,
            )
        )
    with transaction.atomic():
        ChurnRisk.objects.all().delete()
        insert_rows(ChurnRisk, rows, with_ids=True)
    return len(rows)


def churn_step(*, today: datetime.date) -> int:
    """The nightly recompute step (RECOMPUTE_STEPS, after the health scores the model reads):
    `score_live`; returns the customers scored (0 without a published model)."""
    return score_live(today=today)


# Reading -------------------------------------------------------------------------------------


def factor_text(key: str, value: float) -> str:
    """What a factor's figure says, e.g. "GMV down 40%" or "no contact for 70 days"."""
    if key == "gmv_trend":
        percent = format_number(abs(round(value * 100)))
        if value < 0:
            return _("GMV down %(percent)s%%") % {"percent": percent}
        return _("GMV up %(percent)s%%") % {"percent": percent}
    number = format_number(round(value))
    texts = {
        "gmv_level": _("GMV %(rupiah)s a day") % {"rupiah": format_rupiah(int(value))},
        "uptime": _("uptime %(value)s%%") % {"value": format_number(round(value, 1))},
        "errors": _("%(value)s website errors in 30 days") % {"value": number},
        "contact_days": _("no contact for %(value)s days") % {"value": number},
        "contacts": _("%(value)s contacts in 90 days") % {"value": number},
        "complaints": _("%(value)s complaints in 90 days") % {"value": number},
        "offers": _("%(value)s retention offers in 180 days") % {"value": number},
        "tenure": _("customer for %(value)s days") % {"value": number},
        "price": _("plan at %(rupiah)s a month") % {"rupiah": format_rupiah(int(value))},
        "discount": _("discount %(value)s%%") % {"value": number},
        "health": _("health score %(value)s") % {"value": number},
    }
    return texts.get(key, f"{key} {number}")


def risk_text(risk: ChurnRisk) -> str:
    """ "churn risk 34%: GMV down 40%, no contact for 70 days" in the reader's language."""
    percent = format_number(math.floor(risk.risk * 100 + 0.5))
    reasons = ", ".join(factor_text(key, value) for key, value in risk.factors)
    if not reasons:
        return _("churn risk %(percent)s%%") % {"percent": percent}
    return _("churn risk %(percent)s%%: %(reasons)s") % {"percent": percent, "reasons": reasons}
