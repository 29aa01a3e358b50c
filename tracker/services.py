"""Writes to training data that must happen together, in one transaction."""

from django.db import transaction
from django.utils import timezone

from tracker.models import Exercise, PainLog, Workout


def mark_evaluation_due(workout_ids):
    """Flag workouts for the red-flag job; the periodic sweep catches up any lost message."""
    Workout.objects.filter(pk__in=list(workout_ids)).update(evaluation_due_at=timezone.now())


@transaction.atomic
def save_log(workout, logged_on, fields):
    """Create or replace the log of (workout, day); return (log, created).

    The unique (workout, logged_on) constraint makes concurrent or replayed PUTs of the
    same day land on one row: update_or_create falls back to an update when the insert
    hits it.
    """
    log, created = PainLog.objects.update_or_create(workout=workout, logged_on=logged_on, defaults=fields)
    log.workout = workout
    mark_evaluation_due([workout.pk])
    return log, created


@transaction.atomic
def save_workout(owner, fields, exercises, instance=None):
    """Create or update a workout; a given exercises list replaces the previous one."""
    if instance is None:
        instance = Workout.objects.create(owner=owner, **fields)
    else:
        for name, value in fields.items():
            setattr(instance, name, value)
        instance.save()
    if exercises is not None:
        instance.exercises.all().delete()
        Exercise.objects.bulk_create(Exercise(workout=instance, position=i, **ex) for i, ex in enumerate(exercises))
    if instance.logs.exists():
        mark_evaluation_due([instance.pk])
    return instance
