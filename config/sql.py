"""The project's raw SQL, in one place: statements the ORM cannot say, and ORM queries run
as SQL compiled once.

Each is written once for PostgreSQL and SQLite (3.35+: UPSERT, RETURNING, UPDATE ... FROM)
and tested on both (tests/test_sql.py; CI runs the suite on each database). Values go
through each field's own database preparation, as the ORM's would. Many rows travel as a
derived table: on PostgreSQL one array parameter per column (unnest), bound on the server in
binary, so a statement of 100,000 values is a short string with a handful of parameters that
travel as they are (a VALUES list of that size cost more in the driver, parsing placeholders
and quoting values into the SQL text, than in the database: bench/reminders.py); on SQLite a
VALUES list.

- `upsert_guarded`: one row's upsert, made only where a guard query finds a row, with the
  writes that go with it and a read of what was there before: the log PUT's one statement.
  The ORM's update_conflicts does not return an existing row's primary key when the instance
  already has one (a UUID minted in Python), and the log PUT must know which row it landed on.
- `insert_ignoring_conflicts`: bulk_create(ignore_conflicts=True) does not say which rows
  were really inserted; the red-flag job must know which alerts are new.
- `update_where_unchanged`: one statement writing a different value to each row, only where
  a guard column still holds the value read. bulk_update's CASE expressions cannot carry a
  per-row guard, and building them cost milliseconds per row (bench/sweep.py). Asked to, it
  returns the keys of the rows it changed: a batch claim (the reminder run's) acts on those only.
- `select_for_keys`: a raw SELECT over a set of keys (a batch's workouts), its rows as plain
  tuples converted as the ORM would: the sweep reads 100,000 logs a run, and building them
  through a queryset (1,000 quoted placeholders, a model field's converters per value) cost
  more than the database's work (bench/sweep.py). `select_rows`: the same with plain parameters.
- `upsert_rows`: one multi-row INSERT ... ON CONFLICT DO UPDATE, its SQL built once per shape;
  bulk_create(update_conflicts=True) compiles the statement anew on every call.
- `Compiled`: an ORM query compiled to SQL once per thread, with `Param` markers where its
  values go, then run as that SQL. On the log PUT, compiling five querysets per request cost
  more than running them (bench/api_log.py).

The log PUT's statements (`upsert_guarded`, `Compiled` queries) and a one-row `upsert_rows`
run prepared on PostgreSQL: parsed and planned once per connection, then only executed.
"""

import contextlib
import functools
import json
import threading
from typing import NamedTuple

from django.db import connection, models, transaction
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.models import Expression

# Values the driver takes as they are: preparing them through the field would only copy them
# (int(), str(), bool()), at a cost that shows in a sweep of 100,000 rows. psycopg also takes
# aware datetimes, dates and UUIDs as they are; SQLite's adapters need Django's text forms.
PLAIN = (models.IntegerField, models.BooleanField, models.CharField, models.TextField)
PLAIN_ON_POSTGRESQL = (*PLAIN, models.DateTimeField, models.DateField, models.UUIDField)


def _plain(field):
    if field.is_relation:
        return _plain(field.target_field)
    return isinstance(field, PLAIN_ON_POSTGRESQL if connection.vendor == "postgresql" else PLAIN)


def _prep_rows(fields, rows):
    """The values of every row, prepared as each field prepares them, in one list (the order of
    a VALUES list's placeholders). The preparers are looked up once, not once per row."""
    preparers = _preparers(tuple(fields), connection.vendor)
    return [
        value if value is None or prep is None else prep(value, connection)
        for row in rows
        for prep, value in zip(preparers, row, strict=True)
    ]


@functools.cache
def _preparers(fields, vendor):
    """Each field's get_db_prep_save, or None where the driver takes the value as it is."""
    return [None if _plain(field) else field.get_db_prep_save for field in fields]


def _derived_table(fields, rows):
    """(WITH clause, table, params): a table v (c0, c1, ...) holding `rows`, typed as `fields`."""
    names = ", ".join(f"c{i}" for i in range(len(fields)))
    if connection.vendor == "postgresql":
        columns, arrays = [], []
        for field, column in zip(fields, zip(*rows, strict=True), strict=True):
            array = f"CAST(%b AS {field.db_type(connection)}[])"
            if isinstance(field, models.JSONField):
                # As JSON text, cast by the database: the field's preparation (a Jsonb wrapper
                # per value, dumped by the driver) cost more than the rest of the column.
                dumps = functools.partial(json.dumps, cls=field.encoder)
                column = [None if v is None else dumps(v) for v in column]
                array = f"CAST(CAST(%b AS text[]) AS {field.db_type(connection)}[])"
            elif not _plain(field):
                column = [v if v is None else field.get_db_prep_save(v, connection) for v in column]
            columns.append(list(column))
            arrays.append(array)
        return "", f"(SELECT * FROM unnest({', '.join(arrays)})) AS v ({names})", columns
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    params = _prep_rows(fields, rows)
    return f"WITH v ({names}) AS (VALUES {', '.join([row_sql] * len(rows))}) ", "v", params


class _PreparingCursor(ServerBindingCursor):
    """Binds on the server and runs each statement as a prepared statement of its connection:
    PostgreSQL parses and plans it on its first run there, then only executes it."""

    def execute(self, query, params=None, *, prepare=True, binary=None):
        return super().execute(query, params, prepare=prepare, binary=binary)

    def _send_query_prepared(self, name, pgq, *, binary=None):
        self._query = pgq  # as an unprepared run keeps it: Django's query log reads the SQL there
        return super()._send_query_prepared(name, pgq, binary=binary)


@contextlib.contextmanager
def _prepared_cursor():
    """The cursor for a hot statement whose SQL never changes (the log PUT's read and writes):
    on PostgreSQL a prepared one, through Django's wrapper like any other. Parsing and planning
    each of them anew was most of the database's work on a PUT (bench/api_log.py). psycopg keeps
    the connection's last 100 prepared statements (settings: `prepare_threshold`)."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection._prepare_cursor(_PreparingCursor(connection.connection)) as cursor:
        yield cursor


@contextlib.contextmanager
def _rows_cursor():
    """The cursor for a derived table's statement: on PostgreSQL one that binds on the server (Django's
    binds on the client, quoting every value into the SQL text), still through Django's wrapper,
    so errors, execute wrappers and query logging are as for any other statement."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.ensure_connection()
    with connection._prepare_cursor(ServerBindingCursor(connection.connection)) as cursor:
        yield cursor


def upsert_guarded(instance, unique, keep, guard, with_statements=(), reading=None):
    """INSERT instance, or on a conflict over `unique` replace every field but `keep`, only where
    `guard` holds; return (the primary key of the row it landed on, new or existing, or None
    where it wrote nothing; the rows of `reading`, or None without one).

    guard: (sql, params), a SELECT of at most one row, the write's permission (the caller's
    workout performed on or before the log's day, say): no row, no write. The write must not
    change what it reads.
    with_statements: [(sql, params)], writes that go with this one, each reading the guard's row
    from the table `{guard}` (a str.format field), so they happen exactly when it does.
    reading: a `Bound` query (Compiled.bind), read with the write: it sees the database as it
    was before.

    On PostgreSQL all of it is one statement, the guard a WITH query and each write a
    data-modifying one (atomic on its own: no BEGIN and COMMIT round trips); elsewhere the
    reading, then the write, then the others, in one transaction.
    """
    model = type(instance)
    fields = model._meta.concrete_fields
    for field in fields:
        field.pre_save(instance, add=True)  # auto_now / auto_now_add timestamps
    guard_sql, guard_params = guard
    insert = _upsert_guarded_sql(model, tuple(unique), tuple(keep), connection.vendor)
    values = _prep_rows(fields, [[getattr(instance, f.attname) for f in fields]])
    if connection.vendor == "postgresql":
        clauses = [f"guard AS ({guard_sql})"]
        params = list(guard_params)
        for i, (statement, statement_params) in enumerate(with_statements):
            clauses.append(f"w{i} AS ({statement.format(guard='guard')})")
            params += statement_params
        clauses.append(f"upserted AS ({insert})")
        params += values
        select, joined = "upserted.pk", "(SELECT 1) AS one LEFT JOIN upserted ON true"
        if reading is not None:  # a first column says whether the reading's row is one
            select += ", r.*"
            joined += f" LEFT JOIN (SELECT true AS found, q.* FROM ({reading.sql}) AS q) AS r ON true"
            params += reading.params
        with _prepared_cursor() as cursor:
            cursor.execute(f"WITH {', '.join(clauses)} SELECT {select} FROM {joined}", params)
            fetched = cursor.fetchall()
        pk = fetched[0][0]
        rows = None if reading is None else reading.convert([row[2:] for row in fetched if row[1]])
    else:
        with transaction.atomic():
            rows = None if reading is None else reading.rows()
            with connection.cursor() as cursor:
                cursor.execute(f"WITH guard AS ({guard_sql}) {insert}", [*guard_params, *values])
                found = cursor.fetchone()
                pk = None if found is None else found[0]
                for statement, statement_params in with_statements if pk is not None else ():
                    statement = f"WITH guard AS ({guard_sql}) {statement.format(guard='guard')}"
                    cursor.execute(statement, [*guard_params, *statement_params])
    return (None if pk is None else model._meta.pk.to_python(pk)), rows


@functools.cache
def _upsert_guarded_sql(model, unique, keep, vendor):
    """upsert_guarded's write, built once per (model, unique, keep): quoting 50 names per PUT cost
    a tenth of a millisecond. Its values are typed on PostgreSQL: a SELECT's parameters are not
    typed by the columns they go to, as a VALUES list's are."""
    fields = model._meta.concrete_fields
    replaced = [f.name for f in fields if f.name not in keep]
    # "WHERE true" keeps SQLite from reading ON CONFLICT as the ON of a join.
    source = f"SELECT {', '.join(typed_placeholder(f) for f in fields)} FROM guard WHERE true"
    upsert = _upsert_sql(model, fields, source, unique, replaced)
    return f"{upsert} RETURNING {connection.ops.quote_name(model._meta.pk.column)} AS pk"


def typed_placeholder(field):
    """A placeholder for a value of `field` in a SELECT list: cast to the field's type on PostgreSQL."""
    if connection.vendor == "postgresql":
        typed = field.target_field if field.is_relation else field
        return f"CAST(%s AS {typed.db_type(connection)})"
    return "%s"


def insert_ignoring_conflicts(model, field_names, rows, conflict, chunk=5000, returning=()):
    """INSERT rows (tuples in field_names order), skipping those that clash on `conflict`;
    return the primary keys of the rows really inserted, or given `returning` (field names)
    tuples (primary key, *those fields' values) of them."""
    fields = [model._meta.get_field(name) for name in field_names]
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    keys = ", ".join(qn(model._meta.get_field(name).column) for name in conflict)
    returned = [model._meta.pk, *(model._meta.get_field(name) for name in returning)]
    returned_columns = ", ".join(qn(f.column) for f in returned)
    # SQLite binds at most 32,766 parameters to a statement.
    chunk = chunk if connection.vendor == "postgresql" else min(chunk, 30_000 // len(fields))
    new_rows = []
    for start in range(0, len(rows), chunk):
        with_clause, source, params = _derived_table(fields, rows[start : start + chunk])
        # "WHERE true" keeps SQLite from reading ON CONFLICT as the ON of a join.
        new_rows += select_rows(
            f"{with_clause}INSERT INTO {qn(model._meta.db_table)} ({columns}) SELECT * FROM {source} WHERE true "
            f"ON CONFLICT ({keys}) DO NOTHING RETURNING {returned_columns}",
            params,
            returned,
        )
    # select_rows has converted each value as the ORM would (a UUID key on SQLite included).
    return new_rows if returning else [pk for (pk,) in new_rows]


def select_for_keys(select, key_field, keys, fields):
    """Run `select`, SQL reading from `{keys}`, a table v (c0) of `keys` typed as key_field (a
    model field), and return its rows as tuples, each value converted as the ORM converts a
    value of the matching field of `fields` (one per column; on PostgreSQL most need nothing).

    One statement for any number of keys: on PostgreSQL the keys travel as one array bound on
    the server, so neither the driver nor Django parses a placeholder per key.
    """
    return select_for_rows(select, [key_field], [(key,) for key in keys], fields)


def select_for_rows(select, key_fields, keys, fields):
    """select_for_keys with keys of several columns: `{keys}` is a table v (c0, c1, ...) of the
    tuples `keys`, typed as key_fields."""
    if not keys:
        return []
    with_clause, source, params = _derived_table(key_fields, keys)
    return select_rows(with_clause + select.format(keys=source), params, fields)


def select_rows(sql, params, fields):
    """Run `sql` with `params` (prepared already) and return its rows as tuples, converted as
    select_for_keys converts them (a field of no model, `models.IntegerField()` say, as the
    driver gives it)."""
    converters = []
    for i, field in enumerate(fields):
        if not hasattr(field, "model"):
            continue
        column = field.get_col("v")
        found = [*connection.ops.get_db_converters(column), *column.get_db_converters(connection)]
        if found:
            converters.append((i, found, column))
    with _rows_cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not converters:
        return rows
    converted = []
    for row in rows:
        row = list(row)
        for i, found, column in converters:
            value = row[i]
            for converter in found:
                value = converter(value, column, connection)
            row[i] = value
        converted.append(tuple(row))
    return converted


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
    assignments = ", ".join(f"{qn(f.column)} = v.c{i}" for i, f in enumerate(fields[2:], start=2))
    with_clause, source, params = _derived_table(fields, rows)
    sql = (
        f"{with_clause}UPDATE {table} SET {assignments} FROM {source} "
        f"WHERE {table}.{pk} = v.c0 AND ({table}.{guard} = v.c1 OR ({table}.{guard} IS NULL AND v.c1 IS NULL))"
    )
    if returning:
        sql += f" RETURNING {table}.{pk}"
    with _rows_cursor() as cursor:
        cursor.execute(sql, params)
        if returning:
            return [model._meta.pk.to_python(key) for (key,) in cursor.fetchall()]
        if connection.vendor == "sqlite":
            # Python's sqlite3 reports no rowcount for a statement that opens with WITH.
            cursor.execute("SELECT changes()")
            return cursor.fetchone()[0]
        return cursor.rowcount


def upsert_rows(model, field_names, rows, unique, update):
    """INSERT rows (tuples in field_names order); on a conflict over `unique` set the `update`
    fields to the new values. One statement; its SQL is built once per (model, shape, size)."""
    if not rows:
        return
    fields = [model._meta.get_field(name) for name in field_names]
    key = (model, tuple(field_names), tuple(unique), tuple(update), len(rows), connection.vendor)
    sql = _UPSERT_SQL.get(key)
    if sql is None:
        row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
        source = f"VALUES {', '.join([row_sql] * len(rows))}"
        sql = _UPSERT_SQL[key] = _upsert_sql(model, fields, source, unique, update)
    # One row's statement (a workout's due flag) is prepared; bigger ones are rarer, each size its own SQL.
    with _prepared_cursor() if len(rows) == 1 else connection.cursor() as cursor:
        cursor.execute(sql, _prep_rows(fields, rows))


def upsert_with_guarded(model, key_name, value_names, values, unique, update):
    """(sql, params): upsert_rows' write of one row whose `key_name` field is the id of
    upsert_guarded's guard row and whose `value_names` fields are `values`; one of its
    with_statements, made only when its write is."""
    fields = [model._meta.get_field(name) for name in (key_name, *value_names)]
    key = (model, "guarded", key_name, tuple(value_names), tuple(unique), tuple(update), connection.vendor)
    sql = _UPSERT_SQL.get(key)
    if sql is None:
        # Doubled braces: the statement is formatted with the guard's name ({guard}).
        select = f"SELECT id, {', '.join(typed_placeholder(f) for f in fields[1:])} FROM {{guard}} WHERE true"
        sql = _UPSERT_SQL[key] = _upsert_sql(model, fields, select, unique, update)
    return sql, _prep_rows(fields[1:], [values])


def _upsert_sql(model, fields, source, unique, update):
    qn = connection.ops.quote_name
    return (
        f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) {source} "
        f"ON CONFLICT ({', '.join(qn(model._meta.get_field(name).column) for name in unique)}) DO UPDATE SET "
        + ", ".join(f"{qn(c)} = EXCLUDED.{qn(c)}" for c in (model._meta.get_field(n).column for n in update))
    )


_UPSERT_SQL = {}


class Param(Expression):
    """Where a value of a `Compiled` query goes: `filter(pk=Param("workout_id", UUIDField()))`."""

    def __init__(self, name, output_field):
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection):
        return "%s", [self]

    def __hash__(self):
        return hash((type(self), self.name))

    def __eq__(self, other):
        return type(other) is type(self) and other.name == self.name


class Compiled:
    """An ORM query built once (`build()` returns a queryset with `Param` markers), compiled to
    SQL once per thread and database vendor, then run with values for its markers.

    `rows(**values)` returns the rows as the queryset's values_list would, each value passed
    through its field's converters (dates on SQLite, JSON, ...); values are prepared by each
    marker's field, as a lookup would prepare them.
    """

    def __init__(self, build):
        self.build = build
        self._local = threading.local()

    def _compiled(self):
        cached = getattr(self._local, connection.vendor, None)
        if cached is None:
            queryset = self.build()
            compiler = queryset.query.get_compiler(using=queryset.db)
            sql, params = compiler.as_sql()
            # What results_iter would work out on every call: each column's converters.
            converters = compiler.get_converters([s[0] for s in compiler.select[0 : compiler.col_count]])
            cached = (compiler, sql, tuple(params), converters)
            setattr(self._local, connection.vendor, cached)
        return cached

    def bind(self, **values):
        """This query with `values`, as a `Bound`: to run as it is or inside another statement."""
        compiler, sql, params, converters = self._compiled()
        bound = [
            p.output_field.get_db_prep_value(values[p.name], connection) if isinstance(p, Param) else p for p in params
        ]
        return Bound(sql, bound, compiler, converters)

    def rows(self, **values):
        return self.bind(**values).rows()


class Bound(NamedTuple):
    """A `Compiled` query with its values: `sql` and `params` to run, `convert` for its rows."""

    sql: str
    params: list
    compiler: object
    converters: dict

    def rows(self):
        with _prepared_cursor() as cursor:
            cursor.execute(self.sql, self.params)
            return self.convert(cursor.fetchall())

    def convert(self, fetched):
        """Rows of this query as fetched, as the queryset's values_list would give them."""
        if not self.converters:
            return fetched
        return [tuple(row) for row in self.compiler.apply_converters(fetched, self.converters)]
