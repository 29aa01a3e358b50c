"""Set-based writes of the evaluation, in SQL shared by PostgreSQL and SQLite.

The ORM can express them (CASE WHEN per row and field, OR-ed filters), but building those
expressions costs milliseconds per workout in Python, far more than the database work.
"""

from django.db import connection

# PostgreSQL types VALUES columns from their parameters; an all-NULL column would be text.
PG_CASTS = {
    "UUIDField": "uuid",
    "DateField": "date",
    "DateTimeField": "timestamptz",
    "PositiveSmallIntegerField": "smallint",
    "BigAutoField": "bigint",
    "BigIntegerField": "bigint",
    "ForeignKey": "bigint",
    "JSONField": "jsonb",
    "BooleanField": "boolean",
}


def _placeholder(field):
    if connection.vendor == "postgresql":
        internal = "ForeignKey" if field.is_relation else field.get_internal_type()
        return f"CAST(%s AS {PG_CASTS[internal]})"
    return "%s"


def _values_cte(model, field_names, rows):
    """WITH v(c0, c1, ...) AS (VALUES ...): rows are tuples in field_names order."""
    fields = [model._meta.get_field(name) for name in field_names]
    row_sql = "(" + ", ".join(_placeholder(f) for f in fields) + ")"
    params = []
    for row in rows:
        params.extend(f.get_db_prep_save(value, connection) for f, value in zip(fields, row, strict=True))
    columns = ", ".join(f"c{i}" for i in range(len(fields)))
    return f"WITH v ({columns}) AS (VALUES {', '.join([row_sql] * len(rows))})", params


def update_where_unchanged(model, guard_field, value_fields, rows):
    """UPDATE each row's value_fields where guard_field still holds the value read.

    rows: tuples (pk, guard value as read, *values). Returns the number of rows updated.
    """
    if not rows:
        return 0
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    pk = qn(model._meta.pk.column)
    guard = qn(model._meta.get_field(guard_field).column)
    cte, params = _values_cte(model, (model._meta.pk.name, guard_field, *value_fields), rows)
    assignments = ", ".join(
        f"{qn(model._meta.get_field(name).column)} = v.c{i}" for i, name in enumerate(value_fields, start=2)
    )
    # UPDATE ... FROM: PostgreSQL, and SQLite since 3.33.
    sql = (
        f"{cte} UPDATE {table} SET {assignments} FROM v "
        f"WHERE {table}.{pk} = v.c0 AND ({table}.{guard} = v.c1 OR ({table}.{guard} IS NULL AND v.c1 IS NULL))"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def insert_ignoring_conflicts(model, field_names, rows, conflict, chunk=1000):
    """INSERT ... ON CONFLICT (conflict) DO NOTHING RETURNING pk: the pks of rows really
    inserted, so a caller knows what is new without reading first."""
    fields = [model._meta.get_field(name) for name in field_names]
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    keys = ", ".join(qn(model._meta.get_field(name).column) for name in conflict)
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    new_pks = []
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        params = [f.get_db_prep_save(value, connection) for row in part for f, value in zip(fields, row, strict=True)]
        sql = (
            f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES {', '.join([row_sql] * len(part))} "
            f"ON CONFLICT ({keys}) DO NOTHING RETURNING {qn(model._meta.pk.column)}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            new_pks.extend(pk for (pk,) in cursor.fetchall())
    return new_pks
