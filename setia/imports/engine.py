"""The import engine behind the command and the wizard.

Three stages, each set-based, over a file read as a stream (never all its rows in memory):

1. `plan_import` reads the file three times, `ROWS_PER_CHUNK` rows at a time. The first read
   normalises every row's cells and collapses duplicates inside the file (keeping only each
   row's fate and the keys seen); the second finds the existing customers the rows match
   (normalised phone or WhatsApp, e-mail, store domain, customer code; a row with none of these
   by its exact brand name), looking them up in chunks — never one query per row; the third
   decides, for every row, created / updated / unchanged / duplicate / rejected and writes the
   error file as it goes. A row absorbs the blanks of its later duplicates whichever chunk they
   are in, so the outcome does not depend on the chunk size. It writes nothing: a dry run is
   this stage alone.
2. `writing.apply_chunk` writes each decided chunk, handed over by the third read, through the
   customer rules (the constructors the web actions use) and Django's bulk paths, with its
   history (source `import:<code>`) and ImportChange rows for undo. The caller runs the whole
   import inside one transaction.
3. `undo_import` (actions.py) reverts exactly what ImportChange recorded, and removes (soft
   deletes) the customers the import's history says it created; it adds to the history and
   deletes none of it.

The counts always add up: rows = created + updated + unchanged + duplicates + rejected.
"""

import csv
import io
import json
import shutil
import tempfile
import uuid
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO

from django.db import connection
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from setia.accounts.models import Team, User
from setia.customers.models import Category, Contact, Customer, Store, Subscription
from setia.customers.models import Plan as SubscriptionPlan
from setia.imports import values
from setia.imports.mapping import EXTRA, FIELDS
from setia.lib.reading import Table
from setia.lib.spreadsheets import FORMULA_STARTS, neutralise

CHUNK = 500  # keys per IN (...) lookup: under SQLite's bound-parameter limit, cheap on PostgreSQL
BATCH = 500  # records per bulk_create/bulk_update call (Django splits further for SQLite)
SCAN_FACTOR = 4  # read a whole table rather than look keys up when it has ≤ 4 rows per key
# Rows decided and written together: a big file's memory is a chunk's records, not the file's.
ROWS_PER_CHUNK = 5000
SHOWN_REJECTED = 50  # rejected rows a plan keeps for the page; every one is in the error file
ERRORS_IN_MEMORY = 8 * 1024 * 1024  # bytes of error file kept in memory before a temporary file

# What the first two reads decide for each row of the file (by its position).
KEPT, DUPLICATE, SAME_CUSTOMER, REJECTED, EMPTY, INVALID = range(6)

Progress = Callable[[str, int, int], None]

CUSTOMER_FIELDS = ("name", "category", "status", "city", "province", "owner", "team", "notes")
CONTACT_FIELDS = ("name", "position", "phone", "whatsapp", "email")
SUBSCRIPTION_FIELDS = ("plan", "monthly_price", "renews_on", "started_on")


def no_progress(phase: str, done: int, total: int) -> None:
    """The progress callback of a caller that shows none."""


@dataclass
class Row:
    number: int  # row number in the spreadsheet (the header is row 1)
    cells: list[str]
    customer: dict = field(default_factory=dict)  # model field → value (objects for FKs)
    contact: dict = field(default_factory=dict)
    store: tuple[str, str, str] | None = None  # (url, domain, kind)
    subscription: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)
    code: str = ""
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, reason)
    # Values outside a managed list, left empty: (column, value, reason).
    warnings: list[tuple[str, str, str]] = field(default_factory=list)
    # The rows of the file absorbed into this one that have warnings: each keeps its own
    # warning lines (its number, its cells), though it is not decided itself.
    absorbed: list["Row"] = field(default_factory=list, repr=False, compare=False)
    match_id: int | None = None
    outcome: str = ""  # created / updated / unchanged / duplicate / rejected
    ambiguous: int = 0  # how many existing customers its keys belong to, when more than one
    # keys(), computed once: planning asks four times per row; absorb() clears it.
    cached_keys: list[tuple[str, str]] | None = field(default=None, repr=False, compare=False)

    @property
    def matched_id(self) -> int:
        """The id of the customer the row matched; asked only of a row that matched one."""
        if self.match_id is None:
            raise ValueError(f"row {self.number} matched no customer")
        return self.match_id

    def keys(self) -> list[tuple[str, str]]:
        if self.cached_keys is not None:
            return self.cached_keys
        keys = []
        if self.code:
            keys.append(("code", self.code))
        for name in ("phone", "whatsapp"):
            if value := self.contact.get(name):
                keys.append(("phone", value))
        if email := self.contact.get("email"):
            keys.append(("email", email))
        if self.store:
            keys.append(("domain", self.store[1]))
        self.cached_keys = keys
        return keys

    def absorb(self, other: "Row") -> None:
        """Fill this row's blanks from a duplicate of it further down the file."""
        for mine, theirs in (
            (self.customer, other.customer),
            (self.contact, other.contact),
            (self.subscription, other.subscription),
            (self.extra, other.extra),
        ):
            for name, value in theirs.items():
                mine.setdefault(name, value)
        if self.store is None:
            self.store = other.store
        if not self.code:
            self.code = other.code
        self.absorbed.extend(other.absorbed)
        if other.warnings:
            self.absorbed.append(other)
        self.cached_keys = None  # a blank filled may be a new key


@dataclass
class Plan:
    """What importing a file does (or did): the counts, the first rejected rows, the error file."""

    header: list[str]
    mapping: dict[str, str]
    counts: dict[str, int] = field(default_factory=dict)
    rejected_rows: list[Row] = field(default_factory=list)  # the first SHOWN_REJECTED
    errors: IO[bytes] = field(default_factory=lambda: _spool())  # the error file, see error_file
    # Each distinct value outside a managed list, (column, value) → rows that have it.
    unknown: dict[tuple[str, str], int] = field(default_factory=dict)
    touched_ids: list[int] = field(default_factory=list)  # customers written, after run_import

    def summary(self) -> str:
        c = self.counts
        return (
            f"rows={c['rows']} created={c['created']} updated={c['updated']} "
            f"unchanged={c['unchanged']} duplicates={c['duplicates']} rejected={c['rejected']} "
            f"warnings={c['warnings']}"
        )


def _spool() -> IO[bytes]:
    # Closed (and its temporary file removed) when the plan is garbage-collected.
    return tempfile.SpooledTemporaryFile(max_size=ERRORS_IN_MEMORY)


@dataclass
class Chunk:
    """Consecutive rows of a file, decided, with the existing records their matches need."""

    mapping: dict[str, str]
    rows: list[Row]  # every row of the chunk but duplicates
    kept: list[Row] = field(default_factory=list)  # created, updated or unchanged
    customers: dict[int, Customer] = field(default_factory=dict)  # matched, by pk
    contacts: dict[int, list[Contact]] = field(default_factory=dict)  # by customer pk
    subscriptions: dict[int, Subscription] = field(default_factory=dict)
    editable: set[int] | None = None  # matched customers the actor may change (None: all)
    domains: set[str] | None = None  # existing store domains named by matched rows

    @property
    def warned_rows(self) -> list[Row]:
        """The rows imported with a value outside a managed list left empty (the duplicates
        absorbed into the chunk's rows included), in file order."""
        rows = [row for row in self.rows if row.warnings and row.outcome != "rejected"]
        rows += [member for row in self.rows for member in row.absorbed]
        return sorted(rows, key=lambda row: row.number)


class Context:
    """What row parsing needs from the database, loaded once: categories, people, teams, and
    the acting user's scope."""

    def __init__(
        self,
        *,
        actor: User | None,
        default_owner: User | None,
        value_map: values.ValueMap | None = None,
    ):
        self.actor = actor
        self.value_map = value_map or values.ValueMap()
        self.categories = values.Categories(list(Category.objects.filter(is_active=True)))
        # Every plan, retired ones too: a sheet may name the plan an old customer still has.
        self.plans = values.Plans(SubscriptionPlan.objects.all())
        users = list(User.objects.filter(is_active=True).select_related("team"))
        self.users_by_email = {user.email.lower(): user for user in users}
        self.users_by_name = {" ".join(user.full_name.lower().split()): user for user in users}
        self.teams = {team.name.lower(): team for team in Team.objects.all()}
        # Executives import for their own team only (managers and admins for everyone).
        self.limited = False
        if actor is not None and not actor.has_perm("customers.view_all_customers"):
            self.limited = True
            self.allowed_owner_ids = {
                user.pk
                for user in users
                if user.pk == actor.pk or (actor.team_id and user.team_id == actor.team_id)
            }
        self.default_owner = default_owner or (actor if self.limited else None)
        self.memo: dict[str, dict] = {}  # cleaned values of repetitive columns, see _clean

    def owner(self, value: str) -> User:
        text = " ".join(value.lower().split())
        user = self.users_by_email.get(text) or self.users_by_name.get(text)
        if user is None:
            raise values.CellError(_("No active user has the e-mail %(value)s.") % {"value": value})
        if self.limited and user.pk not in self.allowed_owner_ids:
            raise values.CellError(
                _("%(value)s is not in your team; you can import customers for your team only.")
                % {"value": value}
            )
        return user

    def team(self, value: str) -> Team:
        team = self.teams.get(" ".join(value.lower().split()))
        if team is None:
            raise values.CellError(_("There is no team called %(value)s.") % {"value": value})
        if self.limited and self.actor is not None and team.pk != self.actor.team_id:
            raise values.CellError(
                _("%(value)s is not your team; you can import customers for your team only.")
                % {"value": value}
            )
        return team


# field key → (part of the row, field name, cleaner(ctx, value), whether to memoise).
# Columns with few distinct values (categories, cities, plans, dates, prices…) are cleaned
# once per distinct value: most of a big file's cells are repeats.
_CELLS = {
    "name": ("customer", "name", lambda ctx, v: values.clean_text(v, max_length=200), False),
    "category": ("customer", "category", lambda ctx, v: ctx.categories.clean(v), True),
    "status": ("customer", "status", lambda ctx, v: values.clean_status(v), True),
    "city": ("customer", "city", lambda ctx, v: values.clean_city(v), True),
    "province": ("customer", "province", lambda ctx, v: values.clean_province(v), True),
    "account_owner": ("customer", "owner", lambda ctx, v: ctx.owner(v), True),
    "team": ("customer", "team", lambda ctx, v: ctx.team(v), True),
    "notes": ("customer", "notes", lambda ctx, v: v, False),
    "contact_name": ("contact", "name", lambda ctx, v: values.clean_text(v, max_length=150), False),
    "position": ("contact", "position", lambda ctx, v: values.clean_text(v, max_length=100), True),
    "phone": ("contact", "phone", lambda ctx, v: values.clean_phone(v), False),
    "whatsapp": ("contact", "whatsapp", lambda ctx, v: values.clean_phone(v), False),
    "email": ("contact", "email", lambda ctx, v: values.clean_email(v), False),
    "plan": ("subscription", "plan", lambda ctx, v: ctx.plans.clean(v), True),
    "monthly_price": ("subscription", "monthly_price", lambda ctx, v: values.clean_amount(v), True),
    "renews_on": ("subscription", "renews_on", lambda ctx, v: values.clean_date(v), True),
    "started_on": ("subscription", "started_on", lambda ctx, v: values.clean_date(v), True),
}


def _clean(ctx, key: str, value: str, cleaner, memoise: bool):
    if not memoise:
        return cleaner(ctx, value)
    memo = ctx.memo.get(key)
    if memo is None:
        memo = ctx.memo[key] = {}
    cached = memo.get(value)
    if cached is None:
        try:
            cached = memo[value] = (cleaner(ctx, value), None)
        except values.CellError as error:
            cached = memo[value] = (None, error)
    result, refusal = cached
    if refusal is not None:
        # A new one: re-raising one instance grows its traceback.
        raise type(refusal)(refusal.message)
    return result


_EMPTY: dict = {}


def _parse_row(number: int, cells: list[str], columns: list[tuple[int, str, str]], ctx) -> Row:
    row = Row(number=number, cells=cells)
    parts = {"customer": row.customer, "contact": row.contact, "subscription": row.subscription}
    first_name = last_name = ""
    width = len(cells)
    for index, header, key in columns:
        if index >= width:
            continue
        value = cells[index]
        if not value:
            continue
        # values.unneutralise, inlined: this runs for every cell of the file.
        if value[0] == "'" and len(value) > 1 and value[1] in FORMULA_STARTS:
            value = value[1:]
        value = value.strip()
        if not value:
            continue
        spec = _CELLS.get(key)
        if ctx.value_map and (target := ctx.value_map.get(header, key, value)) is not None:
            if not target:
                continue  # the user chose to leave this value empty
            value = target
        try:
            if spec is not None:
                part, name, cleaner, memoise = spec
                if memoise:
                    # _clean's memo, looked up here first: most cells of a big file are repeats.
                    cached = ctx.memo.get(key, _EMPTY).get(value)
                    if cached is not None and cached[1] is None:
                        parts[part][name] = cached[0]
                        continue
                parts[part][name] = _clean(ctx, key, value, cleaner, memoise)
            elif key == EXTRA:
                row.extra[header or f"#{index + 1}"] = value
            elif key == "store_url":
                row.store = values.clean_store_url(value)
            elif key == "code":
                row.code = value.lower()
            elif key == "contact_first_name":
                first_name = value
            elif key == "contact_last_name":
                last_name = value
        except values.OutsideList as error:
            row.warnings.append((header, value, str(error.message)))
        except values.CellError as error:
            row.errors.append((header, str(error.message)))
    if (first_name or last_name) and "name" not in row.contact:
        try:
            row.contact["name"] = values.clean_text(f"{first_name} {last_name}", max_length=150)
        except values.CellError as error:
            row.errors.append((_("Contact name"), str(error.message)))
    started, renews = row.subscription.get("started_on"), row.subscription.get("renews_on")
    if started and renews and renews < started:
        row.errors.append(
            (_("Renewal date"), _("The renewal date cannot be before the start date."))
        )
    return row


def _look_up(model, field: str, values: set, kind: str, add) -> None:
    """`add(kind, value, customer_id)` for each row of `model` whose `field` is in `values`,
    looked up in chunks of IN (...)."""
    for chunk in chunks(sorted(values)):
        rows = model.objects.filter(**{f"{field}__in": chunk}).values_list(field, "customer_id")
        for value, customer_id in rows:
            add(kind, value, customer_id)


def chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    """`items` in consecutive lists of at most `size`."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _columns(table: Table, mapping: dict[str, str]) -> list[tuple[int, str, str]]:
    """(index, header, field key) of the columns read: all but the ignored ones."""
    columns = [
        (index, header, mapping.get(header, EXTRA)) for index, header in enumerate(table.header)
    ]
    return [(i, h, k) for i, h, k in columns if k == EXTRA or k in FIELDS]


def preview_rows(table: Table, mapping: dict[str, str], *, actor: User | None) -> list[Row]:
    """The rows of `table` parsed as the import will read them, with their cell errors; no
    matching against existing customers (that is the dry run's work)."""
    ctx = Context(actor=actor, default_owner=None)
    columns = _columns(table, mapping)
    return [_parse_row(number, cells, columns, ctx) for number, cells in table.rows]


def plan_import(
    table: Table,
    mapping: dict[str, str],
    *,
    actor: User | None = None,
    default_owner: User | None = None,
    value_map: values.ValueMap | None = None,
    progress: Progress = no_progress,
    apply: Callable[[Chunk], None] | None = None,
) -> Plan:
    """Decide what importing `table` with `mapping` does. Without `apply` nothing is written;
    with it, each chunk of decided rows is handed to `apply` (which writes it) before the next
    chunk is decided. Progress phases: read, match, then plan (or write, with `apply`).

    `value_map` holds what the user chose for values outside a managed list; a value outside
    one without a choice leaves its field empty and warns (the row is still imported)."""
    ctx = Context(actor=actor, default_owner=default_owner, value_map=value_map)
    planner = _Planner(table, mapping, ctx)
    planner.index(progress)
    planner.match(progress)
    return planner.decide(progress, apply)


class _Planner:
    """The three reads of `plan_import`. Between them it keeps per row only its fate (one
    byte), the customer it matched (eight), and the cells of the rows absorbed by an earlier
    one (a duplicate fills the first row's blanks, wherever it is in the file)."""

    def __init__(self, table: Table, mapping: dict[str, str], ctx: Context):
        self.table = table
        self.mapping = mapping
        self.ctx = ctx
        self.columns = _columns(table, mapping)
        self.total = len(table.rows)
        self.fate = bytearray(self.total)  # KEPT, DUPLICATE, … by row position
        self.match_ids = array("q", bytes(8 * self.total))  # 0: none (ids start at 1)
        self.ambiguous: dict[int, int] = {}  # position → how many customers its keys name
        self.members: dict[int, list[int]] = {}  # position → its duplicates in the file
        self.same: dict[int, list[int]] = {}  # position → later rows matching its customer
        self.stash: dict[int, tuple[int, str]] = {}  # position → (number, cells as JSON)

    def _chunks(self) -> Iterator[list[tuple[int, int, list[str]]]]:
        chunk = []
        for position, (number, cells) in enumerate(self.table.rows):
            chunk.append((position, number, cells))
            if len(chunk) == ROWS_PER_CHUNK:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def _row(self, position: int, number: int, cells: list[str], *, same: bool) -> Row:
        """The row parsed, with the blanks its duplicates fill (and, with `same`, those of the
        later rows matching its customer), in file order as a one-chunk import absorbs them."""
        row = _parse_row(number, cells, self.columns, self.ctx)
        for member in self.members.get(position, ()):
            number, text = self.stash[member]
            row.absorb(_parse_row(number, json.loads(text), self.columns, self.ctx))
        if same:
            for member in self.same.get(position, ()):
                number, text = self.stash[member]
                row.absorb(self._row(member, number, json.loads(text), same=False))
        return row

    def index(self, progress: Progress) -> None:
        """First read: each row's cells checked, duplicates inside the file collapsed (a row
        sharing any key with an earlier one is that row's duplicate)."""
        owner_of: dict[str, int] = {}  # "kind:value" → position of the first row with it
        done = 0
        for chunk in self._chunks():
            for position, number, cells in chunk:
                row = _parse_row(number, cells, self.columns, self.ctx)
                keys = row.keys()
                name = row.customer.get("name")
                if row.errors:
                    # Rows rejected for their cells are matched too, so that their error line
                    # also gives the reasons found only against the database.
                    self.fate[position] = INVALID if keys or name else REJECTED
                    continue
                if not (keys or name):
                    self.fate[position] = EMPTY
                    continue
                texts = [f"{kind}:{value}" for kind, value in keys] or [f"name:{name}"]
                first = next((owner_of[text] for text in texts if text in owner_of), position)
                if first != position:
                    self.fate[position] = DUPLICATE
                    self.members.setdefault(first, []).append(position)
                    self.stash[position] = (number, json.dumps(cells))
                for text in texts:
                    owner_of.setdefault(text, first)
            done += len(chunk)
            progress("read", done, self.total)
        progress("read", self.total, self.total)

    def match(self, progress: Progress) -> None:
        """Second read: the existing customer of each row left, looked up a chunk at a time;
        a later row matching the same customer as an earlier one is its duplicate."""
        first_of: dict[int, int] = {}  # customer id → position of the first row matching it
        done = 0
        for chunk in self._chunks():
            rows = [
                (position, self._row(position, number, cells, same=False))
                for position, number, cells in chunk
                if self.fate[position] in (KEPT, INVALID)
            ]
            _match_existing([row for _position, row in rows])
            for position, row in rows:
                if row.ambiguous:
                    self.ambiguous[position] = row.ambiguous
                elif row.match_id is not None:
                    self.match_ids[position] = row.match_id
                    if self.fate[position] != KEPT:
                        continue
                    first = first_of.setdefault(row.match_id, position)
                    if first != position:
                        self.fate[position] = SAME_CUSTOMER
                        self.same.setdefault(first, []).append(position)
                        self.stash[position] = (row.number, json.dumps(row.cells))
            done += len(chunk)
            progress("match", done, self.total)
        progress("match", self.total, self.total)

    def decide(self, progress: Progress, apply: Callable[[Chunk], None] | None) -> Plan:
        """Third read: every row's outcome, a chunk at a time, each chunk handed to `apply`;
        the counts and the error file."""
        plan = Plan(header=self.table.header, mapping=self.mapping)
        counts = dict.fromkeys(("created", "updated", "unchanged", "duplicates", "rejected"), 0)
        warnings = 0
        errors = _ErrorWriter(plan)
        phase = "plan" if apply is None else "write"
        done = 0
        for chunk in self._chunks():
            piece = self._decide_chunk(chunk)
            counts["duplicates"] += len(chunk) - len(piece.rows)
            if apply is not None:
                apply(piece)
            for row in piece.rows:
                counts[row.outcome] += 1
            errors.write([row for row in piece.rows if row.outcome == "rejected"])
            warned = piece.warned_rows
            warnings += sum(len(row.warnings) for row in warned)
            errors.warn(warned)
            _count_unknown(plan.unknown, piece)
            done += len(chunk)
            progress(phase, done, self.total)
        plan.counts = {"rows": self.total, **counts}
        assert sum(counts.values()) == self.total, plan.counts
        plan.counts["warnings"] = warnings
        errors.finish()
        progress(phase, self.total, self.total)
        return plan

    def _decide_chunk(self, chunk: list[tuple[int, int, list[str]]]) -> Chunk:
        rows, unique, invalid = [], [], []
        for position, number, cells in chunk:
            fate = self.fate[position]
            if fate in (DUPLICATE, SAME_CUSTOMER):
                continue
            row = self._row(position, number, cells, same=fate == KEPT)
            rows.append(row)
            if fate == EMPTY:
                row.errors.append(("", _("The row has no brand name, phone, e-mail or store URL.")))
            if fate in (EMPTY, REJECTED, INVALID):
                row.outcome = "rejected"
            if fate in (KEPT, INVALID):
                if position in self.ambiguous:
                    _reject_ambiguous(row, self.ambiguous[position])
                else:
                    row.match_id = self.match_ids[position] or None
                if fate == INVALID:
                    invalid.append(row)
                elif not row.outcome:
                    unique.append(row)
        piece = Chunk(mapping=self.mapping, rows=rows)
        matched = {row.match_id for row in [*unique, *invalid] if row.match_id is not None}
        _load_matched(piece, list(matched), self.ctx)
        for row in unique:
            _fall_back_category(piece, row, self.ctx)
            _decide(piece, row)
        for row in invalid:
            row.errors.extend(("", reason) for reason in _problems(piece, row))
        piece.kept = [row for row in unique if row.outcome in ("created", "updated", "unchanged")]
        return piece


def _count_unknown(counts: dict[tuple[str, str], int], piece: Chunk) -> None:
    """Add the values outside a managed list of the rows of `piece` (rejected ones and
    absorbed duplicates included) to `counts`."""
    for row in [*piece.rows, *(member for kept in piece.rows for member in kept.absorbed)]:
        for column, value, _reason in row.warnings:
            counts[(column, value)] = counts.get((column, value), 0) + 1


def unknown_values(plan: Plan) -> list[dict]:
    """Each distinct value outside a managed list in the file, with its column, the field it
    was read as and the number of rows that have it, in the order of the columns."""
    counts = plan.unknown
    order = {header: index for index, header in enumerate(plan.header)}
    return [
        {"column": column, "field": plan.mapping.get(column, ""), "value": value, "rows": count}
        for (column, value), count in sorted(
            counts.items(), key=lambda item: (order.get(item[0][0], 0), -item[1], item[0][1])
        )
    ]


def _fall_back_category(plan: Chunk, row: Row, ctx: Context) -> None:
    """A new customer whose category is outside the list gets the fallback category (every
    customer has one); the warning says so."""
    if row.match_id is not None or "category" in row.customer or ctx.categories.fallback is None:
        return
    for index, (column, value, reason) in enumerate(row.warnings):
        if plan.mapping.get(column) == "category":
            row.customer["category"] = ctx.categories.fallback
            row.warnings[index] = (
                column,
                value,
                _("%(reason)s The new customer is filed under %(category)s.")
                % {"reason": reason, "category": ctx.categories.fallback.display_name},
            )
            return


def _match_existing(rows: list[Row]) -> None:
    """Set `match_id` from existing records, by chunks of keys; reject ambiguous rows."""
    wanted: dict[str, set[str]] = {"code": set(), "phone": set(), "email": set(), "domain": set()}
    names: set[str] = set()
    for row in rows:
        keys = row.keys()
        for kind, value in keys:
            wanted[kind].add(value)
        if not keys:
            names.add(row.customer["name"])
    found: dict[tuple[str, str], set[int]] = {}

    def add(kind, value, customer_id):
        found.setdefault((kind, value), set()).add(customer_id)

    for chunk in chunks(sorted(wanted["code"])):
        valid = [code for code in chunk if is_uuid(code)]
        for code, pk in Customer.objects.filter(code__in=valid).values_list("code", "pk"):
            add("code", str(code), pk)
    # A table with fewer rows than a few times the keys looked for (a first import, an import
    # as big as the database) is read once and filtered here: cheaper than hundreds of IN (...)
    # look-ups that mostly find nothing.
    phones, emails, domains = wanted["phone"], wanted["email"], wanted["domain"]
    if phones or emails:
        if Contact.objects.count() <= SCAN_FACTOR * (len(phones) + len(emails)):
            scan = Contact.objects.values_list("phone", "whatsapp", "email", "customer_id")
            for phone, whatsapp, email, customer_id in scan.iterator(chunk_size=5000):
                if phone in phones:
                    add("phone", phone, customer_id)
                if whatsapp in phones:
                    add("phone", whatsapp, customer_id)
                if email in emails:
                    add("email", email, customer_id)
        else:
            _look_up(Contact, "phone", phones, "phone", add)
            _look_up(Contact, "whatsapp", phones, "phone", add)
            _look_up(Contact, "email", emails, "email", add)
    if domains:
        if Store.objects.count() <= SCAN_FACTOR * len(domains):
            stores = Store.objects.values_list("domain", "customer_id").iterator(chunk_size=5000)
            for domain, customer_id in stores:
                if domain in domains:
                    add("domain", domain, customer_id)
        else:
            _look_up(Store, "domain", domains, "domain", add)
    for chunk in chunks(sorted(names)):
        for name, pk in Customer.objects.filter(name__in=chunk).values_list("name", "pk"):
            add("name", name, pk)

    for row in rows:
        keys = row.keys() or [("name", row.customer["name"])]
        matches = set()
        for key in keys:
            matches |= found.get(key, set())
        if len(matches) > 1:
            _reject_ambiguous(row, len(matches))
        elif matches:
            row.match_id = matches.pop()


def _reject_ambiguous(row: Row, count: int) -> None:
    """Reject `row`, whose keys belong to `count` different existing customers."""
    row.ambiguous = count
    row.errors.append(
        (
            "",
            _(
                "The phone, e-mail or store URL of this row belong to %(count)s different "
                "customers; merge them first or correct the row."
            )
            % {"count": count},
        )
    )
    row.outcome = "rejected"


def is_uuid(text: str) -> bool:
    """Whether `text` is a customer code (a UUID)."""
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _locked(rows: QuerySet) -> QuerySet:
    """`rows` locked until the import commits, when it runs inside its transaction.

    An edit saved between the import reading a customer and writing it back would otherwise be
    overwritten by the values read before it; locked, the edit either commits first (and is
    read) or waits and then finds the version moved on (a refused, audited stale edit). NO KEY
    UPDATE leaves the rows free for the foreign-key checks of history written meanwhile.
    """
    if not connection.in_atomic_block:
        return rows
    return rows.select_for_update(no_key=True, of=("self",))


def _load_matched(plan: Chunk, ids: list[int], ctx: Context) -> None:
    editable: set[int] | None = None
    if ctx.actor is not None:
        editable = set()
    for chunk in chunks(sorted(ids)):
        customers = _locked(
            Customer.objects.filter(pk__in=chunk).select_related("category", "owner", "team")
        )
        for customer in customers:
            plan.customers[customer.pk] = customer
        contacts = _locked(Contact.objects.filter(customer_id__in=chunk))
        for contact in contacts.order_by("-is_primary", "id"):
            plan.contacts.setdefault(contact.customer_id, []).append(contact)
        # With its plan: the history names the plan of a subscription it changes.
        subscriptions = Subscription.objects.filter(customer_id__in=chunk).select_related("plan")
        for subscription in _locked(subscriptions):
            plan.subscriptions[subscription.customer_id] = subscription
        if editable is not None:
            editable.update(
                Customer.objects.editable_by(ctx.actor)
                .filter(pk__in=chunk)
                .values_list("pk", flat=True)
            )
    plan.editable = editable


def _problems(plan: Chunk, row: Row) -> list[str]:
    """Why a row that survived collapsing and matching cannot create or update its customer
    (all the reasons, in the user's language; empty when it can)."""
    if row.match_id is None:
        problems = []
        # A cell refused already has its reason; "needs a brand name" would repeat it.
        refused = {plan.mapping.get(column) for column, _reason in row.errors}
        refused |= {plan.mapping.get(column) for column, _value, _reason in row.warnings}
        if not row.customer.get("name") and "name" not in refused:
            problems.append(_("A new customer needs a brand name."))
        if not row.customer.get("category") and "category" not in refused:
            problems.append(_("A new customer needs a category."))
        return problems
    customer = plan.customers[row.matched_id]
    if customer.deleted_at is not None:
        return [
            _("This row matches the deleted customer %(name)s; restore it first.")
            % {"name": customer.name}
        ]
    if plan.editable is not None and customer.pk not in plan.editable:
        return [_("This row matches a customer you may not change.")]
    return []


def _decide(plan: Chunk, row: Row) -> None:
    """created / updated / unchanged for a row that survived collapsing and matching, or
    rejected with every reason it cannot be applied."""
    problems = _problems(plan, row)
    if problems:
        row.errors.extend(("", reason) for reason in problems)
        row.outcome = "rejected"
    elif row.match_id is None:
        row.outcome = "created"
    else:
        row.outcome = "updated" if _changes(plan, row) else "unchanged"


def contact_for(plan: Chunk, row: Row) -> Contact | None:
    """The contact of the matched customer that `row` updates: the one with its phone,
    WhatsApp or e-mail, else the primary (first) one; None when the customer has none."""
    contacts = plan.contacts.get(row.matched_id, [])
    for contact in contacts:
        for name in ("phone", "whatsapp"):
            value = row.contact.get(name)
            if value and value in (contact.phone, contact.whatsapp):
                return contact
        if row.contact.get("email") and row.contact["email"] == contact.email:
            return contact
    return contacts[0] if contacts else None


def _changes(plan: Chunk, row: Row) -> bool:
    """Whether applying `row` to its matched customer changes anything (filled cells only:
    an empty cell never blanks a stored value)."""
    customer = plan.customers[row.matched_id]
    for name, value in row.customer.items():
        if getattr(customer, name) != value:
            return True
    if row.extra and any((customer.extra or {}).get(k) != v for k, v in row.extra.items()):
        return True
    contact = contact_for(plan, row)
    if row.contact:
        if contact is None:
            return True
        if any(getattr(contact, name) != value for name, value in row.contact.items()):
            return True
    if row.store and row.store[1] not in existing_domains(plan):
        return True
    subscription = plan.subscriptions.get(row.matched_id)
    if row.subscription:
        if subscription is None:
            return bool(row.subscription.get("plan"))
        if _differs(subscription, row.subscription):
            return True
    return False


def _differs(record, data: dict) -> bool:
    """Whether `data` ({field: value}) would change `record`; a relation is compared by the key
    it stores, without loading the related row."""
    for name, value in data.items():
        field = record._meta.get_field(name)
        if field.is_relation:
            stored = getattr(value, field.target_field.attname) if value is not None else None
            if getattr(record, field.attname) != stored:
                return True
        elif getattr(record, name) != value:
            return True
    return False


def existing_domains(plan: Chunk) -> set[str]:
    """The store domains of matched rows that are stored already (looked up once per chunk)."""
    if plan.domains is None:
        domains = {row.store[1] for row in plan.rows if row.store and row.match_id}
        existing: set[str] = set()
        for chunk in chunks(sorted(domains)):
            existing.update(Store.objects.filter(domain__in=chunk).values_list("domain", flat=True))
        plan.domains = existing
    return plan.domains


# --- the error file --------------------------------------------------------------------------


class _ErrorWriter:
    """Writes the error file of a plan as its rows are rejected: a CSV (UTF-8 with BOM, for
    Excel) of their original cells, then the row number, the columns at fault and every reason,
    in the user's language. One line per rejected row, so the file has as many rows as the
    import rejected; then one line per value outside a managed list that an imported row left
    empty (its row, its column, and a reason starting with WARNING), kept in a second spooled
    file until `finish` appends them."""

    def __init__(self, plan: Plan):
        self.plan = plan
        self.width = len(plan.header)
        self.order = {header: index for index, header in enumerate(plan.header)}
        self.warnings = _spool()
        self._write([[*plan.header, _("Row"), _("Column"), _("Reason")]], prefix="\ufeff")

    def _write(self, records: list[list], prefix: str = "", *, to: IO[bytes] | None = None) -> None:
        buffer = io.StringIO()
        buffer.write(prefix)
        csv.writer(buffer).writerows(records)
        (self.plan.errors if to is None else to).write(buffer.getvalue().encode("utf-8"))

    def write(self, rows: list[Row]) -> None:
        shown = self.plan.rejected_rows
        shown += rows[: SHOWN_REJECTED - len(shown)]
        width = self.width
        records = []
        for row in rows:
            # Neutralised like an export, so that opening the file runs no formula; re-importing
            # the corrected file strips the `'` again.
            cells = [neutralise(cell) for cell in (row.cells + [""] * width)[:width]]
            # A rejected row's values outside a list are among its reasons, in the order of the
            # columns: the user corrects everything at once.
            problems = [(column, reason) for column, reason in row.errors if column]
            problems += [(column, reason) for column, _value, reason in row.warnings]
            problems.sort(key=lambda problem: self.order.get(problem[0], width))
            problems += [(column, reason) for column, reason in row.errors if not column]
            columns = list(dict.fromkeys(column for column, _reason in problems if column))
            # A reason's closing full stop is dropped: "; " separates them.
            reasons = [
                f"{column}: {reason.rstrip('.')}" if column else reason.rstrip(".")
                for column, reason in problems
            ]
            records.append([*cells, row.number, "; ".join(columns), "; ".join(reasons)])
        if records:
            self._write(records)

    def warn(self, rows: list[Row]) -> None:
        """Keep the warning lines of `rows` (imported rows) for the end of the file."""
        width = self.width
        records = []
        for row in rows:
            cells = [neutralise(cell) for cell in (row.cells + [""] * width)[:width]]
            for column, _value, reason in row.warnings:
                warning = _("WARNING: %(column)s: %(reason)s") % {
                    "column": column,
                    "reason": reason.rstrip("."),
                }
                records.append([*cells, row.number, column, neutralise(warning)])
        if records:
            self._write(records, to=self.warnings)

    def finish(self) -> None:
        """Append the warning lines after the rejected rows."""
        self.warnings.seek(0)
        shutil.copyfileobj(self.warnings, self.plan.errors)
        self.warnings.close()


def error_file(plan: Plan) -> bytes:
    """The error file of `plan` (see `_ErrorWriter`), as bytes."""
    plan.errors.seek(0)
    content = plan.errors.read()
    plan.errors.seek(0, io.SEEK_END)
    return content
