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

from django.db import DEFAULT_DB_ALIAS, connection, connections


def copy_rows(model, objects: list) -> None:
    """INSERT the unsaved `objects` of `model` with COPY. Their ids are not set (COPY returns
    nothing): use `bulk_create` for rows whose ids are needed."""
    if connection.vendor != "postgresql":
        raise NotImplementedError("COPY is PostgreSQL's")
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    prepare = _Preparer(fields)
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for obj in objects:
            copy.write_row(prepare(obj))


def insert_rows(model, objects: list) -> None:
    """INSERT the unsaved `objects` of `model`: COPY on PostgreSQL, one statement run for every
    row elsewhere. Their ids are not set, as with `copy_rows`."""
    if not objects:
        return
    if connection.vendor == "postgresql":
        copy_rows(model, objects)
        return
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"
    prepare = _Preparer(fields)
    with connection.cursor() as cursor:
        cursor.executemany(sql, [prepare(obj) for obj in objects])


class _Preparer:
    """An object's values as the database takes them, prepared by its fields. A date or time
    repeated over the rows (`auto_now`, a shared day) is adapted once: adapting a datetime is
    the dearest step, and a batch's timestamps are all the same."""

    def __init__(self, fields):
        self.fields = fields
        self.connection = connections[DEFAULT_DB_ALIAS]  # not the proxy, looked up per value
        self.adapted: dict[tuple, object] = {}

    def __call__(self, obj) -> list:
        values = []
        for field in self.fields:
            value = field.pre_save(obj, True)
            if isinstance(value, date):  # datetimes too
                key = (field.attname, value)
                if key not in self.adapted:
                    self.adapted[key] = field.get_db_prep_save(value, self.connection)
                values.append(self.adapted[key])
            else:
                values.append(field.get_db_prep_save(value, self.connection))
        return values
