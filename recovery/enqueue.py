"""Publish an evaluation without ever failing or stalling the request.

It runs once the transaction has committed (the workouts are flagged due in it); if the
broker is down, they stay flagged in the database and the periodic sweep evaluates them.
"""

import logging

from django.db import transaction

from recovery.tasks import evaluate_workouts

log = logging.getLogger(__name__)

# Bounded: one quick retry, then give up and leave it to the sweep.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.1, "interval_max": 0.1}


def _publish(workout_ids):
    try:
        evaluate_workouts.apply_async((workout_ids,), retry=True, retry_policy=PUBLISH_RETRY_POLICY)
    except Exception as exc:  # the broker's failure is never the user's: the sweep catches up
        log.warning("could not enqueue evaluation of workouts %s (%s); the sweep will catch up", workout_ids, exc)


def evaluate_after_commit(workout_ids):
    ids = [str(workout_id) for workout_id in dict.fromkeys(workout_ids)]
    transaction.on_commit(lambda: _publish(ids))
