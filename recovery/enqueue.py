"""Publish an evaluation once the transaction commits, without the request ever waiting.

The workouts are flagged due in the same transaction; if the broker is down the
publisher gives up (config/publish.py) and the periodic sweep evaluates them.
"""

from django.db import transaction

from config.publish import publisher
from recovery.tasks import evaluate_workouts


def evaluate_after_commit(workout_ids):
    ids = [str(workout_id) for workout_id in dict.fromkeys(workout_ids)]
    transaction.on_commit(lambda: publisher.submit(evaluate_workouts, (ids,), merge=True))
