"""Publish the evaluation of a saved log without ever failing or stalling the request.

The log is committed before this runs (on_commit); if the broker is down, the workout
stays flagged due in the database and the periodic sweep evaluates it later.
"""

import logging

from django.db import transaction

from recovery.tasks import evaluate_workout

log = logging.getLogger(__name__)

# Bounded: one quick retry, then give up and leave it to the sweep.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.1, "interval_max": 0.1}


def _publish(workout_id):
    try:
        evaluate_workout.apply_async((str(workout_id),), retry=True, retry_policy=PUBLISH_RETRY_POLICY)
    except Exception as exc:  # the broker's failure is never the user's: the sweep catches up
        log.warning("could not enqueue evaluation of workout %s (%s); the sweep will catch up", workout_id, exc)


def evaluate_after_commit(workout_id):
    transaction.on_commit(lambda: _publish(workout_id))
