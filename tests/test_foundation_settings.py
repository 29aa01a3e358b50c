"""Production settings: refuse to start without secrets, pass `check --deploy` cleanly."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, **env):
    base = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "SECRET_KEY_FILE", "ALLOWED_HOSTS", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_debug_off_without_secret_key_refuses_to_start():
    result = manage("check", DEBUG="0", ALLOWED_HOSTS="rebound.example")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_off_without_allowed_hosts_refuses_to_start():
    result = manage("check", DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is not set" in result.stderr


def test_a_malformed_boolean_is_an_error_not_a_default():
    result = manage("check", DEBUG="ture")
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


def test_production_settings_pass_check_deploy_with_no_warnings():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="rebound.example",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_secret_key_can_come_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text(secrets.token_urlsafe(50))
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DEBUG="0", SECRET_KEY_FILE=str(secret), ALLOWED_HOSTS="rebound.example",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


# (variable, value): each used to start cleanly and fail later (a 500 on every request, every
# token born expired, an auth scope that refuses everyone) or crash with a raw traceback.
BAD_VALUES = [
    ("THROTTLE_USER", "abc"),
    ("THROTTLE_USER", "10/minutes"),
    ("THROTTLE_AUTH", "0/min"),
    ("THROTTLE_AUTH_USERNAME", "-5/min"),
    ("TOKEN_TTL_DAYS", "-1"),
    ("TOKEN_TTL_DAYS", "0"),
    ("TOKEN_TTL_DAYS", "99999999999"),
    ("LOG_LEVEL", "LOUD"),
    ("NUM_PROXIES", "-1"),
    ("RECOVERY_SWEEP_SECONDS", "0"),
    ("CELERY_TASK_TIME_LIMIT", "2"),
    ("CELERY_TASK_SOFT_TIME_LIMIT", "400"),
    ("DB_CONN_MAX_AGE", "soon"),
    ("AXES_FAILURE_LIMIT", "0"),
    ("DEBUG", "ture"),
]


@pytest.mark.parametrize("name, value", BAD_VALUES, ids=[f"{n}={v}" for n, v in BAD_VALUES])
def test_a_value_rebound_cannot_use_stops_start_up_in_one_line_naming_it(name, value):
    result = manage("check", **{name: value})
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Rebound cannot start: ") and name in lines[0] and repr(value) in lines[0]
    assert "must be" in lines[0], "it says what the variable accepts"


def test_the_worker_and_gunicorn_stop_in_one_line_too(tmp_path):
    env = {**os.environ, "LOG_LEVEL": "LOUD"}
    worker = subprocess.run(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert worker.returncode != 0
    assert worker.stderr.strip().splitlines() == [
        "Rebound cannot start: LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL; got 'LOUD'."
    ]
    gunicorn = subprocess.run(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", "127.0.0.1:0", "--no-control-socket"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert gunicorn.returncode != 0, "the master stops instead of restarting the worker forever"
    assert "Rebound cannot start: LOG_LEVEL must be one of" in gunicorn.stderr
    assert "Traceback" not in gunicorn.stderr


def test_a_database_urls_own_postgresql_options_come_after_the_projects_and_win():
    show = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS']['options'])"
    url = "postgres://u@127.0.0.1:5432/db?options=-c%20random_page_cost%3D2"
    result = manage("shell", "-c", show, DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "-c random_page_cost=1.1 -c random_page_cost=2"
