"""End to end on the real broker (the embedded one locally, Redis in CI): a log with an emergency
screen, a real worker, and the fake push service receiving one decrypted push marked urgent."""

import re
import time
import uuid

import pytest

from config.celery import app as celery_app
from notifications import delivery
from notifications.tasks import deliver
from recovery import evaluation
from tests.conftest import celery_process, celery_worker_args, client_for, delete_queue, push_environment
from tests.factories import UserFactory, WorkoutFactory
from tests.notification_helpers import subscribe

# A worker whose own publishing (the deliveries its evaluations announce) goes to the queue it
# consumes: `python -c WORKER <queue> worker <options>`.
WORKER = "import sys; from config.celery import app; app.conf.task_default_queue = sys.argv[1]; app.start(sys.argv[2:])"


DELIVERED = re.compile(r"Task notifications\.deliver\[[0-9a-f-]+\] succeeded")


def wait_for(predicate, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


@pytest.fixture
def notifying_worker(transactional_db, push, vapid_pair, tmp_path):
    queue = f"tests-notify-{uuid.uuid4().hex[:8]}"
    previous = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    args = ["-c", WORKER, queue, *celery_worker_args(queue)[4:]]
    log_path = tmp_path / "worker.log"
    try:
        env = push_environment(push, vapid_pair)
        with celery_process(args, log_path=log_path, ready="ready.", env=env) as proc:
            proc.log_path = log_path
            yield proc
    finally:
        celery_app.conf.task_default_queue = previous
        delete_queue(queue)


@pytest.mark.worker
def test_an_emergency_log_reaches_the_phone_once_through_a_real_worker(notifying_worker, push):
    user = UserFactory(username="e2e_push")
    phone = push.subscribe()
    subscribe(user, phone)
    workout = WorkoutFactory(owner=user)
    api = client_for(user)
    response = api.put(
        f"/api/v1/workouts/{workout.pk}/logs/{workout.performed_on}/",
        {"pain": 6, "bladder_bowel_change": True},
        format="json",
    )
    assert response.json()["triage"]["level"] == "emergency"

    log = notifying_worker.log_path
    assert wait_for(lambda: push.pushes_to(phone)), f"no push arrived\n{log.read_text()}"
    (received,) = push.pushes_to(phone)
    assert received.headers["urgency"] == "high"
    assert received.payload["title"] == "Get emergency care now"
    assert "emergency" in received.payload["body"].lower()
    assert push.problems == []
    feed = api.get("/api/v1/notifications/").json()
    assert [(item["kind"], item["id"]) for item in feed["results"]] == [("alert", received.payload["id"])]

    # The task again (a duplicate message), the sweep, and this process as a second worker: still one.
    deliver.delay([received.payload["id"]])
    delivery.run_sweep()
    delivery.deliver([received.payload["id"]])
    assert wait_for(lambda: len(DELIVERED.findall(log.read_text())) == 2), log.read_text()
    assert len(push.pushes_to(phone)) == 1


@pytest.fixture
def unreachable_broker():
    """The producer pointed at a port where no broker listens, as if Redis were down."""
    previous = {key: celery_app.conf[key] for key in ("broker_url", "broker_transport_options")}
    celery_app.conf.update(broker_url="redis://127.0.0.1:9/0", broker_transport_options={"socket_connect_timeout": 1})
    celery_app._pool = celery_app.amqp._producer_pool = None
    yield
    celery_app.conf.update(**previous)
    celery_app._pool = celery_app.amqp._producer_pool = None


@pytest.mark.django_db(transaction=True)
def test_an_alert_raised_while_the_broker_is_down_is_pushed_by_the_sweep(unreachable_broker, push, caplog):
    user = UserFactory(username="broker_down_push", email="")
    phone = push.subscribe()
    subscribe(user, phone)
    workout = WorkoutFactory(owner=user)
    api = client_for(user)
    url = f"/api/v1/workouts/{workout.pk}/logs/{workout.performed_on}/"
    response = api.put(url, {"pain": 3, "both_legs": True}, format="json")
    assert response.status_code == 201

    evaluation.run_sweep()  # recovery's sweep raises the alert; publishing its delivery fails too
    assert "could not enqueue 1 notifications" in caplog.text
    assert push.received == []
    assert delivery.run_sweep() == (1, 1)
    (received,) = push.pushes_to(phone)
    assert received.headers["urgency"] == "high"


def test_beat_sends_the_reminder_run_every_minute_and_the_delivery_sweep_every_interval(settings):
    schedule = celery_app.conf.beat_schedule
    assert (schedule["reminders"]["task"], schedule["reminders"]["schedule"]) == ("notifications.send_reminders", 60.0)
    assert schedule["notifications-sweep"]["task"] == "notifications.sweep"
    assert schedule["notifications-sweep"]["schedule"] == float(settings.NOTIFICATIONS_SWEEP_SECONDS)
    assert schedule["reminders"]["options"]["expires"] < 60, "a tick not run before the next expires"
