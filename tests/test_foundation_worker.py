"""A real Celery worker process consumes tasks from the configured broker."""

import json
import time
import uuid
from pathlib import Path

import pytest
import redis
from celery.result import EagerResult
from celery.signals import task_prerun
from django.conf import settings

from config.celery import ping
from tests.conftest import celery_process, celery_worker_args, delete_queue

pytestmark = pytest.mark.worker


def messages_in_the_broker(queue):
    """The messages waiting in `queue`, read from the broker's own storage (not through Celery)."""
    if settings.REDIS_URL:  # kombu keeps a queue as a Redis list named after it
        client = redis.Redis.from_url(settings.REDIS_URL)
        try:
            return [json.loads(raw) for raw in reversed(client.lrange(queue, 0, -1))]
        finally:
            client.close()
    # The embedded broker: one file per message, "<time>_<uuid>.<queue>.msg", under var/broker/queue.
    folder = Path(settings.VAR_DIR) / "broker" / "queue"
    return [json.loads(path.read_text()) for path in sorted(folder.glob(f"*.{queue}.msg"))]


def test_a_published_task_waits_in_the_broker_until_a_worker_takes_it(transactional_db, tmp_path):
    queue = f"tests-parked-{uuid.uuid4().hex[:8]}"
    ran_here = []

    def record(sender, **kwargs):
        ran_here.append(sender.name)

    task_prerun.connect(record, weak=False)
    try:
        result = ping.apply_async(queue=queue)
        assert not isinstance(result, EagerResult), "Celery runs in eager mode"
        time.sleep(1)  # nobody consumes this queue: the message stays where it was put
        waiting = messages_in_the_broker(queue)
        assert [(m["headers"]["task"], m["headers"]["id"]) for m in waiting] == [("rebound.ping", result.id)]
        assert result.state == "PENDING"
        assert ran_here == [], "publishing ran the task in this process"

        with celery_process(celery_worker_args(queue), log_path=tmp_path / "worker.log", ready="ready."):
            assert result.get(timeout=30) == "pong"
        assert messages_in_the_broker(queue) == [], "the worker took the message off the queue"
        assert ran_here == []
    finally:
        task_prerun.disconnect(record)
        delete_queue(queue)


def test_a_real_worker_consumes_a_task(celery_worker_process):
    result = ping.delay()
    assert result.get(timeout=30) == "pong"
    assert celery_worker_process.poll() is None, "the worker is a separate, live process"
