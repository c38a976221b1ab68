"""How the rows that point at a customer follow it when two customers are merged.

Every model with a ForeignKey or OneToOneField to `customers.Customer`, in any app, declares
what a merge does to its rows with a class attribute:

    class Interaction(models.Model):
        merge_policy = MergePolicy.MOVE
        customer = models.ForeignKey("customers.Customer", ...)

`customer_links()` finds those models through the app registry, so an app added later is
covered without editing this module or the merge; a model that points at a customer without a
`merge_policy` makes the merge refuse (`UndeclaredMergePolicy`) and fails `manage.py check`
(error customers.E001), rather than leaving its rows behind on the merged-away customer.

`move_to_survivor` and `move_back` do the moving, one UPDATE per model and field, and speak in
`{model label: {field name: [primary keys]}}`, the record `quality.Merge.moved` keeps so that
an undo puts back exactly the rows that moved.
"""

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

# The primary keys of moved rows are put back in chunks of this many: one UPDATE each, and a
# chunk stays below SQLite's limit of 32,766 parameters per statement.
UNDO_CHUNK = 5_000

Moved = dict[str, dict[str, list]]


class MergePolicy(enum.Enum):
    """What a merge does to the rows of the merged-away customer (the loser)."""

    # The rows move to the survivor. A row whose move would break one of the model's unique
    # constraints with a row the survivor already has stays with the loser: the survivor keeps
    # its own one-per-customer row (subscription, onboarding, tier) or its own open run of the
    # same playbook, and the loser's comes back with it on undo.
    MOVE = "move"
    # The rows are figures computed from other rows that move (a customer's rollups are
    # computed from its stores): the merge leaves them where they are, and the owning app's next
    # recompute, which covers every customer, rebuilds both customers' figures.
    RECOMPUTE = "recompute"
    # The rows are about the two records as records (the merge itself, the duplicate pairs a
    # customer was found in): they stay with the customer they name. A duplicate pair of the
    # loser is hidden while the loser is merged away and shows again after an undo.
    STAY = "stay"


class UndeclaredMergePolicy(ImproperlyConfigured):
    """A model points at a customer without saying what a merge does to its rows."""


@dataclass(frozen=True)
class CustomerLink:
    """One ForeignKey or OneToOneField to Customer, with its model's declared policy."""

    model: type[models.Model]
    field: models.ForeignKey
    policy: MergePolicy

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


def _customer_fields():
    """(model, field) for every concrete ForeignKey/OneToOneField to Customer."""
    customer = apps.get_model("customers", "Customer")
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if (field.many_to_one or field.one_to_one) and field.related_model is customer:
                yield model, field


def _policy(model) -> MergePolicy | None:
    policy = getattr(model, "merge_policy", None)
    return policy if isinstance(policy, MergePolicy) else None


def _problems() -> list[str]:
    """What is wrong with the declarations, one sentence per model or field."""
    problems = []
    for model, field in _customer_fields():
        policy = _policy(model)
        label = model._meta.label
        if policy is None:
            problems.append(
                f"{label}.{field.name} points at a customer but {label} declares no "
                f"merge_policy (a setia.lib.merging.MergePolicy)."
            )
        elif policy is MergePolicy.MOVE and _in_composite_key(model, field):
            problems.append(
                f"{label}.{field.name} is part of a composite primary key, which a merge "
                f"cannot move and undo by key: declare RECOMPUTE or STAY, or give {label} "
                f"a key of its own."
            )
    return problems


def _in_composite_key(model, field) -> bool:
    primary_key = model._meta.pk
    return isinstance(primary_key, models.CompositePrimaryKey) and field.name in (
        primary_key.field_names
    )


def customer_links() -> list[CustomerLink]:
    """Every ForeignKey/OneToOneField to Customer of every installed model, with its policy.

    Raises UndeclaredMergePolicy, naming each model, when one declares no usable policy.
    """
    problems = _problems()
    if problems:
        raise UndeclaredMergePolicy(" ".join(problems))
    # With no problems, every model here declares a MergePolicy.
    return [
        CustomerLink(model=model, field=field, policy=model.merge_policy)
        for model, field in _customer_fields()
    ]


def check_merge_policies(app_configs=None, **kwargs) -> list[checks.Error]:
    """System check: every model that points at a customer declares its merge policy."""
    return [checks.Error(problem, id="customers.E001") for problem in _problems()]


def _unique_keys(model, field) -> Iterable[tuple[list[str], Q | None]]:
    """The model's unique keys that include `field`: (field names, condition or None)."""
    if field.unique:
        yield [field.name], None
    for names in model._meta.unique_together:
        if field.name in names:
            yield list(names), None
    for constraint in model._meta.constraints:
        # A constraint on expressions is not checked here: were one to include the customer,
        # the database would refuse the move and roll the merge back.
        if isinstance(constraint, models.UniqueConstraint) and field.name in constraint.fields:
            yield list(constraint.fields), constraint.condition


def _movable(link: CustomerLink, *, source_id, target_id, pks=None) -> models.QuerySet:
    """The rows of `source_id` (among `pks`, when given) that can move to `target_id` without
    breaking a unique constraint with a row the target has."""
    manager = link.model._base_manager
    rows = manager.filter(**{link.field.attname: source_id})
    if pks is not None:
        rows = rows.filter(pk__in=pks)
    for names, condition in _unique_keys(link.model, link.field):
        twin = manager.filter(**{link.field.attname: target_id})
        twin = twin.filter(**{name: OuterRef(name) for name in names if name != link.field.name})
        clash = Exists(twin.filter(condition) if condition is not None else twin)
        rows = rows.exclude((condition & Q(clash)) if condition is not None else Q(clash))
    return rows


def _repoint(link: CustomerLink, rows: models.QuerySet, target_id) -> list:
    """Point `rows` at `target_id` in one UPDATE; return their primary keys as they are after."""
    pks = list(rows.values_list("pk", flat=True))
    if not pks:
        return []
    values = {link.field.attname: target_id}
    moment = timezone.now()
    for field in link.model._meta.concrete_fields:
        if getattr(field, "auto_now", False):
            values[field.attname] = moment
    rows.update(**values)
    # Where the customer column is the primary key (one row per customer), the row's key is
    # the customer's id, so it changed with the move.
    return [target_id] if link.field.primary_key else pks


def move_to_survivor(*, loser, survivor) -> Moved:
    """Move the loser's rows to the survivor, model by model, as each declares.

    One UPDATE per model and field (MOVE); nothing for RECOMPUTE and STAY. Returns the primary
    keys of what moved, `{model label: {field name: [pk, ...]}}`, for `move_back`. Raises
    UndeclaredMergePolicy before moving anything when a model declares no policy. The caller
    holds both customers locked, so that no row is added to the loser meanwhile.
    """
    moved: Moved = {}
    for link in customer_links():
        if link.policy is not MergePolicy.MOVE:
            continue
        rows = _movable(link, source_id=loser.pk, target_id=survivor.pk)
        pks = _repoint(link, rows, survivor.pk)
        if pks:
            moved.setdefault(link.label, {})[link.field.name] = pks
    return moved


def move_back(*, moved: Moved, loser, survivor) -> Moved:
    """Undo `move_to_survivor`: the rows listed in `moved` that are still the survivor's go
    back to the loser; rows deleted since stay deleted, rows added to the survivor since stay
    with it. A row that would break a unique constraint with one the loser has meanwhile
    stays with the survivor. Returns what moved back, in the same form.
    """
    links = {(link.label, link.field.name): link for link in customer_links()}
    back: Moved = {}
    for label, fields in moved.items():
        for name, pks in fields.items():
            link = links[(label, name)]
            done = []
            for start in range(0, len(pks), UNDO_CHUNK):
                rows = _movable(
                    link,
                    source_id=survivor.pk,
                    target_id=loser.pk,
                    pks=pks[start : start + UNDO_CHUNK],
                )
                done += _repoint(link, rows, loser.pk)
            if done:
                back.setdefault(label, {})[name] = done
    return back
