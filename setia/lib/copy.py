"""Bulk INSERT by PostgreSQL's COPY (or one prepared statement run for every row on other
databases), for new rows whose ids nobody reads back.

`bulk_create` sends its rows as INSERT statements whose values psycopg formats into SQL text in
Python; COPY streams them to the server in psycopg's C dumpers, and a big import writes hundreds
of thousands of rows. The values are prepared by the model's own fields, as `bulk_create` does
(`pre_save` for `auto_now` dates, `get_db_prep_save` for adaptation); model defaults were filled
when the instances were made. `copy_rows` is PostgreSQL's only; `insert_rows` takes COPY there
and `executemany` elsewhere (a statement compiled once, where `bulk_create` builds the SQL text
of every batch value by value).
"""

from datetime import date
from uuid import UUID

from django.db import DEFAULT_DB_ALIAS, connection, connections, models


def reserve_ids(model, count: int) -> list[int]:
    """`count` unused ids of `model`'s table, for rows written by `insert_rows(with_ids=True)`
    whose ids other rows refer to (a timeline event names its source by id).

    On PostgreSQL the table's sequence hands them out, so no other writer gets them. On SQLite
    they follow the largest id ever given (the table's AUTOINCREMENT counter, or its rows'):
    call it inside a transaction that has already written, which holds SQLite's only write
    lock until the rows are in.
    """
    if count <= 0:
        return []
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        quote = connection.ops.quote_name
        cursor.execute(
            f"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
            f"coalesce(max({quote(column)}), 0)) FROM {quote(table)}",
            [table],
        )
        last = cursor.fetchone()[0]
    return list(range(last + 1, last + 1 + count))


def _fields(model, with_ids: bool) -> list:
    return [field for field in model._meta.concrete_fields if with_ids or not field.primary_key]


def copy_rows(model, objects: list, *, with_ids: bool = False) -> None:
    """INSERT the unsaved `objects` of `model` with COPY. Their ids are not set (COPY returns
    nothing): use `bulk_create` for rows whose ids are needed, or give them ids from
    `reserve_ids` and pass `with_ids=True`."""
    if connection.vendor != "postgresql":
        raise NotImplementedError("COPY is PostgreSQL's")
    fields = _fields(model, with_ids)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    prepare = _Preparer(fields)
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for obj in objects:
            copy.write_row(prepare(obj))


def insert_rows(model, objects: list, *, with_ids: bool = False) -> None:
    """INSERT the unsaved `objects` of `model`: COPY on PostgreSQL, one statement run for every
    row elsewhere. Their ids are not set, as with `copy_rows`, unless they carry ids from
    `reserve_ids` (`with_ids=True`)."""
    if not objects:
        return
    if connection.vendor == "postgresql":
        copy_rows(model, objects, with_ids=with_ids)
        return
    fields = _fields(model, with_ids)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"
    prepare = _Preparer(fields)
    with connection.cursor() as cursor:
        cursor.executemany(sql, [prepare(obj) for obj in objects])


# Fields whose preparation leaves a value of the given types unchanged and whose `pre_save`
# only reads the attribute (exact classes: a subclass may prepare differently).
_TEXT: frozenset[type] = frozenset({str, type(None)})
_NUMBER: frozenset[type] = frozenset({int, type(None)})
_AS_IS: dict[type, frozenset[type]] = {
    models.CharField: _TEXT,
    models.TextField: _TEXT,
    models.EmailField: _TEXT,
    models.SlugField: _TEXT,
    models.IntegerField: _NUMBER,
    models.BigIntegerField: _NUMBER,
    models.SmallIntegerField: _NUMBER,
    models.PositiveIntegerField: _NUMBER,
    models.PositiveSmallIntegerField: _NUMBER,
    models.AutoField: _NUMBER,
    models.BigAutoField: _NUMBER,
    models.BooleanField: frozenset[type]({bool, type(None)}),
}
_NONE: frozenset[type] = frozenset()


def _as_is(field) -> frozenset[type]:
    """The types of value `field` sends to the database unchanged (none for other fields)."""
    if type(field) is models.ForeignKey:
        return _AS_IS.get(type(field.target_field), _NONE)
    return _AS_IS.get(type(field), _NONE)


class _Preparer:
    """An object's values as the database takes them, prepared by its fields. A date or time
    repeated over the rows (`auto_now`, a shared day) is adapted once: adapting a datetime is
    the dearest step, and a batch's timestamps are all the same."""

    def __init__(self, fields):
        self.fields = [(field, field.attname, _as_is(field)) for field in fields]
        self.connection = connections[DEFAULT_DB_ALIAS]  # not the proxy, looked up per value
        self.adapted: dict[tuple, object] = {}
        self.native_uuid = self.connection.features.has_native_uuid_field

    def __call__(self, obj) -> list:
        values = []
        for field, attname, as_is in self.fields:
            if as_is:
                # A text, number or key field's plain value goes to the database as it is:
                # the fields' preparation was half the time of a big insert.
                value = getattr(obj, attname)
                if type(value) in as_is:
                    values.append(value)
                    continue
            value = field.pre_save(obj, True)
            if type(value) is UUID and type(field) is models.UUIDField:
                # What UUIDField prepares, without its checks: a code is unique to every row.
                values.append(value if self.native_uuid else value.hex)
                continue
            if isinstance(value, date):  # datetimes too
                key = (field.attname, value)
                if key not in self.adapted:
                    self.adapted[key] = field.get_db_prep_save(value, self.connection)
                values.append(self.adapted[key])
            else:
                values.append(field.get_db_prep_save(value, self.connection))
        return values
