"""Writes of the quality app: flag duplicate candidates, merge and undo, dismiss, snapshots.

Nothing here merges on its own: `flag_duplicates` only records candidates; a person merges.
"""

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    F,
    Field,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _

from setia.customers.models import Contact, Customer, Store, Subscription
from setia.history.actions import new_change, record_change, record_changes, snapshot
from setia.history.models import AuditEntry
from setia.lib import merging
from setia.lib.dates import now, today
from setia.quality import completeness, duplicates
from setia.quality.models import (
    CustomerCompleteness,
    DuplicateCandidate,
    Merge,
    QualitySnapshot,
)

Action = AuditEntry.Action

# The customer fields a merge lets the user choose, in the order the page shows them.
MERGE_FIELDS = ["name", "category", "status", "city", "province", "owner", "team", "notes"]

# The parts of the customer's own record whose move to the other customer is written in the
# history, one entry each, as their other changes are.
_AUDITED_MOVES = (Contact, Store, Subscription)

# Exact reasons outrank a similar name; a pair found several ways keeps the strongest.
_EXACT_RANK = {"phone": 3, "email": 3, "domain": 2, "name": 1}


class MergeError(Exception):
    """The merge or its undo cannot be done as asked; `message` is user-facing."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@transaction.atomic
def flag_duplicates(customer_ids=None, *, source: str = "scan") -> int:
    """Record new duplicate candidates among live customers; return how many were created.

    With `customer_ids`, only pairs involving one of those customers are looked for (the
    importer passes the customers it created or updated); None scans everyone. A pair already recorded —
    open, merged or dismissed — is never recorded again, so running this twice creates nothing.
    """
    ids = None if customer_ids is None else sorted(set(customer_ids))
    if ids == []:
        return 0
    reasons: dict[tuple[int, int], str] = dict.fromkeys(
        duplicates.similar_names(ids), DuplicateCandidate.Reason.NAME
    )
    for reason, pairs in duplicates.exact_matches(ids).items():
        for pair in pairs:
            if pair not in reasons or _EXACT_RANK[reason] > _EXACT_RANK[reasons[pair]]:
                reasons[pair] = reason
    scores = duplicates.score_pairs(reasons)
    # A shared number, e-mail or domain is always worth a look; a similar name only when the
    # rest of the two records does not say they are two businesses.
    found = {
        pair: (reason, scores[pair])
        for pair, reason in reasons.items()
        if reason != DuplicateCandidate.Reason.NAME or scores[pair] >= duplicates.FLAG_AT
    }
    if not found:
        return 0
    before = DuplicateCandidate.objects.count()
    DuplicateCandidate.objects.bulk_create(
        [
            DuplicateCandidate(
                customer_a_id=first,
                customer_b_id=second,
                reason=reason,
                score=score,
                source=source[:60],
            )
            for (first, second), (reason, score) in sorted(found.items())
        ],
        batch_size=500,
        ignore_conflicts=True,  # the pair exists already: keep its status and history
    )
    return DuplicateCandidate.objects.count() - before


@transaction.atomic
def dismiss_candidate(*, candidate: DuplicateCandidate, actor) -> DuplicateCandidate:
    """Mark two customers as different businesses; the pair is never flagged again."""
    if candidate.status != DuplicateCandidate.Status.OPEN:
        raise MergeError(_("This pair was already handled."))
    candidate.status = DuplicateCandidate.Status.DISMISSED
    candidate.resolved_by = actor
    candidate.resolved_at = now()
    candidate.save(update_fields=["status", "resolved_by", "resolved_at", "updated_at"])
    return candidate


def customer_field(name: str) -> Field:
    """The concrete field of Customer called `name` (every merge field is one)."""
    field = Customer._meta.get_field(name)
    if not isinstance(field, Field):  # a reverse relation, not a column of Customer
        raise FieldDoesNotExist(f"Customer has no concrete field {name!r}")
    return field


def _json_value(customer: Customer, name: str):
    return getattr(customer, customer_field(name).attname)


def _describe(rows_of) -> dict[str, dict]:
    """{label: {pk: row}} of the rows `rows_of(model)` gives for each of _AUDITED_MOVES, read
    before they move and with their customer: the text of a subscription names its customer."""
    return {
        model._meta.label_lower: {row.pk: row for row in rows_of(model).select_related("customer")}
        for model in _AUDITED_MOVES
    }


def _record_moves(*, moved, described, loser, survivor, actor, source):
    """One history entry, on the customer the rows went to, per moved part of the customer's
    own record (contacts, stores, subscription); the other rows carry their history along."""
    record_changes(
        [
            new_change(
                customer=survivor,
                actor=actor,
                action=Action.UPDATE,
                instance=described[label][pk],
                changes={"customer": [str(loser), str(survivor)]},
                source=source,
            )
            for label in described
            for pk in sorted(moved.get(label, {}).get("customer", []))
        ]
    )


@transaction.atomic
def merge_customers(
    *,
    candidate: DuplicateCandidate,
    survivor: Customer,
    choices: dict[str, Customer],
    actor,
    expected_versions: dict[int, int] | None = None,
) -> Merge:
    """Merge the other customer of `candidate` into `survivor`.

    `choices` maps each of MERGE_FIELDS to the customer whose value the survivor keeps (missing
    fields keep the survivor's). Every row that points at the loser follows the policy its
    model declares (`setia.lib.merging`): contacts, stores, history, interactions,
    messages, tasks, runs, … move to the survivor; a one-per-customer row (subscription,
    onboarding, tier) moves only when the survivor has none. The loser is soft-deleted.
    Everything needed to undo it is kept in the returned Merge. `expected_versions`
    ({customer id: version}, from the form) refuses a merge of records someone changed
    meanwhile. Raises UndeclaredMergePolicy, merging nothing, when a model that points at a
    customer declares no policy.
    """
    pair = {candidate.customer_a_id, candidate.customer_b_id}
    if survivor.pk not in pair:
        raise MergeError(_("The surviving record must be one of the pair."))
    # Lock both rows (PostgreSQL) so that a concurrent edit or merge waits for this one, and
    # no row is added to the loser while its rows move (inserting a row that points at a
    # customer takes a key-share lock on it, which waits for this one).
    locked = {
        customer.pk: customer
        for customer in Customer.objects.select_for_update(of=("self",))
        .select_related("category", "owner", "team")
        .filter(pk__in=pair)
    }
    candidate = DuplicateCandidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.status != DuplicateCandidate.Status.OPEN:
        raise MergeError(_("This pair was already handled."))
    if len(locked) != 2 or any(customer.is_deleted for customer in locked.values()):
        raise MergeError(_("One of the two customers was deleted meanwhile."))
    if expected_versions and any(
        locked[pk].version != version for pk, version in expected_versions.items()
    ):
        raise MergeError(
            _("One of the two customers was changed meanwhile. Review the values and merge again.")
        )
    survivor = locked[survivor.pk]
    loser = locked[(pair - {survivor.pk}).pop()]
    source = "merge"

    # The survivor's chosen values.
    before_snapshot = snapshot(survivor)
    survivor_before = {name: _json_value(survivor, name) for name in MERGE_FIELDS}
    data = {}
    for name in MERGE_FIELDS:
        chosen = locked.get(getattr(choices.get(name), "pk", survivor.pk), survivor)
        data[customer_field(name).attname] = _json_value(chosen, name)
    Customer.objects.filter(pk=survivor.pk).update(
        **data, version=F("version") + 1, updated_at=now()
    )
    survivor.refresh_from_db()

    # One primary contact per customer: the loser's is demoted when the survivor has one.
    demoted = []
    if survivor.contacts.filter(is_primary=True).exists():
        demoted = list(loser.contacts.filter(is_primary=True).values_list("pk", flat=True))
        Contact.objects.filter(pk__in=demoted).update(is_primary=False, updated_at=now())
    # Every row moves before anything is recorded, so that the entries written below are not
    # mistaken for the loser's own history.
    described = _describe(lambda model: model.objects.filter(customer=loser))
    moved = merging.move_to_survivor(loser=loser, survivor=survivor)
    _record_moves(
        moved=moved, described=described, loser=loser, survivor=survivor, actor=actor, source=source
    )

    Customer.objects.filter(pk=loser.pk).update(
        deleted_at=now(), deleted_by=actor, version=F("version") + 1, updated_at=now()
    )
    loser.refresh_from_db()
    record_change(
        customer=survivor,
        actor=actor,
        action=Action.UPDATE,
        instance=survivor,
        before=before_snapshot,
        source=source,
    )
    record_change(customer=loser, actor=actor, action=Action.DELETE, instance=loser, source=source)

    candidate.status = DuplicateCandidate.Status.MERGED
    candidate.resolved_by = actor
    candidate.resolved_at = now()
    candidate.save(update_fields=["status", "resolved_by", "resolved_at", "updated_at"])
    return Merge.objects.create(
        candidate=candidate,
        survivor=survivor,
        loser=loser,
        actor=actor,
        survivor_before=survivor_before,
        moved=moved,
        demoted_contacts=demoted,
    )


@transaction.atomic
def undo_merge(*, merge: Merge, actor) -> Merge:
    """Split a merge: the survivor gets its former values back, the loser is restored with
    every row that moved (as `Merge.moved` lists them). Rows added to the survivor since the
    merge stay with it; moved rows deleted since stay deleted.
    """
    merge = Merge.objects.select_for_update().get(pk=merge.pk)
    if merge.is_undone:
        raise MergeError(_("This merge was already undone."))
    survivor = Customer.objects.select_for_update().get(pk=merge.survivor_id)
    loser = Customer.objects.select_for_update().get(pk=merge.loser_id)
    if not loser.is_deleted:
        raise MergeError(_("The merged customer was restored already; the merge cannot be undone."))
    if survivor.is_deleted:
        # Its rows, the moved ones with them, went on to another customer or were deleted.
        raise MergeError(
            _("The surviving customer was merged or deleted since; undo or restore that first.")
        )
    source = "merge-undo"

    before_snapshot = snapshot(survivor)
    restored = {
        customer_field(name).attname: merge.survivor_before[name]
        for name in MERGE_FIELDS
        if name in merge.survivor_before
    }
    Customer.objects.filter(pk=survivor.pk).update(
        **restored, version=F("version") + 1, updated_at=now()
    )
    survivor.refresh_from_db()

    described = _describe(
        lambda model: model.objects.filter(
            pk__in=merge.moved.get(model._meta.label_lower, {}).get("customer", [])
        )
    )
    back = merging.move_back(moved=merge.moved, loser=loser, survivor=survivor)
    Contact.objects.filter(pk__in=merge.demoted_contacts, customer=loser).update(
        is_primary=True, updated_at=now()
    )

    Customer.objects.filter(pk=loser.pk).update(
        deleted_at=None, deleted_by=None, version=F("version") + 1, updated_at=now()
    )
    loser.refresh_from_db()
    _record_moves(
        moved=back, described=described, loser=survivor, survivor=loser, actor=actor, source=source
    )
    record_change(
        customer=survivor,
        actor=actor,
        action=Action.UPDATE,
        instance=survivor,
        before=before_snapshot,
        source=source,
    )
    record_change(customer=loser, actor=actor, action=Action.RESTORE, instance=loser, source=source)

    if merge.candidate_id:
        DuplicateCandidate.objects.filter(pk=merge.candidate_id).update(
            status=DuplicateCandidate.Status.OPEN,
            resolved_by=None,
            resolved_at=None,
            updated_at=now(),
        )
    merge.undone_at = now()
    merge.undone_by = actor
    merge.save(update_fields=["undone_at", "undone_by", "updated_at"])
    return merge


@transaction.atomic
def record_snapshot(*, day: date | None = None, per_customer: bool = True) -> list[QualitySnapshot]:
    """Store the day's data-quality figures, overall and per team, and with `per_customer` (the
    nightly run) each live customer's completeness, which the data-quality page lists; running
    it again the same day replaces them. Set-based: the customers' rows in one INSERT ... SELECT,
    then the figures summed from those rows (one pass over the customers' contacts, stores and
    subscriptions). Without `per_customer` (the demo, next to customers it did not create) the
    figures are computed from the customers and no row is written for any of them."""
    day = day or today()
    count = len(completeness.active_checks())
    if per_customer:
        _record_completeness()
        scored = CustomerCompleteness.objects.annotate(
            group_team=F("customer__team"),
            is_stale=Case(
                When(record_updated_at__lt=completeness.stale_before(), then=Value(1)),
                default=Value(0),
            ),
        )
    else:
        scored = completeness.with_completeness(Customer.objects.alive()).annotate(
            group_team=F("team")
        )
    # Aggregate names must differ from the annotations they read ("filled", "is_stale").
    sums = {
        "number": Count("pk"),
        "total_filled": Sum("filled"),
        "number_complete": Count("pk", filter=Q(filled=count)),
        "number_stale": Count("pk", filter=Q(is_stale=1)),
    }
    figures = scored.aggregate(**sums)
    number = figures["number"] or 0
    overall = {
        "customers": number,
        "average_completeness": (
            100 * (figures["total_filled"] or 0) / (number * count) if number else 0.0
        ),
        "complete": figures["number_complete"] or 0,
        "stale": figures["number_stale"] or 0,
    }
    per_team: list[Mapping[str, Any]] = list(
        scored.filter(group_team__isnull=False)
        .values("group_team")
        .annotate(**sums)
        .order_by("group_team")
    )
    open_candidates = DuplicateCandidate.objects.open().filter(
        customer_a__deleted_at__isnull=True, customer_b__deleted_at__isnull=True
    )
    open_by_team = dict(
        open_candidates.filter(customer_a__team__isnull=False)
        .values("customer_a__team_id")
        .annotate(number=Count("pk"))
        .values_list("customer_a__team_id", "number")
        .order_by()
    )
    rows = [
        QualitySnapshot(
            day=day,
            team=None,
            customers=overall["customers"],
            average_completeness=overall["average_completeness"],
            complete=overall["complete"],
            stale=overall["stale"],
            open_duplicates=open_candidates.count(),
        )
    ]
    rows += [
        QualitySnapshot(
            day=day,
            team_id=row["group_team"],
            customers=row["number"],
            average_completeness=100 * (row["total_filled"] or 0) / (row["number"] * count),
            complete=row["number_complete"],
            stale=row["number_stale"],
            open_duplicates=open_by_team.get(row["group_team"], 0),
        )
        for row in per_team
    ]
    QualitySnapshot.objects.filter(day=day).delete()
    return QualitySnapshot.objects.bulk_create(rows)


def _record_completeness() -> int:
    """Rewrite every live customer's completeness row (`CustomerCompleteness`) in one
    INSERT ... SELECT; return the number of rows."""
    keys = completeness.active_checks()
    missing = [
        Case(When(**{f"has_{key}": 0}, then=Value(f"{key},")), default=Value("")) for key in keys
    ]
    rows = (
        completeness.with_completeness(Customer.objects.alive())
        .annotate(
            missing_keys=Concat(*missing, output_field=CharField())
            if len(missing) > 1
            else missing[0],
            computed=Value(now(), output_field=DateTimeField()),
        )
        .values_list("pk", "filled", "missing_keys", "updated_at", "computed")
    )
    sql, params = rows.query.sql_with_params()
    table = CustomerCompleteness._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")
        cursor.execute(
            f"INSERT INTO {table} (customer_id, filled, missing, record_updated_at, computed_at) "
            f"{sql}",
            params,
        )
        return cursor.rowcount
