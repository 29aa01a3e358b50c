"""The Celery app with one more task, for worker tests that need a task to take its time.

Workers started with `-A tests.celery_sleep` run it; the app and its settings are Rebound's.
"""

import time

from config.celery import app

__all__ = ["app"]


@app.task(name="tests.sleep")
def sleep(seconds):
    time.sleep(seconds)
    return "slept"
