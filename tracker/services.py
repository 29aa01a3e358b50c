"""Writes to training data that must happen together, in one transaction."""

from django.db import connection, transaction
from django.utils import timezone

from tracker.models import Exercise, PainLog, Workout


def mark_evaluation_due(workout_ids, now=None):
    """Flag workouts for the red-flag job; the periodic sweep catches up any lost message."""
    Workout.objects.filter(pk__in=list(workout_ids)).update(evaluation_due_at=now or timezone.now())


LOG_KEY_COLUMNS = ("workout_id", "logged_on")
LOG_KEPT_ON_REPLACE = {"id", "workout_id", "logged_on", "created_at"}


def _upsert_sql(log):
    """INSERT ... ON CONFLICT (workout_id, logged_on) DO UPDATE ... RETURNING id, and params.

    Raw SQL because the ORM cannot say which row the statement landed on: bulk_create's
    update_conflicts does not return an existing row's id when the primary key is given.
    The syntax is shared by PostgreSQL and SQLite; values go through each field's own
    database preparation.
    """
    fields = PainLog._meta.concrete_fields
    for field in fields:
        field.pre_save(log, add=True)  # auto_now / auto_now_add timestamps
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    replaced = ", ".join(
        f"{qn(f.column)} = EXCLUDED.{qn(f.column)}" for f in fields if f.column not in LOG_KEPT_ON_REPLACE
    )
    sql = (
        f"INSERT INTO {qn(PainLog._meta.db_table)} ({columns}) VALUES ({placeholders}) "
        f"ON CONFLICT ({', '.join(qn(c) for c in LOG_KEY_COLUMNS)}) DO UPDATE SET {replaced} "
        f"RETURNING {qn(PainLog._meta.pk.column)}"
    )
    return sql, [f.get_db_prep_save(getattr(log, f.attname), connection) for f in fields]


def _fetch_id(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        (row_id,) = cursor.fetchone()
    return PainLog._meta.pk.to_python(row_id)


def save_log(workout, logged_on, fields):
    """Create or replace the log of (workout, day), flagging the workout for evaluation
    atomically with it; return (log, created).

    One upsert, decided by the database's unique (workout, logged_on) constraint, so
    concurrent or replayed PUTs of the same day land on one row. The row's id comes back:
    the freshly minted one when the row is new, the existing one when it was replaced.
    On PostgreSQL the flag rides in the same statement (a data-modifying CTE: one round
    trip, atomic without BEGIN/COMMIT); elsewhere both run in one transaction.
    """
    log = PainLog(workout=workout, logged_on=logged_on, **fields)
    minted_id = log.id
    upsert, params = _upsert_sql(log)
    now = timezone.now()
    if connection.vendor == "postgresql":
        qn = connection.ops.quote_name
        sql = (
            f"WITH upserted AS ({upsert}), flagged AS (UPDATE {qn(Workout._meta.db_table)} "
            f"SET {qn('evaluation_due_at')} = %s WHERE {qn('id')} = %s) SELECT {qn('id')} FROM upserted"
        )
        log.id = _fetch_id(sql, [*params, now, workout.pk])
    else:
        with transaction.atomic():
            log.id = _fetch_id(upsert, params)
            mark_evaluation_due([workout.pk], now)
    return log, log.id == minted_id


@transaction.atomic
def save_workout(owner, fields, exercises, instance=None):
    """Create or update a workout; a given exercises list replaces the previous one.

    Returns (workout, ids of workouts whose triage may have changed and need evaluating).
    """
    moved_from = None
    if instance is None:
        instance = Workout.objects.create(owner=owner, **fields)
    else:
        if "performed_on" in fields and fields["performed_on"] != instance.performed_on:
            moved_from = instance.performed_on
        for name, value in fields.items():
            setattr(instance, name, value)
        instance.save()
    if exercises is not None:
        instance.exercises.all().delete()
        Exercise.objects.bulk_create(Exercise(workout=instance, position=i, **ex) for i, ex in enumerate(exercises))
    to_evaluate = []
    if moved_from is not None:
        # Day indexes change, and so does which workouts recurring_pain counts together.
        mark_evaluation_due([instance.pk])
        to_evaluate = [instance.pk, *workouts_affected_by(owner.pk, [moved_from, instance.performed_on], instance.pk)]
    return instance, to_evaluate


def delete_workout(workout):
    """Delete a workout and its logs; return the ids of later workouts to re-evaluate."""
    with transaction.atomic():
        affected = workouts_affected_by(workout.owner_id, [workout.performed_on], workout.pk)
        workout.delete()
    return affected


def workouts_affected_by(owner_id, dates, exclude_id):
    from recovery.evaluation import mark_later_workouts_due

    return mark_later_workouts_due([(owner_id, day) for day in dates], exclude=[exclude_id])
