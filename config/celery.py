"""The Celery application. Configuration is read from Django settings (CELERY_*)."""

import logging
import os

from celery import Celery
from celery.signals import beat_init
from django.conf import settings

from config.env import load_settings_or_exit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

log = logging.getLogger(__name__)

app = Celery("rebound")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_configure.connect
def check_settings(sender, **kwargs):
    # Before Celery reads its configuration: a bad value ends a worker or beat in one line.
    load_settings_or_exit()


# The beat schedule is code, reviewed like code. It is added once the configuration is loaded:
# the interval is a setting (RECOVERY_SWEEP_SECONDS), and this module is imported (by
# config/__init__.py) before Django's settings are.
@app.on_after_configure.connect
def schedule_periodic_tasks(sender, **kwargs):
    every = settings.RECOVERY_SWEEP_SECONDS
    # Safety net: evaluates every workout whose logs changed but whose evaluation message
    # was lost (broker down, worker killed). Expires before the next one is sent, so a
    # backlog never piles up sweeps (290 s at the default 300).
    sender.add_periodic_task(
        float(every), sender.signature("recovery.sweep"), name="recovery-sweep", expires=every * 29 / 30
    )
    # Reminders: every minute, the users whose reminder slot has come (notifications.reminder_run).
    sender.add_periodic_task(60.0, sender.signature("notifications.send_reminders"), name="reminders", expires=58)
    # Safety net for deliveries: notifications held through quiet hours, retries whose back-off
    # is over, and whatever a lost message or a dead worker left pending.
    every = settings.NOTIFICATIONS_SWEEP_SECONDS
    sender.add_periodic_task(
        float(every), sender.signature("notifications.sweep"), name="notifications-sweep", expires=every * 29 / 30
    )


@beat_init.connect
def announce_beat(sender, **kwargs):
    """Log "beat: ready" once beat's scheduler is built, its schedule file open.

    Celery's own "beat: Starting..." comes before that: a beat stopped between the two builds
    a second scheduler in its SIGTERM handler, in the middle of the first one's imports, and
    dies with a traceback. Whoever waits for beat (scripts, tests, an operator) waits for this.
    """
    entries = sorted(sender.scheduler.schedule)
    log.info("beat: ready, %d periodic tasks (%s), schedule in %s", len(entries), ", ".join(entries),
             sender.schedule_filename)  # fmt: skip


@app.task(name="rebound.ping", ignore_result=False, acks_late=False)
def ping():
    """Answer "pong": lets health checks and tests prove a worker consumes the queue."""
    return "pong"
