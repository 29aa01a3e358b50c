"""Publish an evaluation once the transaction commits, without the request ever waiting.

The workouts are flagged due in the same transaction; if the broker is down the
publisher gives up (config/publish.py) and the periodic sweep evaluates them.
"""

from django.db import transaction

from config.publish import publisher
from recovery.tasks import evaluate_workouts


def evaluate_after_commit(workout_ids):
    transaction.on_commit(evaluation_publisher(workout_ids))


def evaluation_publisher(workout_ids):
    """The callable that publishes these workouts' evaluation (to run once their change commits)."""
    ids = [str(workout_id) for workout_id in dict.fromkeys(workout_ids)]
    return lambda: publisher.submit(evaluate_workouts, (ids,), merge=True)
