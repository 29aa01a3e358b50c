"""Celery tasks: thin wrappers over recovery.evaluation.

Every task is idempotent (alerts are unique per workout and reason; results are written
only where the workout is still as read), so late acknowledgement and retries are safe.
"""

import logging

from celery import shared_task
from django.db import DatabaseError

from recovery.evaluation import evaluate_workouts, run_sweep

log = logging.getLogger(__name__)


@shared_task(
    name="recovery.evaluate_workout",
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def evaluate_workout(workout_id):
    """Evaluate one workout whose logs changed, recording any new alert."""
    new_alerts = evaluate_workouts([workout_id])
    if new_alerts:
        log.info("workout %s raised alerts %s (delivery pending)", workout_id, new_alerts)
    return len(new_alerts)


@shared_task(name="recovery.sweep")
def sweep():
    """Catch up every workout still flagged due: lost messages, crashed workers."""
    evaluated, raised = run_sweep()
    log.info("recovery sweep: %s workouts evaluated, %s alerts raised", evaluated, raised)
    return evaluated
