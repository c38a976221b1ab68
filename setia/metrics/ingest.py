"""Load daily store metrics from CSV: validation, rejects and idempotence in bulk.

Contract of `ingest_file`:
- The file has a header row naming (in any order, any case) the columns `store` (the store's
  domain or code), `date` (YYYY-MM-DD), `gmv` (whole rupiah), `orders`, `visitors`,
  `uptime_pct` (0-100, two decimals kept) and `errors`. Other columns are reported and ignored.
- A row is rejected, with a reason, when its store is unknown, a value is missing, not a number,
  negative or out of range, its date is not a real YYYY-MM-DD date or lies in the future, or its
  (store, day) already appeared on an earlier valid row of the same file (the first one wins).
- Valid rows are upserted by (store, day): new days are inserted, changed days updated and
  unchanged days left alone, so re-ingesting a file changes nothing and a corrected file
  rewrites only the days that differ. Everything happens in one transaction: a failure leaves
  no partial batch.

PostgreSQL (the schema and the path decide ingest speed): the file's bytes are
streamed into a temporary table by COPY, validated and resolved to store ids by one SQL
statement, then written by one UPDATE of the changed days and one INSERT of the new ones. COPY
first tries typed columns; when the file holds something that is not a number at all, the
load is redone through Python's csv module into text columns and every value is checked in
SQL, so a bad file costs more time but never a wrong row. SQLite: Python validates each row and
upserts in batches with executemany, in one transaction.
"""

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

import psycopg
from django.db import DataError, IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from setia.customers.models import Store

COLUMNS = ["store", "date", "gmv", "orders", "visitors", "uptime_pct", "errors"]
TABLE = "metrics_storedailymetric"
SQLITE_BATCH = 10_000  # rows per executemany: large enough to amortise the call, small in memory
COPY_CHUNK = 1 << 20  # bytes per COPY write
INT_MAX = 2**31 - 1
FIRST_DAY, LAST_DAY = "2000-01-01", "2099-12-31"  # dates outside are taken for typing errors
BIGINT_MAX = 2**63 - 1
# Advisory lock key ("METR") so that two ingests never interleave their UPDATE and INSERT.
LOCK_KEY = 0x4D455452


class IngestError(Exception):
    """The file cannot be ingested at all (no header, missing columns); nothing was written."""


def reason_text(code: str) -> str:
    """The human reason written to the error file for a reject code."""
    return {
        "malformed": _("the row does not have the same number of fields as the header"),
        "unknown_store": _("no store has this domain or code"),
        "missing_value": _("a required value is empty"),
        "bad_date": _("the date is not a real date written as YYYY-MM-DD"),
        "future_date": _("the date is in the future"),
        "bad_number": _("gmv, orders, visitors and errors must be whole numbers"),
        "negative_value": _("gmv, orders, visitors and errors cannot be negative"),
        "negative_gmv": _("GMV cannot be negative"),
        "bad_uptime": _("uptime_pct must be a number from 0 to 100"),
        "duplicate_day": _("this store and day already appear on an earlier row of the file"),
    }[code]


@dataclass
class IngestResult:
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    rejected: int = 0
    unknown_columns: list[str] = field(default_factory=list)
    errors_path: Path | None = None
    # (row number, reason code, original values) of each rejected row, in file order
    rejects: list[tuple[int, str, list[str]]] = field(default_factory=list, repr=False)

    def summary(self) -> str:
        return (
            f"rows={self.rows} inserted={self.inserted} updated={self.updated} "
            f"rejected={self.rejected}"
        )


def ingest_file(
    path: Path,
    *,
    today: date,
    errors_path: Path | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    force_checked: bool = False,
) -> IngestResult:
    """Ingest one CSV file (see the module docstring); return the counts.

    `errors_path` (default: `<path>.rejected.csv`) receives the rejected rows with their row
    number (1 = the first row after the header) and reason, only when there are any.
    `on_progress(done, total)` is called with bytes read. `force_checked` takes the slower,
    fully checked PostgreSQL path even for a clean file (tests use it to compare both paths).
    """
    path = Path(path)
    total = path.stat().st_size
    progress = on_progress or (lambda done, total: None)
    with path.open("rb") as file:
        header_line = file.readline()
        header = _parse_header(header_line)
        if connection.vendor == "postgresql":
            result = _ingest_postgresql(
                file, header, today=today, total=total, progress=progress, checked=force_checked
            )
        else:
            result = _ingest_sqlite(file, header, today=today, total=total, progress=progress)
    result.unknown_columns = [name for name in header if name not in COLUMNS]
    if result.rejects:
        result.errors_path = Path(errors_path or f"{path}.rejected.csv")
        _write_rejects(result.errors_path, header, result.rejects)
    return result


def check_header(path: Path) -> list[str]:
    """The header of the CSV file `path`, checked as `ingest_file` checks it: raises
    IngestError (or UnicodeDecodeError) when the file cannot be ingested at all."""
    with Path(path).open("rb") as file:
        return _parse_header(file.readline())


def _parse_header(line: bytes) -> list[str]:
    text = line.decode("utf-8-sig").strip()
    if not text:
        raise IngestError(_("The file is empty: a header row is required."))
    names = [name.strip().lower() for name in next(csv.reader([text]))]
    missing = [name for name in COLUMNS if name not in names]
    if missing:
        raise IngestError(_("Missing columns: %(names)s.") % {"names": ", ".join(missing)})
    duplicated = sorted({name for name in names if names.count(name) > 1})
    if duplicated:
        raise IngestError(
            _("Columns named more than once: %(names)s.") % {"names": ", ".join(duplicated)}
        )
    return names


def _write_rejects(path: Path, header: list[str], rejects) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["row", "reason", *header])
        for row_number, code, values in rejects:
            writer.writerow([row_number, reason_text(code), *values])


# --- PostgreSQL ---------------------------------------------------------------------------------

_TYPED = {
    "store": "text",
    "date": "text",  # checked against metrics_days (see _resolve)
    "gmv": "bigint",
    "orders": "integer",
    "visitors": "integer",
    "uptime_pct": "numeric(5, 2)",  # rounds to two decimals; 1000 or more fails the COPY
    "errors": "integer",
}


def _ingest_postgresql(file, header, *, today, total, progress, checked) -> IngestResult:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        _create_store_keys(cursor)
        start = file.tell()
        if not checked:
            try:
                with transaction.atomic():
                    rows = _copy_typed(cursor, file, header, total=total, progress=progress)
                    _resolve(cursor, header, today=today, checked=False)
            except (psycopg.DataError, DataError):
                checked = True
        if checked:
            file.seek(start)
            rows, malformed = _copy_checked(cursor, file, header, total=total, progress=progress)
            _resolve(cursor, header, today=today, checked=True)
        else:
            malformed = []
        result = IngestResult(rows=rows)
        # Into an empty table (the first backfill) every valid row is new: no lookups at all,
        # and a day repeated in the file shows as a key violation of the insert itself.
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {TABLE})")
        if cursor.fetchone()[0]:
            _reject_duplicates(cursor)
            result.updated, result.inserted = _update_then_insert(cursor)
        else:
            try:
                with transaction.atomic():
                    result.inserted = _insert(cursor, new_only=False)
            except IntegrityError:
                _reject_duplicates(cursor)
                result.inserted = _insert(cursor, new_only=False)
        rejects = _with_values(file, start, _fetch_rejects(cursor, checked=checked))
        result.rejects = sorted(malformed + rejects)
        result.rejected = len(result.rejects)
        cursor.execute(
            "DROP TABLE metrics_stage, metrics_resolved, metrics_store_keys, metrics_days"
        )
    return result


def _update_then_insert(cursor) -> tuple[int, int]:
    """Update the days whose values changed, then insert the new ones; return both counts.

    A plain INSERT after an anti-join costs half of INSERT ... ON CONFLICT, whose speculative
    insertion doubles the index work (measured with bench/). The advisory lock taken by the
    caller keeps a concurrent ingest from inserting the same key meanwhile.
    """
    # Statistics let the planner join by hash or merge rather than probe row by row.
    cursor.execute("ANALYZE metrics_resolved")
    cursor.execute(
        f"""
        UPDATE {TABLE} AS t
        SET gmv = r.gmv, orders = r.orders, visitors = r.visitors,
            uptime_pct = r.uptime_pct, errors = r.errors
        FROM metrics_resolved AS r
        WHERE r.reason IS NULL AND t.store_id = r.store_id AND t.day = r.day
          AND (t.gmv, t.orders, t.visitors, t.uptime_pct, t.errors)
              <> (r.gmv, r.orders, r.visitors, r.uptime_pct, r.errors)
        """
    )
    updated = cursor.rowcount
    return updated, _insert(cursor, new_only=True)


def _insert(cursor, *, new_only: bool) -> int:
    condition = (
        f"AND NOT EXISTS (SELECT 1 FROM {TABLE} AS t "
        "WHERE t.store_id = r.store_id AND t.day = r.day)"
        if new_only
        else ""
    )
    cursor.execute(
        f"""
        INSERT INTO {TABLE} (store_id, day, gmv, orders, visitors, uptime_pct, errors)
        SELECT r.store_id, r.day, r.gmv, r.orders, r.visitors, r.uptime_pct, r.errors
        FROM metrics_resolved AS r
        WHERE r.reason IS NULL {condition}
        """
    )
    return cursor.rowcount


def _create_store_keys(cursor) -> None:
    cursor.execute(
        """
        CREATE TEMPORARY TABLE metrics_days ON COMMIT DROP AS
        SELECT to_char(day, 'YYYY-MM-DD') AS text, day::date AS day
        FROM generate_series(%s::date, %s::date, interval '1 day') AS day
        """,
        [FIRST_DAY, LAST_DAY],
    )
    cursor.execute("ANALYZE metrics_days")
    cursor.execute(
        """
        CREATE TEMPORARY TABLE metrics_store_keys ON COMMIT DROP AS
        SELECT lower(domain) AS key, id AS store_id FROM customers_store
        UNION ALL SELECT code::text, id FROM customers_store
        """
    )
    cursor.execute("CREATE INDEX ON metrics_store_keys (key)")
    cursor.execute("ANALYZE metrics_store_keys")


def _stage_columns(header, types) -> str:
    return ", ".join(
        f'"{name}" {types[name]}' if name in types else f"extra_{index} text"
        for index, name in enumerate(header)
    )


def _stage_names(header) -> str:
    return ", ".join(
        f'"{name}"' if name in COLUMNS else f"extra_{index}" for index, name in enumerate(header)
    )


def _copy_typed(cursor, file, header, *, total, progress) -> int:
    """Stream the file's bytes into typed columns; raises DataError on a value of a wrong type."""
    cursor.execute(
        f"CREATE TEMPORARY TABLE metrics_stage ({_stage_columns(header, _TYPED)}) ON COMMIT DROP"
    )
    with cursor.cursor.copy(
        f"COPY metrics_stage ({_stage_names(header)}) FROM STDIN (FORMAT csv)"
    ) as copy:
        done = file.tell()
        while chunk := file.read(COPY_CHUNK):
            copy.write(chunk)
            done += len(chunk)
            progress(done, total)
    return cursor.cursor.rowcount


def _copy_checked(cursor, file, header, *, total, progress):
    """Parse with Python's csv module into text columns (a row number each); a row with the
    wrong number of fields is rejected here, every value is checked later in SQL."""
    types = dict.fromkeys(COLUMNS, "text")
    cursor.execute(
        f"CREATE TEMPORARY TABLE metrics_stage (row_number bigint, "
        f"{_stage_columns(header, types)}) ON COMMIT DROP"
    )
    malformed = []
    rows = 0
    text = io.TextIOWrapper(file, encoding="utf-8", errors="replace", newline="")
    with cursor.cursor.copy(
        f"COPY metrics_stage (row_number, {_stage_names(header)}) FROM STDIN"
    ) as copy:
        for rows, values in enumerate(csv.reader(text), start=1):
            if len(values) != len(header):
                malformed.append((rows, "malformed", values))
                continue
            # Empty fields become NULL as they do in the typed COPY; NUL bytes cannot be stored.
            copy.write_row([rows, *((value.replace("\0", "") or None) for value in values)])
            if rows % 10_000 == 0:
                progress(file.tell(), total)
    progress(total, total)
    text.detach()
    return rows, malformed


_WHOLE = r"^\s*[-+]?[0-9]{1,18}\s*$"
_DECIMAL = r"^\s*[-+]?([0-9]{1,20}\.?[0-9]{0,20}|\.[0-9]{1,20})([eE][-+]?[0-9]{1,2})?\s*$"


def _resolve(cursor, header, *, today, checked: bool) -> None:
    """One statement: store id, typed values and a reject reason (NULL when valid) per row.

    The result keeps only what the writes need; the error file reads the original values
    from the file again. Dates must be YYYY-MM-DD from FIRST_DAY to LAST_DAY: a plain cast
    would also accept other spellings (05/01/2026, read by DateStyle). Domains and codes are
    ASCII, hence lower() in the C collation. OFFSET 0 keeps PostgreSQL from flattening the
    subquery: flattened, every reference to `day` would repeat its expression for each row.
    """
    if checked:
        _resolve_checked(cursor, today=today)
        return
    # Typed COPY has proved the numbers (and rounded uptime_pct to two decimals). The date
    # is checked by shape, then cast: an impossible date such as 2026-02-30 makes the cast
    # fail, and the checked path takes over. Text comparisons are kept off the hot path: in a
    # C.UTF-8 database each costs a strcoll().
    cursor.execute(
        f"""
        CREATE TEMPORARY TABLE metrics_resolved ON COMMIT DROP AS
        SELECT v.stage_row, NULL::bigint AS row_number, v.store_id, v.day,
            CASE
                WHEN v.store_id IS NULL THEN
                    CASE WHEN coalesce(btrim(v.store), '') = '' THEN 'missing_value'
                    ELSE 'unknown_store' END
                WHEN v.gmv IS NULL OR v.orders IS NULL OR v.visitors IS NULL
                  OR v.uptime_pct IS NULL OR v.errors IS NULL THEN 'missing_value'
                WHEN v.day IS NULL THEN
                    CASE WHEN coalesce(btrim(v.date), '') = '' THEN 'missing_value'
                    ELSE 'bad_date' END
                WHEN v.day < '{FIRST_DAY}' OR v.day > '{LAST_DAY}' THEN 'bad_date'
                WHEN v.day > %(today)s THEN 'future_date'
                WHEN v.gmv < 0 THEN 'negative_gmv'
                WHEN v.orders < 0 OR v.visitors < 0 OR v.errors < 0 THEN 'negative_value'
                WHEN v.uptime_pct < 0 OR v.uptime_pct > 100 THEN 'bad_uptime'
            END AS reason,
            v.gmv, v.orders, v.visitors, v.uptime_pct, v.errors
        FROM (
            SELECT s.ctid AS stage_row, s.store, s.date,
                -- The exact spelling first; lower() and btrim() only for the rows it misses.
                coalesce(k.store_id, (
                    SELECT k2.store_id FROM metrics_store_keys AS k2
                    WHERE k2.key = lower(btrim(s.store) COLLATE "C")
                )) AS store_id,
                CASE WHEN s.date LIKE '____-__-__' THEN s.date::date
                     WHEN btrim(s.date) LIKE '____-__-__' THEN btrim(s.date)::date END AS day,
                s.gmv, s.orders, s.visitors, s.uptime_pct, s.errors
            FROM metrics_stage AS s
            LEFT JOIN metrics_store_keys AS k ON k.key = s.store
            OFFSET 0
        ) AS v
        """,
        {"today": today},
    )


def _resolve_checked(cursor, *, today) -> None:
    """As `_resolve`, from text columns: every cast is guarded so that no value can make the
    statement fail, and a date is valid when `metrics_days` has its exact spelling."""

    def whole(name):
        return f"CASE WHEN s.{name} ~ '{_WHOLE}' THEN s.{name}::numeric END"

    uptime = f"round(CASE WHEN s.uptime_pct ~ '{_DECIMAL}' THEN s.uptime_pct::numeric END, 2)"
    missing = " OR ".join(f"s.{name} IS NULL" for name in COLUMNS[2:])
    cursor.execute(
        f"""
        CREATE TEMPORARY TABLE metrics_resolved ON COMMIT DROP AS
        SELECT w.stage_row, w.row_number, w.store_id, w.day, w.reason,
            CASE WHEN w.reason IS NULL THEN w.gmv_n::bigint END AS gmv,
            CASE WHEN w.reason IS NULL THEN w.orders_n::integer END AS orders,
            CASE WHEN w.reason IS NULL THEN w.visitors_n::integer END AS visitors,
            CASE WHEN w.reason IS NULL THEN w.uptime_n::numeric(5, 2) END AS uptime_pct,
            CASE WHEN w.reason IS NULL THEN w.errors_n::integer END AS errors
        FROM (
            SELECT v.*, CASE
                WHEN v.store_id IS NULL AND NOT v.no_store THEN 'unknown_store'
                WHEN v.no_store OR v.no_date OR v.no_value THEN 'missing_value'
                WHEN v.day IS NULL THEN 'bad_date'
                WHEN v.day > %(today)s THEN 'future_date'
                WHEN v.gmv_n IS NULL OR v.orders_n IS NULL OR v.visitors_n IS NULL
                  OR v.errors_n IS NULL THEN 'bad_number'
                WHEN v.gmv_n < 0 THEN 'negative_gmv'
                WHEN v.orders_n < 0 OR v.visitors_n < 0 OR v.errors_n < 0 THEN 'negative_value'
                WHEN v.gmv_n > {BIGINT_MAX} OR v.orders_n > {INT_MAX}
                  OR v.visitors_n > {INT_MAX} OR v.errors_n > {INT_MAX} THEN 'bad_number'
                WHEN v.uptime_n IS NULL OR v.uptime_n < 0 OR v.uptime_n > 100 THEN 'bad_uptime'
            END AS reason
            FROM (
                SELECT s.ctid AS stage_row, s.row_number, k.store_id,
                    coalesce(btrim(s.store), '') = '' AS no_store,
                    coalesce(btrim(s.date), '') = '' AS no_date,
                    {missing} AS no_value,
                    d.day,
                    {whole("gmv")} AS gmv_n, {whole("orders")} AS orders_n,
                    {whole("visitors")} AS visitors_n, {whole("errors")} AS errors_n,
                    {uptime} AS uptime_n
                FROM metrics_stage AS s
                LEFT JOIN metrics_store_keys AS k
                    ON k.key = lower(btrim(s.store) COLLATE "C")
                LEFT JOIN metrics_days AS d ON d.text = btrim(s.date)
                OFFSET 0
            ) AS v
            OFFSET 0
        ) AS w
        """,
        {"today": today},
    )


def _reject_duplicates(cursor) -> None:
    """Keep the first valid row of each (store, day); later ones are rejected."""
    # Building the unique index is the cheap check (the rows are mostly in key order already);
    # only when it fails are the duplicates looked for.
    try:
        with transaction.atomic():
            cursor.execute(
                "CREATE UNIQUE INDEX metrics_resolved_key ON metrics_resolved (store_id, day) "
                "WHERE reason IS NULL"
            )
            return
    except IntegrityError:
        pass
    cursor.execute(
        """
        UPDATE metrics_resolved AS r SET reason = 'duplicate_day'
        FROM (
            SELECT stage_row, row_number() OVER (
                PARTITION BY store_id, day ORDER BY row_number, stage_row
            ) AS position
            FROM metrics_resolved
            WHERE reason IS NULL AND (store_id, day) IN (
                SELECT store_id, day FROM metrics_resolved WHERE reason IS NULL
                GROUP BY store_id, day HAVING count(*) > 1
            )
        ) AS d
        WHERE r.stage_row = d.stage_row AND d.position > 1
        """
    )
    cursor.execute(
        "CREATE UNIQUE INDEX metrics_resolved_key ON metrics_resolved (store_id, day) "
        "WHERE reason IS NULL"
    )


def _fetch_rejects(cursor, *, checked: bool) -> list[tuple[int, str]]:
    """(row number, reason code) of each rejected row, in file order."""
    cursor.execute("SELECT EXISTS (SELECT 1 FROM metrics_resolved WHERE reason IS NOT NULL)")
    if not cursor.fetchone()[0]:
        return []
    if checked:
        cursor.execute(
            "SELECT row_number, reason FROM metrics_resolved WHERE reason IS NOT NULL "
            "ORDER BY row_number"
        )
    else:
        # COPY appended the rows to the new temporary table in file order, so the physical
        # order numbers them; the numbering is paid only when there are rejects.
        cursor.execute(
            """
            SELECT n.position, r.reason
            FROM metrics_resolved AS r
            JOIN (SELECT ctid, row_number() OVER (ORDER BY ctid) AS position
                  FROM metrics_stage) AS n ON n.ctid = r.stage_row
            WHERE r.reason IS NOT NULL
            ORDER BY n.position
            """
        )
    return cursor.fetchall()


def _with_values(file, start: int, rejects: list[tuple[int, str]]):
    """Add each rejected row's values exactly as the file has them (read once more, up to the
    last rejected row only)."""
    if not rejects:
        return []
    wanted = dict(rejects)
    last = rejects[-1][0]
    file.seek(start)
    text = io.TextIOWrapper(file, encoding="utf-8", errors="replace", newline="")
    found = []
    for number, values in enumerate(csv.reader(text), start=1):
        if number in wanted:
            found.append((number, wanted[number], values))
        if number == last:
            break
    text.detach()
    return found


# --- SQLite -------------------------------------------------------------------------------------

_UPTIME_PLAIN = re.compile(r"^[0-9]{1,3}(\.[0-9]{1,2})?$")
_DATE_SHAPE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_UPSERT_SQLITE = f"""
    INSERT INTO {TABLE} (store_id, day, gmv, orders, visitors, uptime_pct, errors)
    VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (store_id, day) DO UPDATE SET
        gmv = excluded.gmv, orders = excluded.orders, visitors = excluded.visitors,
        uptime_pct = excluded.uptime_pct, errors = excluded.errors
    WHERE (gmv, orders, visitors, uptime_pct, errors) <> (excluded.gmv, excluded.orders,
        excluded.visitors, excluded.uptime_pct, excluded.errors)
"""


def _store_keys() -> dict[str, int]:
    keys = {}
    for store_id, domain, code in Store.objects.values_list("id", "domain", "code").iterator():
        keys[domain.lower()] = store_id
        keys[str(code)] = store_id
    return keys


def _whole(text: str) -> int | str:
    """The value as an int, or the reason code why it cannot be one."""
    text = text.strip().removeprefix("+")
    digits = text.removeprefix("-")
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 18):
        return "bad_number"
    return "negative_value" if text != digits else int(digits)


def _check_row(store, day, gmv, orders, visitors, uptime, errors, *, keys, today_text):
    """Return the row to write, or the reason code why it is rejected (same order as in SQL)."""
    store = store.strip()
    if store and (store_id := keys.get(store.lower())) is None:
        return "unknown_store"
    day = day.strip()
    if not (store and day and gmv and orders and visitors and uptime and errors):
        return "missing_value"
    if not _DATE_SHAPE.match(day):
        return "bad_date"
    try:
        date.fromisoformat(day)
    except ValueError:
        return "bad_date"
    if not FIRST_DAY <= day <= LAST_DAY:
        return "bad_date"
    if day > today_text:
        return "future_date"
    numbers = [_whole(gmv), _whole(orders), _whole(visitors), _whole(errors)]
    if "bad_number" in numbers:
        return "bad_number"
    if numbers[0] == "negative_value":
        return "negative_gmv"
    if "negative_value" in numbers:
        return "negative_value"
    if max(numbers[1:]) > INT_MAX:
        return "bad_number"
    uptime = uptime.strip()
    if not _UPTIME_PLAIN.match(uptime):
        try:
            value = Decimal(uptime).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        except (InvalidOperation, ValueError):
            return "bad_uptime"
        uptime = str(value)
    if not 0 <= float(uptime) <= 100:
        return "bad_uptime"
    return (store_id, day, numbers[0], numbers[1], numbers[2], uptime, numbers[3])


def _ingest_sqlite(file, header, *, today, total, progress) -> IngestResult:
    positions = [header.index(name) for name in COLUMNS]
    keys = _store_keys()
    today_text = today.isoformat()
    result = IngestResult()
    # (store, day) of the valid rows so far, packed into one int each to keep memory small.
    seen: set[int] = set()
    text = io.TextIOWrapper(file, encoding="utf-8", errors="replace", newline="")
    with transaction.atomic():
        raw = connection.connection.cursor()
        raw.execute(f"SELECT count(*) FROM {TABLE}")
        before = raw.fetchone()[0]
        changed = 0
        batch = []
        for number, values in enumerate(csv.reader(text), start=1):
            result.rows = number
            if len(values) != len(header):
                result.rejects.append((number, "malformed", values))
                continue
            checked = _check_row(*(values[i] for i in positions), keys=keys, today_text=today_text)
            if isinstance(checked, str):
                result.rejects.append((number, checked, values))
                continue
            day = checked[1]
            key = checked[0] * 100_000_000 + int(day[:4] + day[5:7] + day[8:])
            if key in seen:
                result.rejects.append((number, "duplicate_day", values))
                continue
            seen.add(key)
            batch.append(checked)
            if len(batch) == SQLITE_BATCH:
                raw.executemany(_UPSERT_SQLITE, batch)
                changed += raw.rowcount
                batch.clear()
                progress(file.tell(), total)
        if batch:
            raw.executemany(_UPSERT_SQLITE, batch)
            changed += raw.rowcount
        # An upsert counts one change per inserted or really updated row; only inserts add
        # rows, and the immediate transaction keeps other writers out meanwhile.
        raw.execute(f"SELECT count(*) FROM {TABLE}")
        result.inserted = raw.fetchone()[0] - before
        result.updated = changed - result.inserted
        raw.close()
    progress(total, total)
    text.detach()
    result.rejected = len(result.rejects)
    return result
