"""Celery tasks: thin wrappers over notifications.delivery and notifications.reminder_run.

Each is safe to run twice or at once on two workers: notifications are unique per recipient
and key, deliveries per notification and target, and every send and every reminder slot is
claimed by a conditional UPDATE that one caller wins. So late acknowledgement and retries are
safe.
"""

import logging

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError

from notifications import delivery, reminder_run

log = logging.getLogger(__name__)


@shared_task(
    name="notifications.deliver",
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def deliver(notification_ids):
    """Dispatch these notifications and send what is due of them."""
    # Well within the soft time limit: what a slow push service leaves, the sweep sends.
    return delivery.deliver(notification_ids, budget=settings.CELERY_TASK_SOFT_TIME_LIMIT / 2)


@shared_task(name="notifications.sweep")
def sweep():
    """Send what waits: notifications held through quiet hours, retries, lost messages, dead workers'."""
    # Within the interval, so one run ends before beat sends the next.
    dispatched, sent = delivery.run_sweep(budget=settings.NOTIFICATIONS_SWEEP_SECONDS * 3 / 4)
    if dispatched or sent:
        log.info("delivery sweep: %s notifications dispatched, %s deliveries sent", dispatched, sent)
    return sent


@shared_task(name="notifications.send_reminders")
def send_reminders():
    """Remind the users whose reminder slot has come."""
    claimed, written = reminder_run.run_reminders()
    if claimed:
        log.info("reminders: %s users due, %s reminders written", claimed, written)
    return written
