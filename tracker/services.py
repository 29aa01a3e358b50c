"""Writes to training data that must happen together, in one transaction."""

from django.db import models, transaction

from config.sql import Compiled, Param, upsert_guarded
from tracker.access import owned_workouts
from tracker.models import Exercise, PainLog, Workout
from tracker.signals import logs_changed, workout_deleting, workout_moved

# A replaced log keeps its identity and its creation time.
LOG_KEPT_ON_REPLACE = ("id", "workout", "logged_on", "created_at")
# Whether a log of the day may be written: the owner's workout, performed on or before the day.
LOG_ALLOWED = Compiled(
    lambda: (
        owned_workouts(Param("owner_id", models.BigIntegerField()))
        .filter(pk=Param("workout_id", models.UUIDField()), performed_on__lte=Param("logged_on", models.DateField()))
        .order_by()
        .values_list("id")
    )
)


def save_log(owner, workout_id, logged_on, fields, reading=None):
    """Create or replace the log of (workout, day) and announce it, if `owner` has the workout and
    performed it on or before the day; return (log, created, the rows of `reading`), log None
    (and nothing written) where the owner has no such workout or performed it after the day.

    One upsert, decided by the database's unique (workout, logged_on) constraint, so
    concurrent or replayed PUTs of the same day land on one row. The row's id comes back:
    the freshly minted one when the row is new, the existing one when it was replaced.
    What receivers of logs_changed write, and `reading` (a config.sql `Bound` query: it sees the
    database as before the write), go with it: on PostgreSQL all in one statement.
    """
    log = PainLog(workout_id=workout_id, logged_on=logged_on, **fields)
    minted_id = log.id
    companions = []
    logs_changed.send(sender=PainLog, workout_ids=[workout_id], companions=companions)
    log.id, rows = upsert_guarded(
        log,
        unique=("workout", "logged_on"),
        keep=LOG_KEPT_ON_REPLACE,
        guard=LOG_ALLOWED.bind(owner_id=owner.pk, workout_id=workout_id, logged_on=logged_on)[:2],
        with_statements=[c[:2] for c in companions],
        reading=reading,
    )
    if log.id is None:
        return None, False, rows
    for companion in companions:
        if companion.on_commit is not None:
            transaction.on_commit(companion.on_commit)  # at once, unless a caller's transaction is open
    return log, log.id == minted_id, rows


@transaction.atomic
def add_logs(workout, logs):
    """Insert several new logs of one workout at once (demo data, imports) and announce them."""
    PainLog.objects.bulk_create(logs)
    logs_changed.send(sender=PainLog, workout_ids=[workout.pk])


@transaction.atomic
def save_workout(owner, fields, exercises, instance=None):
    """Create or update a workout; a given exercises list replaces the previous one."""
    previous_date = None
    if instance is None:
        instance = Workout.objects.create(owner=owner, **fields)
    else:
        if "performed_on" in fields and fields["performed_on"] != instance.performed_on:
            previous_date = instance.performed_on
        for name, value in fields.items():
            setattr(instance, name, value)
        instance.save()
    if exercises is not None:
        instance.exercises.all().delete()
        Exercise.objects.bulk_create(Exercise(workout=instance, position=i, **ex) for i, ex in enumerate(exercises))
    if previous_date is not None:
        workout_moved.send(sender=Workout, workout=instance, previous_date=previous_date)
    return instance


@transaction.atomic
def delete_workout(workout):
    """Delete a workout and its logs."""
    workout_deleting.send(sender=Workout, workout=workout)
    workout.delete()
