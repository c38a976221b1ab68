"""Writes of the quality app: flag duplicate candidates, merge and undo, dismiss, snapshots.

Nothing here merges on its own: `flag_duplicates` only records candidates; a person merges.
"""

from datetime import date

from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext_lazy as _

from setia.customers.models import Contact, Customer, Store, Subscription
from setia.history.actions import record_change, snapshot
from setia.history.models import AuditEntry
from setia.lib.dates import now, today
from setia.quality import completeness, duplicates
from setia.quality.models import DuplicateCandidate, Merge, QualitySnapshot

Action = AuditEntry.Action

# The customer fields a merge lets the user choose, in the order the page shows them.
MERGE_FIELDS = ["name", "category", "status", "city", "province", "owner", "team", "notes"]

# Exact reasons outrank a similar name; a pair found several ways keeps the strongest.
_EXACT_SCORES = {"phone": 100, "email": 100, "domain": 95}


class MergeError(Exception):
    """The merge or its undo cannot be done as asked; `message` is user-facing."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@transaction.atomic
def flag_duplicates(customer_ids=None, *, source: str = "scan") -> int:
    """Record new duplicate candidates among live customers; return how many were created.

    With `customer_ids`, only pairs involving one of those customers are looked for (the
    importer passes the customers it created); None scans everyone. A pair already recorded —
    open, merged or dismissed — is never recorded again, so running this twice creates nothing.
    """
    ids = None if customer_ids is None else sorted(set(customer_ids))
    if ids == []:
        return 0
    found: dict[tuple[int, int], tuple[str, int]] = {}
    for pair, score in duplicates.similar_names(ids).items():
        found[pair] = (DuplicateCandidate.Reason.NAME, score)
    for reason, pairs in duplicates.exact_matches(ids).items():
        for pair in pairs:
            current = found.get(pair)
            if (
                current is None
                or current[0] == DuplicateCandidate.Reason.NAME
                or current[1] < _EXACT_SCORES[reason]
            ):
                found[pair] = (reason, _EXACT_SCORES[reason])
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


def _json_value(customer: Customer, name: str):
    return getattr(customer, Customer._meta.get_field(name).attname)


def _record_move(*, instance, loser, survivor, actor, source):
    record_change(
        customer=survivor,
        actor=actor,
        action=Action.UPDATE,
        instance=instance,
        source=source,
        changes={"customer": [str(loser), str(survivor)]},
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
    fields keep the survivor's). The loser's contacts, stores, subscription (when the survivor
    has none) and history move to the survivor; the loser is soft-deleted. Everything needed to
    undo it is kept in the returned Merge. `expected_versions` ({customer id: version}, from the
    form) refuses a merge of records someone changed meanwhile.
    """
    pair = {candidate.customer_a_id, candidate.customer_b_id}
    if survivor.pk not in pair:
        raise MergeError(_("The surviving record must be one of the pair."))
    # Lock both rows (PostgreSQL) so that a concurrent edit or merge waits for this one.
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
        data[Customer._meta.get_field(name).attname] = _json_value(chosen, name)
    Customer.objects.filter(pk=survivor.pk).update(
        **data, version=F("version") + 1, updated_at=now()
    )
    survivor.refresh_from_db()

    # History first, so the moves recorded below are not mistaken for the loser's own.
    moved_audit = list(loser.audit_entries.values_list("pk", flat=True))
    AuditEntry.objects.filter(pk__in=moved_audit).update(customer=survivor)

    contacts = list(loser.contacts.all())
    demoted = []
    if survivor.contacts.filter(is_primary=True).exists():
        demoted = [contact.pk for contact in contacts if contact.is_primary]
        Contact.objects.filter(pk__in=demoted).update(is_primary=False, updated_at=now())
    Contact.objects.filter(pk__in=[c.pk for c in contacts]).update(
        customer=survivor, updated_at=now()
    )
    stores = list(loser.stores.all())
    Store.objects.filter(pk__in=[s.pk for s in stores]).update(customer=survivor, updated_at=now())
    moved_subscription = None
    subscription = Subscription.objects.filter(customer=loser).first()
    if subscription and not Subscription.objects.filter(customer=survivor).exists():
        Subscription.objects.filter(pk=subscription.pk).update(customer=survivor, updated_at=now())
        moved_subscription = subscription.pk
    for instance in [*contacts, *stores, *([subscription] if moved_subscription else [])]:
        _record_move(instance=instance, loser=loser, survivor=survivor, actor=actor, source=source)

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
        moved_contacts=[c.pk for c in contacts],
        demoted_contacts=demoted,
        moved_stores=[s.pk for s in stores],
        moved_audit_entries=moved_audit,
        moved_subscription=moved_subscription,
    )


@transaction.atomic
def undo_merge(*, merge: Merge, actor) -> Merge:
    """Split a merge: the survivor gets its former values back, the loser is restored with
    the contacts, stores, subscription and history that moved. Rows added to the survivor
    since the merge stay with it; moved rows deleted since stay deleted.
    """
    merge = Merge.objects.select_for_update().get(pk=merge.pk)
    if merge.is_undone:
        raise MergeError(_("This merge was already undone."))
    survivor = Customer.objects.select_for_update().get(pk=merge.survivor_id)
    loser = Customer.objects.select_for_update().get(pk=merge.loser_id)
    if not loser.is_deleted:
        raise MergeError(_("The merged customer was restored already; the merge cannot be undone."))
    source = "merge-undo"

    before_snapshot = snapshot(survivor)
    restored = {
        Customer._meta.get_field(name).attname: merge.survivor_before[name]
        for name in MERGE_FIELDS
        if name in merge.survivor_before
    }
    Customer.objects.filter(pk=survivor.pk).update(
        **restored, version=F("version") + 1, updated_at=now()
    )
    survivor.refresh_from_db()

    contacts = list(Contact.objects.filter(pk__in=merge.moved_contacts, customer=survivor))
    Contact.objects.filter(pk__in=[c.pk for c in contacts]).update(customer=loser, updated_at=now())
    Contact.objects.filter(pk__in=merge.demoted_contacts, customer=loser).update(
        is_primary=True, updated_at=now()
    )
    stores = list(Store.objects.filter(pk__in=merge.moved_stores, customer=survivor))
    Store.objects.filter(pk__in=[s.pk for s in stores]).update(customer=loser, updated_at=now())
    subscriptions = list(
        Subscription.objects.filter(pk=merge.moved_subscription, customer=survivor)
    )
    if subscriptions and not Subscription.objects.filter(customer=loser).exists():
        Subscription.objects.filter(pk=subscriptions[0].pk).update(customer=loser, updated_at=now())
    else:
        subscriptions = []
    AuditEntry.objects.filter(pk__in=merge.moved_audit_entries).update(customer=loser)

    Customer.objects.filter(pk=loser.pk).update(
        deleted_at=None, deleted_by=None, version=F("version") + 1, updated_at=now()
    )
    loser.refresh_from_db()
    for instance in [*contacts, *stores, *subscriptions]:
        _record_move(instance=instance, loser=survivor, survivor=loser, actor=actor, source=source)
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
def record_snapshot(*, day: date | None = None) -> list[QualitySnapshot]:
    """Store the day's data-quality figures, overall and per team; running it again the same
    day replaces them. Set-based: one grouped aggregate per figure, whatever the row count."""
    day = day or today()
    count = len(completeness.active_checks())
    alive = Customer.objects.alive()
    overall = completeness.totals(alive)
    per_team = (
        completeness.with_completeness(alive)
        .filter(team__isnull=False)
        .values("team_id")
        .annotate(
            number=Count("pk"),
            total_filled=Sum("filled"),
            number_complete=Count("pk", filter=Q(filled=count)),
            number_stale=Count("pk", filter=Q(is_stale=1)),
        )
        .order_by("team_id")
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
            team_id=row["team_id"],
            customers=row["number"],
            average_completeness=100 * (row["total_filled"] or 0) / (row["number"] * count),
            complete=row["number_complete"],
            stale=row["number_stale"],
            open_duplicates=open_by_team.get(row["team_id"], 0),
        )
        for row in per_team
    ]
    QualitySnapshot.objects.filter(day=day).delete()
    return QualitySnapshot.objects.bulk_create(rows)
