"""Writes to training data that must happen together, in one transaction."""

from django.db import transaction

from config.sql import upsert_returning_pk
from tracker.models import Exercise, PainLog, Workout
from tracker.signals import logs_changed, workout_deleting, workout_moved

# A replaced log keeps its identity and its creation time.
LOG_KEPT_ON_REPLACE = ("id", "workout", "logged_on", "created_at")


def save_log(workout, logged_on, fields):
    """Create or replace the log of (workout, day) and announce it; return (log, created).

    One upsert, decided by the database's unique (workout, logged_on) constraint, so
    concurrent or replayed PUTs of the same day land on one row. The row's id comes back:
    the freshly minted one when the row is new, the existing one when it was replaced.
    What receivers of logs_changed write commits with it, in the same statement on PostgreSQL.
    """
    log = PainLog(workout=workout, logged_on=logged_on, **fields)
    minted_id = log.id
    companions = []
    logs_changed.send(sender=PainLog, workout_ids=[workout.pk], companions=companions)
    log.id = upsert_returning_pk(
        log, unique=("workout", "logged_on"), keep=LOG_KEPT_ON_REPLACE, with_statements=[c[:2] for c in companions]
    )
    for companion in companions:
        if companion.on_commit is not None:
            transaction.on_commit(companion.on_commit)  # at once, unless a caller's transaction is open
    return log, log.id == minted_id


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
