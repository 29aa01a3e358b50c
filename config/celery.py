"""The Celery application. Configuration is read from Django settings (CELERY_*)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("rebound")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The beat schedule is code, reviewed like code.
app.conf.beat_schedule = {
    # Safety net: evaluates every workout whose logs changed but whose evaluation message
    # was lost (broker down, worker killed). Expires so a backlog never piles up sweeps.
    "recovery-sweep": {"task": "recovery.sweep", "schedule": 300.0, "options": {"expires": 290}},
}


@app.task(name="rebound.ping", ignore_result=False, acks_late=False)
def ping():
    """Answer "pong": lets health checks and tests prove a worker consumes the queue."""
    return "pong"
