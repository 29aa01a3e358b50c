"""Redis dies, stalls, comes back: the app keeps answering, loses nothing, and the worker
recovers on its own. Real parts only: a redis-server of the test's own (tests/redis_server.py),
gunicorn and Celery worker processes on it, the test database underneath."""

import contextlib
import datetime
import http.client
import json
import os
import subprocess
import sys
import time

import kombu
import pytest
import redis
from celery import Celery

from config import broker
from recovery.models import Alert
from tests.conftest import ROOT, celery_process, database_url_for_subprocess
from tests.factories import UserFactory, WorkoutFactory
from tests.redis_server import RedisServer, free_port
from tracker.models import PainLog

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# How long an ack can hang on a stalled Redis: the broker's socket timeout (config/settings.py),
# tried twice (config/broker.py).
ACK_GIVES_UP_AFTER = 2 * 3


@pytest.fixture
def redis_server():
    server = RedisServer().start()
    yield server
    server.stop()


def production_env(redis_url, tmp_path):
    return {
        **os.environ,
        "DATABASE_URL": database_url_for_subprocess(),
        "REDIS_URL": redis_url,
        "DEBUG": "0",
        "SECRET_KEY": "fault-tests-only-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "VAR_DIR": str(tmp_path / "var"),
    }


@contextlib.contextmanager
def gunicorn(redis_url, tmp_path):
    """gunicorn serving the app on the test database, with Redis at redis_url."""
    port = free_port()
    log = tmp_path / "gunicorn.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1",
             "--threads", "4", "--no-control-socket", "--log-level", "warning"],
            cwd=ROOT, env=production_env(redis_url, tmp_path), stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while call(port, "GET", "/healthz/", timeout=2)[0] is None:
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not start:\n{log.read_text()}")
            time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def call(port, method, path, body=None, token=None, timeout=10, headers=None):
    """(status, JSON body, seconds) of one request; (None, None, seconds) if nothing answered."""
    headers = {"Host": "127.0.0.1", **(headers or {})}
    if token:
        headers["Authorization"] = f"Token {token}"
    if body is not None:
        headers["Content-Type"] = "application/json"
        body = json.dumps(body)
    started = time.monotonic()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        raw = response.read()
    except OSError:
        return None, None, time.monotonic() - started
    elapsed = time.monotonic() - started
    return response.status, (json.loads(raw) if raw else None), elapsed


def patient_with_a_workout():
    from knox.models import AuthToken

    user = UserFactory(username=f"fault{free_port()}")
    workout = WorkoutFactory(owner=user, performed_on=user.local_today() - datetime.timedelta(days=1))
    _, token = AuthToken.objects.create(user)
    return user, workout, token


def emergency_put(port, token, workout):
    day = workout.performed_on + datetime.timedelta(days=1)
    body = {"pain": 8, "both_legs": True, "saddle_numbness": True}
    return call(port, "PUT", f"/api/v1/workouts/{workout.pk}/logs/{day}/", body, token)


def assert_the_app_answers_without_redis(port, token, workout):
    status, body, elapsed = emergency_put(port, token, workout)
    assert status == 201, body
    assert body["triage"]["level"] == "emergency" and body["triage"]["message"].startswith("Get emergency care now")
    assert elapsed < 1.0, f"the emergency PUT took {elapsed:.2f} s"
    assert PainLog.objects.filter(workout=workout).count() == 1, "the log is committed"
    for path in ("/api/v1/me/", "/api/v1/workouts/", f"/api/v1/workouts/{workout.pk}/recovery/",
                 "/api/v1/recovery/today/", "/api/v1/alerts/"):  # fmt: skip
        status, body, elapsed = call(port, "GET", path, token=token)
        assert status == 200 and elapsed < 1.0, (path, status, body, elapsed)
    status, body, elapsed = call(port, "GET", "/healthz/")
    assert status == 503 and body["database"] == "ok", body
    assert body["broker"].startswith("error") and body["cache"].startswith("error"), body
    assert elapsed < 2.5, f"/healthz/ took {elapsed:.2f} s"


def client_for(redis_url):
    """A Celery client of the test's own Redis (the suite's app points at the shared one)."""
    return Celery("fault-tests", broker=redis_url, backend=redis_url, set_as_current=False)


@contextlib.contextmanager
def worker(redis_url, tmp_path, name, app="config", concurrency=2):
    """`celery worker` as the compose stack runs it (prefork; gossip, mingle and heartbeat on)."""
    args = ["-m", "celery", "-A", app, "worker", f"--concurrency={concurrency}", "--loglevel=INFO", "-n", name]
    log_path = tmp_path / f"{name.split('@')[0]}.log"
    with celery_process(args, log_path=log_path, ready="ready.", env={"REDIS_URL": redis_url}) as proc:
        proc.log_path = log_path
        yield proc


def wait_for(predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


def test_with_redis_dead_the_app_answers_and_the_sweep_records_the_alert_once_it_is_back(redis_server, tmp_path):
    _, workout, token = patient_with_a_workout()
    with gunicorn(redis_server.url, tmp_path) as port:
        redis_server.kill()
        assert_the_app_answers_without_redis(port, token, workout)
    assert not Alert.objects.filter(workout=workout).exists(), "no worker could have seen it yet"

    redis_server.start()  # back, on the same port, empty: the PUT's own message is gone
    with worker(redis_server.url, tmp_path, "sweeper@%h"):
        client_for(redis_server.url).send_task("recovery.sweep")
        recorded = wait_for(lambda: Alert.objects.filter(workout=workout, reason="cauda_equina").exists(), 30)
    assert recorded, "the sweep did not record the emergency raised while Redis was down"


def test_with_redis_frozen_the_app_answers_within_a_second(redis_server, tmp_path):
    _, workout, token = patient_with_a_workout()
    with gunicorn(redis_server.url, tmp_path) as port:
        assert call(port, "GET", "/api/v1/me/", token=token)[0] == 200  # connections made before the stall
        redis_server.freeze()
        try:
            assert_the_app_answers_without_redis(port, token, workout)
        finally:
            redis_server.thaw()
        status, body, _ = call(port, "GET", "/healthz/")
        assert (status, body) == (200, {"database": "ok", "broker": "ok", "cache": "ok"})


def test_an_ack_lost_in_a_stall_gives_its_prefetch_slot_back(redis_server):
    """Kombu's Redis QoS kept the slot of an ack that timed out: once every slot was kept, the
    worker consumed nothing more, for good (config/broker.py)."""
    conn = kombu.Connection(redis_server.url, transport=broker.Transport, transport_options={"socket_timeout": 0.5})
    with conn:
        channel = conn.channel()
        channel.basic_qos(prefetch_size=0, prefetch_count=1, apply_global=False)
        queue = kombu.Queue("stall-test", routing_key="stall-test", channel=channel)
        queue.declare()
        kombu.Producer(channel).publish({"task": "in hand"}, routing_key="stall-test")
        message = queue.get(no_ack=False)
        assert message is not None and not channel.qos.can_consume(), "the one slot is taken"
        redis_server.freeze()
        try:
            with pytest.raises((kombu.exceptions.OperationalError, redis.RedisError, OSError)):
                message.ack()
        finally:
            redis_server.thaw()
        assert channel.qos.can_consume(), "the slot is free again: the worker goes on consuming"


def test_a_worker_consumes_again_after_redis_stalls_while_it_works(redis_server, tmp_path):
    """The worker as the compose stack runs it, stalled mid-task (its ack, its polling and its
    heartbeats time out, depending on the moment): it takes new tasks again without a restart."""
    client = client_for(redis_server.url)
    with worker(redis_server.url, tmp_path, "stalled@%h", app="tests.celery_sleep", concurrency=1) as proc:
        log = proc.log_path
        client.send_task("tests.sleep", args=[1.5])
        assert wait_for(lambda: "tests.sleep[" in log.read_text() and "received" in log.read_text(), 20)
        redis_server.freeze()  # the task finishes while Redis answers nothing
        try:
            assert wait_for(lambda: "succeeded" in log.read_text(), 10)
            time.sleep(ACK_GIVES_UP_AFTER + 1)
        finally:
            redis_server.thaw()

        answer = client.send_task("rebound.ping").get(timeout=30)
        assert answer == "pong", "the worker took no new task after the stall"
        health = subprocess.run(
            [sys.executable, "-m", "config.worker_health", proc_name(log), "--timeout", "20"],
            cwd=ROOT, env=production_env(redis_server.url, tmp_path), capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert health.returncode == 0, health.stderr


def proc_name(log_path):
    """The worker's node name as it logged it ("stalled@host ready.")."""
    for line in log_path.read_text().splitlines():
        if line.rstrip().endswith(" ready."):
            return line.rsplit("] ", 1)[-1].removesuffix(" ready.").strip()
    raise AssertionError("the worker never said it was ready")


def test_the_worker_health_check_fails_when_the_worker_takes_no_task(redis_server, tmp_path):
    """`inspect ping` is answered by the worker's control thread whatever its pool does; the
    health check sends a real task through the worker's own queue instead."""
    client = client_for(redis_server.url)
    env = production_env(redis_server.url, tmp_path)
    with worker(redis_server.url, tmp_path, "busy@%h", app="tests.celery_sleep", concurrency=1) as proc:
        name = proc_name(proc.log_path)
        client.send_task("tests.sleep", args=[8])
        assert wait_for(lambda: "tests.sleep[" in proc.log_path.read_text(), 20)
        inspect = subprocess.run(
            [sys.executable, "-m", "celery", "-A", "config", "inspect", "ping", "-d", name, "--timeout", "3"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        health = subprocess.run(
            [sys.executable, "-m", "config.worker_health", name, "--timeout", "3"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert inspect.returncode == 0, "inspect ping is green while the worker takes no task"
    assert health.returncode == 1 and "no answer to a real task" in health.stderr, health.stderr


def test_a_chunked_body_without_a_length_is_411_not_an_empty_log(redis_server, tmp_path):
    _, workout, token = patient_with_a_workout()
    day = workout.performed_on
    with gunicorn(redis_server.url, tmp_path) as port:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request(
            "PUT", f"/api/v1/workouts/{workout.pk}/logs/{day}/", body=iter([b'{"pain": ', b"3}"]),
            headers={"Host": "127.0.0.1", "Authorization": f"Token {token}", "Content-Type": "application/json"},
            encode_chunked=True,
        )  # fmt: skip
        response = conn.getresponse()
        assert response.status == 411, response.read()
        assert "Content-Length" in json.loads(response.read())["detail"]
    assert not PainLog.objects.exists()
