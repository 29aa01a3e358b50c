"""A real Celery worker process consumes tasks from the configured broker."""

import os

import pytest
from django.conf import settings

from config.celery import ping

pytestmark = pytest.mark.worker


def test_broker_is_the_configured_one():
    if os.environ.get("REDIS_URL"):
        assert settings.CELERY_BROKER_URL.startswith("redis://")
    else:
        assert settings.CELERY_BROKER_URL == "filesystem://"
    assert not getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False)


def test_a_real_worker_consumes_a_task(celery_worker_process):
    result = ping.delay()
    assert result.get(timeout=30) == "pong"
    assert celery_worker_process.poll() is None, "the worker is a separate, live process"
