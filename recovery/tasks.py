"""Celery tasks: thin wrappers over recovery.evaluation.

Every task is idempotent (alerts are unique per workout and reason; results are stored
only where the workout is still as read), so late acknowledgement and retries are safe.
"""

import logging

from celery import shared_task
from django.db import DatabaseError

from recovery import evaluation

log = logging.getLogger(__name__)


@shared_task(
    name="recovery.evaluate_workouts",
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def evaluate_workouts(workout_ids):
    """Evaluate workouts whose logs changed, recording any new alert."""
    new_alerts = evaluation.evaluate_workouts(workout_ids)
    if new_alerts:
        log.info("workouts %s raised alerts %s", workout_ids, new_alerts)
    return len(new_alerts)


@shared_task(name="recovery.sweep")
def sweep():
    """Catch up every workout still flagged due: lost messages, crashed workers."""
    evaluated, raised = evaluation.run_sweep()
    log.info("recovery sweep: %s workouts evaluated, %s alerts raised", evaluated, raised)
    return evaluated
