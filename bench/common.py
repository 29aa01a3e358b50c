"""Helpers shared by the benchmark scripts: a database of their own, a gunicorn to load."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def bench_database_url():
    """BENCH_DATABASE_URL, else a PostgreSQL `rebound_bench` database if one answers, else SQLite."""
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        return url
    try:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True, connect_timeout=2) as c:
            if not c.execute("SELECT 1 FROM pg_database WHERE datname = 'rebound_bench'").fetchone():
                c.execute("CREATE DATABASE rebound_bench")
        return "postgres://postgres@127.0.0.1:5432/rebound_bench"
    except Exception:
        return f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}"


def setup_django(database_url, **env):
    os.environ["DATABASE_URL"] = database_url
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(env, workers):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--worker-class", "gthread", "--threads", "4", "--log-level", "warning"],
        cwd=ROOT, env={**os.environ, **env},
    )  # fmt: skip
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/", timeout=1)
            return proc, port
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("gunicorn did not start")
