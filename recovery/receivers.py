"""Recovery's answers to tracker's announcements (tracker.signals).

Each runs inside the transaction that changed the training data, or hands its write to the
log's own statement (a log PUT: see tracker.signals): the workouts are flagged due with the
change (so a crash loses nothing: the sweep finds them), and their evaluation is published
once it commits.
"""

from django.dispatch import receiver

from recovery.enqueue import evaluate_after_commit, evaluation_publisher
from recovery.state import mark_due, mark_due_with_guarded, workouts_counting
from tracker.signals import Companion, logs_changed, workout_deleting, workout_moved


@receiver(logs_changed, dispatch_uid="recovery.logs_changed")
def logs_changed_evaluate(sender, workout_ids, companions=None, **kwargs):
    if companions is not None:  # a log about to be saved: the flag goes into its own statement
        companions.append(Companion(*mark_due_with_guarded(), evaluation_publisher(workout_ids)))
        return
    mark_due(workout_ids)
    evaluate_after_commit(workout_ids)


@receiver(workout_moved, dispatch_uid="recovery.workout_moved")
def workout_moved_evaluate(sender, workout, previous_date, **kwargs):
    # Its day indexes change, and so does which workouts recurring_pain counts together.
    affected = workouts_counting([(workout.owner_id, previous_date), (workout.owner_id, workout.performed_on)])
    ids = [workout.pk, *affected]
    mark_due(ids)
    evaluate_after_commit(ids)


@receiver(workout_deleting, dispatch_uid="recovery.workout_deleting")
def workout_deleting_evaluate(sender, workout, **kwargs):
    affected = workouts_counting([(workout.owner_id, workout.performed_on)], exclude=[workout.pk])
    if affected:
        mark_due(affected)
        evaluate_after_commit(affected)
