"""The project's raw SQL, in one place: three statements the ORM cannot say.

Each is written once for PostgreSQL and SQLite (3.35+: UPSERT, RETURNING, UPDATE ... FROM)
and tested on both (tests/test_sql.py; CI runs the suite on each database). Values go
through each field's own database preparation, as the ORM's would.

- `upsert_returning_pk`: the ORM's update_conflicts does not return an existing row's
  primary key when the instance already has one (a UUID minted in Python), and the log PUT
  must know which row it landed on.
- `insert_ignoring_conflicts`: bulk_create(ignore_conflicts=True) does not say which rows
  were really inserted; the red-flag job must know which alerts are new.
- `update_where_unchanged`: one statement writing a different value to each row, only where
  a guard column still holds the value read. bulk_update's CASE expressions cannot carry a
  per-row guard, and building them cost milliseconds per row (bench/sweep.py). Asked to, it
  returns the keys of the rows it changed: a batch claim (the reminder run's) acts on those only.
"""

from django.db import connection, models

# Values the driver takes as they are: preparing them through the field would only copy them
# (int(), str(), bool()), at a cost that shows in a sweep of 100,000 rows.
PLAIN = (models.IntegerField, models.BooleanField, models.CharField, models.TextField)


def _prep(fields, row):
    return [
        value if value is None or isinstance(field, PLAIN) else field.get_db_prep_save(value, connection)
        for field, value in zip(fields, row, strict=True)
    ]


def upsert_returning_pk(instance, unique, keep):
    """INSERT instance, or on a conflict over `unique` replace every field but `keep`;
    return the primary key of the row it landed on (new or existing)."""
    model = type(instance)
    fields = model._meta.concrete_fields
    for field in fields:
        field.pre_save(instance, add=True)  # auto_now / auto_now_add timestamps
    qn = connection.ops.quote_name
    kept = {model._meta.get_field(name).column for name in keep}
    columns = ", ".join(qn(f.column) for f in fields)
    replaced = ", ".join(f"{qn(f.column)} = EXCLUDED.{qn(f.column)}" for f in fields if f.column not in kept)
    keys = ", ".join(qn(model._meta.get_field(name).column) for name in unique)
    sql = (
        f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))}) "
        f"ON CONFLICT ({keys}) DO UPDATE SET {replaced} RETURNING {qn(model._meta.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, _prep(fields, [getattr(instance, f.attname) for f in fields]))
        (pk,) = cursor.fetchone()
    return model._meta.pk.to_python(pk)


def insert_ignoring_conflicts(model, field_names, rows, conflict, chunk=1000):
    """INSERT rows (tuples in field_names order), skipping those that clash on `conflict`;
    return the primary keys of the rows really inserted."""
    fields = [model._meta.get_field(name) for name in field_names]
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    keys = ", ".join(qn(model._meta.get_field(name).column) for name in conflict)
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    new_pks = []
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        sql = (
            f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES {', '.join([row_sql] * len(part))} "
            f"ON CONFLICT ({keys}) DO NOTHING RETURNING {qn(model._meta.pk.column)}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [param for row in part for param in _prep(fields, row)])
            new_pks.extend(model._meta.pk.to_python(pk) for (pk,) in cursor.fetchall())
    return new_pks


def _placeholder(field):
    # PostgreSQL types a VALUES column from its parameters (an all-NULL column would be
    # text): cast each to the column's own type, a foreign key's being its target's.
    if connection.vendor == "postgresql":
        return f"CAST(%s AS {field.db_type(connection)})"
    return "%s"


def update_where_unchanged(model, guard_field, value_fields, rows, returning=False):
    """UPDATE each row's value_fields where guard_field still holds the value read.

    rows: tuples (pk, guard value as read, *values). Returns the number of rows updated, or with
    `returning` the primary keys of those rows.
    """
    if not rows:
        return [] if returning else 0
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    pk = qn(model._meta.pk.column)
    guard = qn(model._meta.get_field(guard_field).column)
    fields = [model._meta.pk, model._meta.get_field(guard_field), *(model._meta.get_field(n) for n in value_fields)]
    row_sql = "(" + ", ".join(_placeholder(f) for f in fields) + ")"
    columns = ", ".join(f"c{i}" for i in range(len(fields)))
    assignments = ", ".join(f"{qn(f.column)} = v.c{i}" for i, f in enumerate(fields[2:], start=2))
    sql = (
        f"WITH v ({columns}) AS (VALUES {', '.join([row_sql] * len(rows))}) "
        f"UPDATE {table} SET {assignments} FROM v "
        f"WHERE {table}.{pk} = v.c0 AND ({table}.{guard} = v.c1 OR ({table}.{guard} IS NULL AND v.c1 IS NULL))"
    )
    if returning:
        sql += f" RETURNING {table}.{pk}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [param for row in rows for param in _prep(fields, row)])
        if returning:
            return [model._meta.pk.to_python(key) for (key,) in cursor.fetchall()]
        if connection.vendor == "sqlite":
            # Python's sqlite3 reports no rowcount for a statement that opens with WITH.
            cursor.execute("SELECT changes()")
            return cursor.fetchone()[0]
        return cursor.rowcount
