"""A merge moves every row that points at the loser, in every installed app, and undo puts
each one back: the models are found through the app registry, so a model added later is
covered without editing this file."""

import datetime
import decimal
import itertools
import uuid

import pytest
from django.db import models

from setia.customers.models import Customer
from setia.lib import merging
from setia.lib.dates import now
from setia.lib.merging import MergePolicy
from setia.quality import actions
from setia.quality.models import DuplicateCandidate, Merge
from setia.quality.tests.factories import make_candidate
from setia.surveys.tests.factories import make_invitation, make_response
from setia.test import make_contact, make_customer, make_store, make_subscription

_numbers = itertools.count(1)

# Rows a generic fill cannot make well (a required pair, a partial unique index, numbers that
# must agree); every other model gets `_generic_row`. `people` holds the other customers.
FACTORIES = {
    ("customers.contact", "customer"): lambda customer, people: make_contact(customer),
    ("customers.store", "customer"): lambda customer, people: make_store(customer),
    ("customers.subscription", "customer"): lambda customer, people: make_subscription(customer),
    # A pair stores its lower id first: the loser with a customer made after it, or before.
    ("quality.duplicatecandidate", "customer_a"): (
        lambda customer, people: make_candidate(customer, people["later"])
    ),
    ("quality.duplicatecandidate", "customer_b"): (
        lambda customer, people: make_candidate(people["earlier"], customer)
    ),
    # A score within its scale: the generic number can exceed the share's 100.
    ("surveys.surveyresponse", "customer"): (
        lambda customer, people: make_response(make_invitation(make_contact(customer)), 9)
    ),
    ("quality.merge", "survivor"): (
        lambda customer, people: Merge.objects.create(survivor=customer, loser=people["earlier"])
    ),
    ("quality.merge", "loser"): (
        lambda customer, people: Merge.objects.create(survivor=people["earlier"], loser=customer)
    ),
}


# The only rows a merge leaves with the loser, and why; every other model's rows must move.
# Declaring a model RECOMPUTE or STAY is a decision this list has to be told about.
NOT_MOVED = {
    # Figures computed from the stores, which move; the nightly recompute rebuilds them.
    "metrics.customerrollup": MergePolicy.RECOMPUTE,
    "metrics.customermonthlymetric": MergePolicy.RECOMPUTE,
    # The last snapshot's completeness of each record; the next snapshot rebuilds both.
    "quality.customercompleteness": MergePolicy.RECOMPUTE,
    # The health score is computed from rows that move; the next computation scores the
    # survivor, and its daily snapshots go on from there (the loser's past days stay its own).
    "health.customerhealth": MergePolicy.RECOMPUTE,
    "health.healthsnapshot": MergePolicy.RECOMPUTE,
    # A segment schedule's members at its last run: its next run records the survivor (or not)
    # by the segment's filter and drops the merged-away customer, who is no longer alive.
    "surveys.segmentmember": MergePolicy.RECOMPUTE,
    # The churn risk is scored nightly from rows that move; the survivor is scored again.
    "health.churnrisk": MergePolicy.RECOMPUTE,
    # About the two records as records: the pairs the loser was found in, and the merges.
    "quality.duplicatecandidate": MergePolicy.STAY,
    "quality.merge": MergePolicy.STAY,
    # A reassignment's record of who owned the customer before: what its undo reads.
    "cadence.reassignedcustomer": MergePolicy.STAY,
    # The health grade last sent to webhooks for that customer record.
    "webhooks.notifiedgrade": MergePolicy.STAY,
}


def _value(field: models.Field):
    """A valid value for a required field of no default, by its type."""
    number = next(_numbers)
    if field.choices:
        return field.choices[0][0]
    if isinstance(field, models.ForeignKey):  # one-to-one included
        related = field.related_model
        existing = None if field.one_to_one else related._base_manager.first()
        return existing or _generic_row(related, None, {})
    if isinstance(field, models.EmailField):
        return f"row{number}@example.test"
    if isinstance(field, models.URLField):
        return f"https://row{number}.example.test"
    if isinstance(field, models.CharField | models.TextField):
        return f"row {number}"[: field.max_length]
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, models.DateTimeField):
        return now()
    if isinstance(field, models.DateField):
        return datetime.date(2026, 1, 1)
    if isinstance(field, models.DecimalField):
        return decimal.Decimal(1)
    if isinstance(field, models.FloatField):
        return 1.0
    if isinstance(field, models.IntegerField):
        return number  # positive: check constraints here ask for at least 0 or 1
    if isinstance(field, models.UUIDField):
        return uuid.uuid4()
    if isinstance(field, models.JSONField):
        return {}
    raise NotImplementedError(f"No test value for {field!r}: add a factory to FACTORIES.")


def _generic_row(model, field, people, customer=None):
    """One row of `model`, with `field` (if any) pointing at `customer`, every other required
    field filled by type."""
    values = {field.name: customer} if field is not None else {}
    for other in model._meta.concrete_fields:
        optional = other.has_default() or other.null or getattr(other, "auto_now", False)
        optional = optional or getattr(other, "auto_now_add", False)
        if other.name in values or other.auto_created or optional:
            continue
        if isinstance(other, models.CompositePrimaryKey):
            continue
        if other.is_relation and other.related_model is Customer:
            values[other.name] = customer or make_customer()
            continue
        values[other.name] = _value(other)
    row = model(**values)
    row.save()
    return row


def _make(link, customer, people):
    factory = FACTORIES.get((link.label, link.field.name))
    if factory is not None:
        return factory(customer, people)
    return _generic_row(link.model, link.field, people, customer)


def _owner(link, row, pk=None):
    """The customer ids of the row (found by `pk` when its key changed), as a list."""
    rows = link.model._base_manager.filter(pk=row.pk if pk is None else pk)
    return list(rows.values_list(link.field.attname, flat=True))


@pytest.fixture
def people(team_a):
    earlier = make_customer(team=team_a, name="Made before")
    survivor = make_customer(team=team_a, name="Batik Lestari")
    loser = make_customer(team=team_a, name="Batik Lestari Official")
    later = make_customer(team=team_a, name="Made after")
    return {"earlier": earlier, "survivor": survivor, "loser": loser, "later": later}


def _merge(people, actor):
    candidate = make_candidate(people["survivor"], people["loser"])
    return actions.merge_customers(
        candidate=candidate, survivor=people["survivor"], choices={}, actor=actor
    )


def test_it_knows_every_model_that_points_at_a_customer():
    labels = {link.label for link in merging.customer_links()}

    # The models of today; a new one joins this list through the registry on its own.
    assert {
        "audit.auditentry",
        "customers.contact",
        "customers.store",
        "customers.subscription",
        "engagement.interaction",
        "engagement.message",
        "engagement.retentionoffer",
        "metrics.customermonthlymetric",
        "metrics.customerrollup",
        "quality.duplicatecandidate",
        "quality.merge",
        "tiers.customertier",
        "tiers.tierchange",
        "work.onboarding",
        "work.playbookrun",
        "work.task",
    } <= labels
    assert any(label.endswith(".timelineevent") for label in labels)


def test_only_the_listed_models_leave_rows_with_the_loser():
    declared = {
        link.label: link.policy
        for link in merging.customer_links()
        if link.policy is not MergePolicy.MOVE
    }

    assert declared == NOT_MOVED


def test_it_moves_one_row_of_every_model_and_undo_puts_each_back(people, executive, manager):
    links = merging.customer_links()
    rows = [(link, _make(link, people["loser"], people)) for link in links]

    merge = _merge(people, executive)

    expected = {
        MergePolicy.MOVE: people["survivor"].pk,
        MergePolicy.RECOMPUTE: people["loser"].pk,
        MergePolicy.STAY: people["loser"].pk,
    }
    for link, row in rows:
        # A row whose key is the customer changed key with its move: follow it by customer.
        moves_key = link.field.primary_key and link.policy is MergePolicy.MOVE
        pk = people["survivor"].pk if moves_key else None
        assert _owner(link, row, pk) == [expected[link.policy]], link.label
    assert all(
        merge.moved[link.label][link.field.name]
        for link, _row in rows
        if link.policy is MergePolicy.MOVE
    )
    assert not any(
        link.label in merge.moved for link, _row in rows if link.policy is not MergePolicy.MOVE
    )

    actions.undo_merge(merge=merge, actor=manager)

    for link, row in rows:
        assert _owner(link, row) == [people["loser"].pk], link.label


def test_the_survivor_keeps_its_own_one_per_customer_rows(people, executive, manager):
    single = [
        link
        for link in merging.customer_links()
        if link.policy is MergePolicy.MOVE and link.field.unique
    ]
    assert {link.label for link in single} >= {
        "customers.subscription",
        "tiers.customertier",
        "work.onboarding",
    }
    own = {link.label: _make(link, people["survivor"], people) for link in single}
    theirs = {link.label: _make(link, people["loser"], people) for link in single}

    merge = _merge(people, executive)

    for link in single:
        assert _owner(link, own[link.label]) == [people["survivor"].pk], link.label
        assert _owner(link, theirs[link.label]) == [people["loser"].pk], link.label
        assert link.label not in merge.moved

    actions.undo_merge(merge=merge, actor=manager)

    for link in single:
        assert _owner(link, own[link.label]) == [people["survivor"].pk], link.label
        assert _owner(link, theirs[link.label]) == [people["loser"].pk], link.label


def test_the_losers_open_run_of_a_playbook_the_survivor_runs_too_stays(people, executive):
    (link,) = [link for link in merging.customer_links() if link.label == "work.playbookrun"]
    own = _make(link, people["survivor"], people)
    closed = _make(link, people["loser"], people)
    link.model.objects.filter(pk=closed.pk).update(status="done")
    duplicate = _make(link, people["loser"], people)
    assert own.playbook_id == duplicate.playbook_id == closed.playbook_id

    merge = _merge(people, executive)

    assert _owner(link, own) == [people["survivor"].pk]
    assert _owner(link, duplicate) == [people["loser"].pk]  # one open run per playbook
    assert _owner(link, closed) == [people["survivor"].pk]
    assert merge.moved["work.playbookrun"] == {"customer": [closed.pk]}


def test_undo_leaves_a_moved_row_deleted_since_deleted(people, executive, manager):
    (link,) = [link for link in merging.customer_links() if link.label == "work.task"]
    kept = _make(link, people["loser"], people)
    gone = _make(link, people["loser"], people)
    merge = _merge(people, executive)
    link.model.objects.filter(pk=gone.pk).delete()

    actions.undo_merge(merge=merge, actor=manager)

    assert list(link.model.objects.filter(customer=people["loser"])) == [kept]


def test_a_model_without_a_merge_policy_makes_the_merge_refuse(people, executive, monkeypatch):
    (link,) = [link for link in merging.customer_links() if link.label == "work.task"]
    row = _make(link, people["loser"], people)
    store = make_store(people["loser"])
    monkeypatch.delattr(link.model, "merge_policy")

    with pytest.raises(merging.UndeclaredMergePolicy, match=r"work\.Task\.customer"):
        _merge(people, executive)

    assert [error.id for error in merging.check_merge_policies()] == ["customers.E001"]
    assert not Customer.objects.get(pk=people["loser"].pk).is_deleted
    assert _owner(link, row) == [people["loser"].pk]
    assert store.__class__.objects.get(pk=store.pk).customer_id == people["loser"].pk
    assert Merge.objects.count() == 0
    assert DuplicateCandidate.objects.get(customer_b=people["loser"]).status == "open"


def test_undo_refuses_when_the_survivor_was_merged_away_since(people, executive, manager):
    first = _merge(people, executive)
    onward = make_candidate(people["earlier"], people["survivor"])
    actions.merge_customers(
        candidate=onward, survivor=people["earlier"], choices={}, actor=executive
    )

    with pytest.raises(actions.MergeError):
        actions.undo_merge(merge=first, actor=manager)
