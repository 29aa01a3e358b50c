"""config/sql.py: the statements the ORM cannot say, and ORM queries compiled once, on whichever database runs the
suite (CI runs it on PostgreSQL and on SQLite)."""

import datetime
import uuid

import pytest
from django.db import IntegrityError, connection, models, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config.sql import (
    Compiled,
    Param,
    insert_ignoring_conflicts,
    update_where_unchanged,
    upsert_guarded,
    upsert_rows,
    upsert_with_guarded,
)
from recovery.levels import Level, Reason
from recovery.models import Alert, Recovery
from recovery.state import mark_due_with_guarded
from tests.factories import WorkoutFactory
from tracker.models import PainLog, Workout

pytestmark = pytest.mark.django_db
LOG_KEPT = ("id", "workout", "logged_on", "created_at")


WORKOUT_BY_DAY = Compiled(
    lambda: Workout.objects.filter(
        pk=Param("id", models.UUIDField()), performed_on__lte=Param("day", models.DateField())
    ).values_list("id")
)


def guard_for(workout, day=None):
    """upsert_guarded's guard: the workout, if performed on or before `day`."""
    return WORKOUT_BY_DAY.bind(id=workout.pk, day=day or workout.performed_on)[:2]


def log_upsert(log, guard, **kwargs):
    return upsert_guarded(log, unique=("workout", "logged_on"), keep=LOG_KEPT, guard=guard, **kwargs)


def test_upsert_returns_the_new_rows_key_then_the_existing_ones():
    workout = WorkoutFactory()
    first = PainLog(workout=workout, logged_on=workout.performed_on, pain=3, locations=["neck"])
    assert log_upsert(first, guard_for(workout)) == (first.id, None)
    created_at = PainLog.objects.get().created_at

    again = PainLog(workout=workout, logged_on=workout.performed_on, pain=6, quality="sharp")
    assert again.id != first.id
    assert log_upsert(again, guard_for(workout)) == (first.id, None)
    row = PainLog.objects.get()
    assert (row.id, row.pain, row.quality, row.locations, row.created_at) == (first.id, 6, "sharp", [], created_at)


def test_an_upsert_whose_guard_finds_no_row_writes_nothing_nor_its_companions():
    workout = WorkoutFactory()
    day_before = workout.performed_on - datetime.timedelta(days=1)
    log = PainLog(workout=workout, logged_on=day_before, pain=3)
    flag = mark_due_with_guarded()
    assert log_upsert(log, guard_for(workout, day_before), with_statements=[flag]) == (None, None)
    assert not PainLog.objects.exists()
    assert not Recovery.objects.filter(workout=workout).exists()


def test_an_upsert_reads_with_its_write_what_was_there_before_it():
    workout = WorkoutFactory()
    PainLog.objects.create(workout=workout, logged_on=workout.performed_on, pain=2)
    reading = Compiled(
        lambda: PainLog.objects.filter(workout=Param("workout", models.UUIDField())).values_list("logged_on", "pain")
    )
    later = workout.performed_on + datetime.timedelta(days=1)
    log = PainLog(workout=workout, logged_on=later, pain=6)
    pk, rows = log_upsert(log, guard_for(workout, later), reading=reading.bind(workout=workout.pk))
    assert pk == log.id
    assert rows == [(workout.performed_on, 2)]  # converted as the queryset would, without the new log
    assert PainLog.objects.count() == 2
    # A reading that finds nothing gives no rows; the write still happens.
    nothing = reading.bind(workout=uuid.uuid4())
    assert log_upsert(
        PainLog(workout=workout, logged_on=later, pain=7), guard_for(workout, later), reading=nothing
    ) == (
        log.id,
        [],
    )
    assert PainLog.objects.get(logged_on=later).pain == 7


def alert_row(workout, reason):
    reason = Reason(reason)
    return (workout.pk, reason.value, int(reason.level), "message", timezone.now(), "")


ALERT_FIELDS = ("workout", "reason", "level", "message", "created_at", "resolution_note")


def test_insert_ignoring_conflicts_returns_only_the_rows_it_inserted():
    workout, other = WorkoutFactory(), WorkoutFactory()
    existing = insert_ignoring_conflicts(Alert, ALERT_FIELDS, [alert_row(workout, "sharp_pain")], ("workout", "reason"))
    rows = [alert_row(workout, "sharp_pain"), alert_row(workout, "severe_pain"), alert_row(other, "sharp_pain"),
            alert_row(other, "cauda_equina"), alert_row(other, "sharp_pain")]  # fmt: skip
    new = insert_ignoring_conflicts(Alert, ALERT_FIELDS, rows, ("workout", "reason"), chunk=2)
    assert len(new) == 3 and not set(new) & set(existing)
    assert set(Alert.objects.filter(pk__in=new).values_list("workout_id", "reason")) == {
        (workout.pk, "severe_pain"),
        (other.pk, "sharp_pain"),
        (other.pk, "cauda_equina"),
    }
    assert Alert.objects.count() == 4


def test_insert_ignoring_conflicts_returns_the_fields_asked_for_of_the_rows_it_inserted():
    workout, other = WorkoutFactory(), WorkoutFactory()
    insert_ignoring_conflicts(Alert, ALERT_FIELDS, [alert_row(workout, "sharp_pain")], ("workout", "reason"))
    rows = [alert_row(workout, "sharp_pain"), alert_row(workout, "severe_pain"), alert_row(other, "sharp_pain")]
    new = insert_ignoring_conflicts(Alert, ALERT_FIELDS, rows, ("workout", "reason"), returning=("workout", "reason"))
    assert sorted((workout_id == workout.pk, reason) for _, workout_id, reason in new) == [
        (False, "sharp_pain"),
        (True, "severe_pain"),
    ]
    assert {Alert.objects.get(pk=pk).workout_id for pk, *_ in new} == {workout.pk, other.pk}
    assert all(isinstance(workout_id, uuid.UUID) for _, workout_id, _ in new), "converted as the ORM converts"


def test_update_where_unchanged_writes_only_rows_still_as_read():
    """Recovery's key is a one-to-one to a UUID primary key: the VALUES cast must follow it."""
    read = timezone.now()
    moved_on = read + datetime.timedelta(seconds=1)
    still, changed, never_due = WorkoutFactory(), WorkoutFactory(), WorkoutFactory()
    Recovery.objects.create(workout=still, evaluation_due_at=read)
    Recovery.objects.create(workout=changed, evaluation_due_at=moved_on)  # a log arrived after the read
    Recovery.objects.create(workout=never_due)
    day = still.performed_on
    values = (int(Level.SEE_DOCTOR), ["sharp_pain"], None, day, None)
    fields = ["level", "reasons", "peak_pain", "opened_on", "evaluation_due_at"]
    rows = [(still.pk, read, *values), (changed.pk, read, *values), (never_due.pk, None, *values)]
    assert update_where_unchanged(Recovery, "evaluation_due_at", fields, rows) == 2

    by_workout = {r.pk: r for r in Recovery.objects.all()}
    for workout in (still, never_due):
        row = by_workout[workout.pk]
        assert (row.level, row.reasons, row.opened_on, row.evaluation_due_at) == (2, ["sharp_pain"], day, None)
    row = by_workout[changed.pk]
    assert (row.level, row.reasons, row.evaluation_due_at) == (0, [], moved_on)


def test_update_where_unchanged_with_no_rows_does_nothing():
    assert update_where_unchanged(Recovery, "evaluation_due_at", ["level"], []) == 0


def test_update_where_unchanged_can_return_the_keys_of_the_rows_it_changed():
    read = timezone.now()
    still, changed = WorkoutFactory(), WorkoutFactory()
    Recovery.objects.create(workout=still, evaluation_due_at=read)
    Recovery.objects.create(workout=changed, evaluation_due_at=read + datetime.timedelta(seconds=1))
    rows = [(still.pk, read, None), (changed.pk, read, None)]
    assert update_where_unchanged(Recovery, "evaluation_due_at", ["evaluation_due_at"], rows, returning=True) == [
        still.pk
    ]
    assert update_where_unchanged(Recovery, "evaluation_due_at", ["evaluation_due_at"], [], returning=True) == []


def test_upsert_rows_inserts_new_rows_and_updates_only_the_named_fields_of_existing_ones():
    kept, new = WorkoutFactory(), WorkoutFactory()
    then, now = timezone.now() - datetime.timedelta(hours=1), timezone.now()
    Recovery.objects.create(workout=kept, evaluation_due_at=then, level=Level.CAUTION, reasons=["severe_pain"])
    fields = ("workout", "evaluation_due_at", "level", "reasons")
    upsert_rows(Recovery, fields, [(kept.pk, now, 0, []), (new.pk, now, 0, [])], ("workout",), ("evaluation_due_at",))
    rows = {r.workout_id: (r.evaluation_due_at, r.level, r.reasons) for r in Recovery.objects.all()}
    assert rows == {kept.pk: (now, Level.CAUTION, ["severe_pain"]), new.pk: (now, 0, [])}


def test_a_compiled_query_runs_with_each_calls_values_and_converts_its_columns():
    workout = WorkoutFactory()
    day = workout.performed_on
    PainLog.objects.create(workout=workout, logged_on=day, pain=3, locations=["neck"])
    PainLog.objects.create(workout=workout, logged_on=day + datetime.timedelta(days=1), pain=6)
    query = Compiled(
        lambda: (
            PainLog.objects.filter(
                workout_id=Param("workout", models.UUIDField()), logged_on__gte=Param("from", models.DateField())
            )
            .order_by("logged_on")
            .values_list("logged_on", "pain", "locations", "workout__performed_on")
        )
    )
    assert query.rows(workout=workout.pk, **{"from": day}) == [
        (day, 3, ["neck"], day),
        (day + datetime.timedelta(days=1), 6, [], day),
    ]
    assert query.rows(workout=workout.pk, **{"from": day + datetime.timedelta(days=1)}) == [
        (day + datetime.timedelta(days=1), 6, [], day)
    ]
    assert query.rows(workout=WorkoutFactory().pk, **{"from": day}) == []


def prepared_statements():
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [statement for (statement,) in cursor.fetchall()]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_the_log_puts_statements_run_prepared_and_other_statements_do_not(api, patient):
    # Parsing and planning them anew was most of the database's work on a log PUT (bench/api_log.py).
    workout = WorkoutFactory(owner=patient, performed_on=patient.local_today())
    url = f"/api/v1/workouts/{workout.pk}/logs/{workout.performed_on}/"
    for pain in (2, 7):  # a painful log also reads the user's other painful workouts
        assert api.put(url, {"pain": pain, "locations": ["lower_back"]}, format="json").status_code in (200, 201)
    statements = prepared_statements()
    # The log's upsert, its workout's due flag and the triage's read of the workout: one statement.
    assert any(
        s.startswith("WITH guard AS (")
        and 'INSERT INTO "recovery_recovery"' in s
        and 'INSERT INTO "tracker_painlog"' in s
        and '"tracker_painlog"."pain"' in s
        for s in statements
    )
    assert any('MIN("tracker_painlog"."logged_on")' in s for s in statements)
    # The rest of Django's statements bind on the client and are never prepared.
    PainLog.objects.filter(pk=workout.pk).count()
    assert not any("COUNT(*)" in s for s in prepared_statements())


def test_an_upsert_and_its_companion_writes_commit_together_or_not_at_all():
    workout = WorkoutFactory()
    due = timezone.now()
    log = PainLog(workout=workout, logged_on=workout.performed_on, pain=4)
    assert log_upsert(log, guard_for(workout), with_statements=[mark_due_with_guarded(due)]) == (log.id, None)
    assert Recovery.objects.get(workout=workout).evaluation_due_at == due
    assert PainLog.objects.get().pain == 4

    # A companion that fails (a level out of range) takes the log's write down with it.
    bad = upsert_with_guarded(Recovery, "workout", ("evaluation_due_at", "level", "reasons"), (due, 99, []),
                              ("workout",), ("level",))  # fmt: skip
    again = PainLog(workout=workout, logged_on=workout.performed_on, pain=9)
    with pytest.raises(IntegrityError), transaction.atomic():
        log_upsert(again, guard_for(workout), with_statements=[bad])
    assert PainLog.objects.get().pain == 4
    assert Recovery.objects.get(workout=workout).level == 0


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="one statement is PostgreSQL's way (SQLite: one transaction)"
)
def test_a_log_put_reads_and_writes_with_one_statement_and_no_transaction_round_trips(api, patient):
    workout = WorkoutFactory(owner=patient, performed_on=patient.local_today())
    url = f"/api/v1/workouts/{workout.pk}/logs/{workout.performed_on}/"
    with CaptureQueriesContext(connection) as queries:
        assert api.put(url, {"pain": 2}, format="json").status_code == 201
    statements = [q["sql"] for q in queries]
    # Besides the token check: the workout's ownership, the log's write, the workout's due flag
    # and what the triage reads of it, in one statement.
    (put,) = [s for s in statements if "tracker_painlog" in s]
    assert len(statements) == 2, statements
    assert put.startswith('WITH guard AS (SELECT "tracker_workout"."id" AS "id" FROM "tracker_workout"'), put
    assert 'w0 AS (INSERT INTO "recovery_recovery"' in put and 'upserted AS (INSERT INTO "tracker_painlog"' in put
    assert Recovery.objects.get(workout=workout).evaluation_due_at is not None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL planner setting")
def test_postgresql_prices_an_index_probe_as_on_ssd_and_a_database_url_may_say_otherwise():
    # With the default 4, a sweep batch's UPDATE ... FROM unnest() of 1,000 keys hashed every row of
    # recovery_recovery (a scan per batch, growing with the table) instead of probing its index.
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone() == ("1.1",)
