import asyncio
import contextlib
import copy
import datetime
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import time_machine
from django.db import connection, connections
from knox.models import AuthToken
from playwright.sync_api import sync_playwright
from rest_framework.test import APIClient

from config.celery import app as celery_app
from config.publish import publisher
from notifications import vapid
from tests.factories import PhysioFactory, UserFactory
from tests.fake_push import FakePushService

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() == "true"

# The clock tests freeze at, with `pytest.mark.usefixtures("frozen_now")`.
NOW = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=datetime.UTC)
TODAY = NOW.date()


@pytest.fixture
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture(autouse=True)
def isolated_cache(settings):
    """A fresh cache key space per test, so throttle counters never leak between tests."""
    caches = copy.deepcopy(settings.CACHES)
    caches["default"]["KEY_PREFIX"] = uuid.uuid4().hex
    settings.CACHES = caches


def client_for(user):
    client = APIClient()
    if user is not None:
        _, token = AuthToken.objects.create(user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def api(patient):
    """The patient's API client, authenticated with a real token."""
    return client_for(patient)


@pytest.fixture
def other_api(other_patient):
    return client_for(other_patient)


@pytest.fixture
def anon_api():
    return APIClient()


@pytest.fixture
def patient(db):
    return UserFactory(username="alice")


@pytest.fixture
def other_patient(db):
    return UserFactory(username="bob")


@pytest.fixture
def physio(db):
    return PhysioFactory(username="dr_carol")


def database_url_for_subprocess():
    """A DATABASE_URL naming the database the tests are using (the test database)."""
    s = connection.settings_dict
    if s["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@contextlib.contextmanager
def celery_process(args, *, log_path, ready, env=None):
    """A real Celery process (`python *args`) on the test database, running until the block ends.

    Yields once `ready` appears in its log. On the way out it gets SIGTERM (a warm shutdown:
    the task in hand finishes) and is waited for, so it no longer holds a connection to the
    test database when pytest-django drops it.
    """
    env = {**os.environ, "DATABASE_URL": database_url_for_subprocess(), "DEBUG": "1", **(env or {})}
    with open(log_path, "w") as log:
        proc = subprocess.Popen([sys.executable, *args], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while ready not in log_path.read_text():
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{' '.join(args)} did not start:\n{log_path.read_text()}")
            time.sleep(0.2)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def celery_worker_args(queue):
    """`celery worker` as one process (solo pool) consuming `queue` only; `ready.` when it is up."""
    return ["-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", queue, "--without-gossip",
            "--without-mingle", "--without-heartbeat", "--loglevel=INFO", "-n", f"{queue}@%h"]  # fmt: skip


def delete_queue(name):
    """Remove a test's queue, its messages and its bindings from the configured broker."""
    queue = celery_app.amqp.queues[name]  # made (direct exchange of the same name) if missing
    with celery_app.connection_for_write() as conn:
        bound = queue(conn.default_channel)
        bound.declare()
        bound.purge()
        bound.delete()


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path):
    """A real `celery worker` process on the configured broker, on a queue of its own.

    The worker reads the test database, so tests using it must commit their data
    (hence transactional_db). The process has `.queue` (the default queue while the
    fixture lasts) and `.log_path`.
    """
    queue = f"tests-{uuid.uuid4().hex[:8]}"
    previous_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    log_path = tmp_path / "worker.log"
    try:
        with celery_process(celery_worker_args(queue), log_path=log_path, ready="ready.") as proc:
            proc.queue, proc.log_path = queue, log_path
            yield proc
    finally:
        celery_app.conf.task_default_queue = previous_queue
        delete_queue(queue)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Close the database connections a test opened while an event loop ran in its thread.

    Django's connections are thread-local, except while an asyncio loop is running in the
    thread (Playwright's sync API runs one for as long as its `with` block lasts): then they
    are local to that loop's context. Those are connections of their own, which pytest-django
    never sees (its teardown runs outside that context), so they stayed open and PostgreSQL
    refused to drop the test database ("is being accessed by other users").
    """
    try:
        return (yield)
    finally:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass
        else:
            connections.close_all()


def other_sessions_on_the_test_database(wait=5.0):
    """The PostgreSQL sessions, other than ours, still connected to the test database.

    Waits up to `wait` seconds for sessions on their way out (a process just stopped).
    """
    if connection.vendor != "postgresql":
        return []
    deadline = time.monotonic() + wait
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid, application_name, backend_start, state, left(query, 200) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            sessions = cursor.fetchall()
        if not sessions or time.monotonic() > deadline:
            return sessions
        time.sleep(0.2)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, checked before it is dropped: nothing may hold it open.

    PostgreSQL refuses to drop a database other sessions use; pytest-django would only warn
    and leave the database behind. A session still open here is a connection some test,
    thread or process never closed: fail, naming it.
    """
    yield
    with django_db_blocker.unblock():
        sessions = other_sessions_on_the_test_database()
    if sessions:
        pytest.fail(
            "connections to the test database are still open at teardown (pid, application, started, "
            "state, last query): " + "; ".join(repr(s) for s in sessions),
            pytrace=False,
        )


@pytest.fixture(scope="session", autouse=True)
def session_queue():
    """What the tests publish goes to a queue of this run's, deleted at the end.

    Transactional tests commit, so their saves publish evaluations after commit; left on the
    default `celery` queue, they would pile up and reach a developer's `make run` worker.
    """
    name = f"tests-session-{uuid.uuid4().hex[:8]}"
    previous = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = name
    yield name
    publisher.flush(timeout=30)  # what the web code handed over is published before the queue goes
    celery_app.conf.task_default_queue = previous
    delete_queue(name)


# -- Web Push: every subscription in the suite points at the fake push service on 127.0.0.1 --


@pytest.fixture(autouse=True)
def push_stays_on_this_machine(settings):
    """The only push service a test may name is the fake one on 127.0.0.1 (tests/fake_push.py)."""
    settings.PUSH_ENDPOINT_HOSTS = ["127.0.0.1"]


@pytest.fixture(scope="session")
def vapid_pair():
    return vapid.generate()


@pytest.fixture(scope="session")
def fake_push_service(vapid_pair, tmp_path_factory):
    with FakePushService(vapid_pair.public_key, tmp_path_factory.mktemp("push")) as service:
        yield service


def push_environment(service, pair):
    """The settings (as environment variables) under which a process pushes to the fake service."""
    return {
        "VAPID_PUBLIC_KEY": pair.public_key,
        "VAPID_PRIVATE_KEY": pair.private_key,
        "VAPID_SUBJECT": "mailto:push-tests@example.com",
        "PUSH_ENDPOINT_HOSTS": "127.0.0.1",
        "PUSH_TIMEOUT_SECONDS": "1",
        "REQUESTS_CA_BUNDLE": str(service.cert_path),
    }


@pytest.fixture
def push(fake_push_service, vapid_pair, settings, monkeypatch):
    """Web Push on, to the fake service: its certificate trusted, this suite's VAPID pair, 1 s timeout."""
    fake_push_service.reset()
    settings.WEB_PUSH, settings.VAPID_KEY_FILE = True, None
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = vapid_pair.public_key, vapid_pair.private_key
    settings.VAPID_SUBJECT = "mailto:push-tests@example.com"
    settings.PUSH_TIMEOUT_SECONDS = 1
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(fake_push_service.cert_path))
    yield fake_push_service
    fake_push_service.reset()


# -- Browser tests: Debian's Chromium driven by Playwright --

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def chromium_browser(monkeypatch):
    """A headless Chromium (Playwright's sync API). Missing Chromium: skipped on a laptop, a failure in CI."""
    if not os.path.exists(CHROMIUM):
        if IN_CI:
            pytest.fail(f"browser tests need {CHROMIUM} (Debian's chromium package)")
        pytest.skip(f"{CHROMIUM} is not installed")
    # Playwright's sync API runs an event loop in this thread; the ORM calls stay on it.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        yield browser
        browser.close()
        connections.close_all()
