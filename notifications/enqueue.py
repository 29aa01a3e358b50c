"""Publish deliveries once the transaction commits, without ever failing or stalling the caller.

The notifications are rows before anything is published: if the broker is down, they wait,
undispatched, and the delivery sweep (notifications.delivery.run_sweep) sends them. The task
is named, not imported: the modules that publish are the ones the tasks call.
"""

import logging

from celery import current_app
from django.db import transaction

log = logging.getLogger(__name__)

DELIVER = "notifications.deliver"  # notifications.tasks.deliver
# Notifications per task: small enough to spread over the workers, large enough to publish
# 100,000 reminders in 400 messages (a message costs this process a millisecond or two).
CHUNK = 250
# Bounded: one quick retry, then give up and leave it to the sweep.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.1, "interval_max": 0.1}


def publish(notification_ids):
    for start in range(0, len(notification_ids), CHUNK):
        chunk = notification_ids[start : start + CHUNK]
        try:
            # argsrepr: what logs and monitors show of the arguments. Celery's own, a repr of 250
            # ids cut to 1 kB, cost more than the rest of the publish (bench/sweep.py).
            current_app.send_task(
                DELIVER, (chunk,), argsrepr=f"([{len(chunk)} notification ids],)", retry=True,
                retry_policy=PUBLISH_RETRY_POLICY,
            )  # fmt: skip
        except Exception as exc:  # the broker's failure is no one's loss: the sweep delivers them
            left = len(notification_ids) - start
            log.warning("could not enqueue %s notifications (%s); the delivery sweep will send them", left, exc)
            return


def deliver_after_commit(notification_ids):
    ids = list(dict.fromkeys(notification_ids))
    if ids:
        transaction.on_commit(lambda: publish(ids))
