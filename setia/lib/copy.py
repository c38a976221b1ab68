"""Bulk INSERT by PostgreSQL's COPY, for new rows whose ids nobody reads back.

`bulk_create` sends its rows as INSERT statements whose values psycopg formats into SQL text in
Python; COPY streams them to the server in psycopg's C dumpers, and a big import writes hundreds
of thousands of rows. The values are prepared by the model's own fields, as `bulk_create` does
(`pre_save` for `auto_now` dates, `get_db_prep_save` for adaptation); model defaults were filled
when the instances were made. PostgreSQL only; `bulk_create` is the portable path.
"""

from django.db import connection


def copy_rows(model, objects: list) -> None:
    """INSERT the unsaved `objects` of `model` with COPY. Their ids are not set (COPY returns
    nothing): use `bulk_create` for rows whose ids are needed."""
    if connection.vendor != "postgresql":
        raise NotImplementedError("COPY is PostgreSQL's")
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for obj in objects:
            copy.write_row(
                [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]
            )
