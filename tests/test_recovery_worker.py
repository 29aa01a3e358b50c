"""The Celery path end to end, on the real broker (the embedded one locally, Redis in CI)."""

import datetime
import time

import pytest

from config.celery import app as celery_app
from config.publish import publisher
from recovery.models import Alert
from recovery.tasks import evaluate_workouts, sweep
from tests.conftest import client_for
from tests.factories import UserFactory, WorkoutFactory
from tests.recovery_helpers import due_at
from tracker.models import PainLog


def wait_for(predicate, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.worker
def test_a_red_flag_becomes_one_alert_via_the_worker_without_the_sweep(celery_worker_process):
    user = UserFactory(username="worker_e2e")
    workout = WorkoutFactory(owner=user, performed_on=user.local_today() - datetime.timedelta(days=1))
    response = client_for(user).put(
        f"/api/v1/workouts/{workout.pk}/logs/{workout.performed_on}/",
        {"pain": 5, "radiates_to_legs": True, "numbness_tingling": True},
        format="json",
    )
    assert response.status_code == 201
    assert wait_for(lambda: Alert.objects.filter(workout=workout).count() == 2), "the worker raised no alert"
    assert wait_for(lambda: due_at(workout) is None)

    for _ in range(2):  # the task and the sweep again: still one alert per reason
        evaluate_workouts.delay([str(workout.pk)])
        sweep()
    time.sleep(1)
    assert sorted(Alert.objects.filter(workout=workout).values_list("reason", flat=True)) == [
        "numbness_tingling",
        "radiating_pain",
    ]


def forget_connections():
    """Drop the app's cached connections and producers, so the next publish uses the conf."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def unreachable_broker():
    """Point the producer at a port where no broker listens, as if Redis were down."""
    previous = {key: celery_app.conf[key] for key in ("broker_url", "broker_transport_options")}
    celery_app.conf.update(broker_url="redis://127.0.0.1:9/0", broker_transport_options={"socket_connect_timeout": 1})
    forget_connections()
    yield
    publisher.flush(timeout=10)  # what was handed over meets the dead broker, not the restored one
    celery_app.conf.update(**previous)
    forget_connections()


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_put_still_succeeds_fast_and_the_sweep_raises_the_alert(unreachable_broker, caplog):
    user = UserFactory(username="broker_down")
    workout = WorkoutFactory(owner=user, performed_on=user.local_today())
    started = time.monotonic()
    response = client_for(user).put(
        f"/api/v1/workouts/{workout.pk}/logs/{workout.performed_on}/", {"pain": 8, "both_legs": True}, format="json"
    )
    elapsed = time.monotonic() - started
    assert response.status_code == 201
    assert publisher.flush(timeout=10)
    assert "could not publish recovery.evaluate_workouts" in caplog.text, "the publish really met a dead broker"
    assert response.json()["triage"]["level"] == "emergency"
    assert elapsed < 1.0, f"the PUT took {elapsed:.2f}s with the broker down"
    assert PainLog.objects.filter(workout=workout).exists(), "the log is kept"
    assert not Alert.objects.exists()

    sweep()
    assert sorted(Alert.objects.values_list("reason", flat=True)) == ["cauda_equina", "severe_pain"]


class RecordingTask:
    name = "recording"

    def __init__(self):
        self.calls = []

    def apply_async(self, args, **options):
        self.calls.append(args)


def test_submissions_that_may_merge_are_published_as_one_task_over_all_their_ids():
    task, other = RecordingTask(), RecordingTask()
    publisher.submit(task, (["a", "b"],), merge=True)
    publisher.submit(task, (["b", "c"],), merge=True)
    publisher.submit(other, (["x"],))
    assert publisher.flush(timeout=10)
    assert task.calls == [(["a", "b", "c"],)]
    assert other.calls == [(["x"],)]
