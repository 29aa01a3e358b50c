"""100,000 users due a reminder in the same minute: claim and enqueue, then deliver with two workers.

PostgreSQL (database `rebound_bench_notify`, recreated) and Redis (db 10, flushed) only. Seeds
100,000 users spread over five time zones, each with an open episode, no log today and one push
subscription at the fake push service (tests/fake_push.py: HTTPS on 127.0.0.1, VAPID JWT checked,
every payload decrypted), all due at the same minute. Then times
  claim+enqueue: `run_reminders()` in this process (claims every user, writes 100,000 log
    reminders, publishes their delivery tasks to Redis), with its queries counted per batch;
  delivery: two Celery worker processes draining those tasks to the fake push service, from the
    moment both are ready to the last push received.

    .venv/bin/python bench/reminders.py [--users 100000] [--concurrency 1]
"""

import argparse
import datetime
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from common import ROOT, setup_django
from tqdm import tqdm

DATABASE = "rebound_bench_notify"
REDIS_URL = "redis://127.0.0.1:6379/10"
ZONES = ("UTC", "America/New_York", "Asia/Kolkata", "Pacific/Kiritimati", "Europe/Berlin")


def fresh_database():
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DATABASE}")
    return f"postgres://postgres@127.0.0.1:5432/{DATABASE}"


def copy(cursor, table, columns, lines):
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as target:
        target.write("".join(lines))


USER_COLUMNS = (
    "password, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined, timezone, "
    "reminder_time, is_physio"
)
WORKOUT_COLUMNS = "id, owner_id, performed_on, title, warmed_up, cooled_down, notes, created_at, updated_at"
LOG_COLUMNS = (
    "id, workout_id, logged_on, pain, locations, quality, radiates_to_legs, numbness_tingling, difficulty_standing, "
    "difficulty_bending, difficulty_walking, worse_at_rest, bladder_bowel_change, saddle_numbness, leg_weakness, "
    "both_legs, notes, created_at, updated_at"
)
SUBSCRIPTION_COLUMNS = "user_id, endpoint, p256dh, auth, created_at, updated_at"


def tsv(*values):
    return "\t".join(str(value) for value in values) + "\n"


def seed(service, n_users, due):
    """Users, their workouts (performed five days ago), a log yesterday, an open episode, a schedule
    due at `due`, and one subscription each at the fake service."""
    from django.db import connection

    now = due.isoformat()
    performed, yesterday = due.date() - datetime.timedelta(days=5), due.date() - datetime.timedelta(days=1)
    flags = ["f"] * 10
    with connection.connection.cursor() as cur:
        zones = [ZONES[i % len(ZONES)] for i in range(n_users)]
        users = [
            tsv("!", "f", f"remind{i}", "", "", "", "f", "t", now, zone, "20:00", "f") for i, zone in enumerate(zones)
        ]
        copy(cur, "accounts_user", USER_COLUMNS, users)
        cur.execute("SELECT id FROM accounts_user ORDER BY id")
        workouts = [(uuid.uuid4(), user_id) for (user_id,) in cur.fetchall()]
        copy(
            cur,
            "tracker_workout",
            WORKOUT_COLUMNS,
            [tsv(w, u, performed, "Legs", "f", "f", "", now, now) for w, u in workouts],
        )
        logs = [tsv(uuid.uuid4(), w, yesterday, 3, "[]", "ache", *flags, "", now, now) for w, _ in workouts]
        copy(cur, "tracker_painlog", LOG_COLUMNS, logs)
        cur.execute(
            "INSERT INTO recovery_recovery (workout_id, level, reasons, peak_pain, last_log_on, last_pain, opened_on, "
            "evaluated_at) SELECT id, 0, '[]', 3, %s, 3, performed_on, %s FROM tracker_workout",
            (yesterday, due),
        )
        cur.execute(
            "INSERT INTO notifications_reminderschedule (user_id, next_reminder_at) SELECT id, %s FROM accounts_user",
            (due,),
        )
        lines = []
        for _, user_id in tqdm(workouts, desc="subscriptions (a key pair each)", unit="sub", disable=None):
            browser = service.subscribe().to_json()
            lines.append(
                tsv(user_id, browser["endpoint"], browser["keys"]["p256dh"], browser["keys"]["auth"], now, now)
            )
        copy(cur, "notifications_pushsubscription", SUBSCRIPTION_COLUMNS, lines)
        for table in ("accounts_user", "tracker_workout", "tracker_painlog", "recovery_recovery",
                      "notifications_reminderschedule", "notifications_pushsubscription"):  # fmt: skip
            cur.execute(f"ANALYZE {table}")


def claim_and_enqueue():
    """Time run_reminders(); count its queries and batches."""
    from django.db import connection

    from notifications import reminder_run

    queries = []
    batches = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        if 'FROM "notifications_reminderschedule"' in sql and sql.startswith("SELECT"):
            batches.append(len(queries))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        claimed, written = reminder_run.run_reminders()
        elapsed = time.perf_counter() - started
    per_batch = sorted({b - a for a, b in itertools.pairwise(batches)})
    return elapsed, claimed, written, len(batches) - 1, per_batch


def start_workers(env, count, concurrency, folder):
    procs, logs = [], []
    for i in range(count):
        log = folder / f"worker{i}.log"
        with open(log, "w") as out:
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", "worker", f"--concurrency={concurrency}", "-n",
                 f"bench{i}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            ))  # fmt: skip
        logs.append(log)
    deadline = time.monotonic() + 120
    while not all("ready." in log.read_text() for log in logs):
        if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
            raise SystemExit("a worker did not start:\n" + "\n".join(log.read_text()[-2000:] for log in logs))
        time.sleep(0.1)
    return procs


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=1, help="processes per worker (prefork)")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds the delivery may take before giving up")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    import redis

    from notifications.vapid import generate
    from tests.fake_push import FakePushService

    redis.Redis.from_url(REDIS_URL).flushdb()
    pair = generate()
    folder = Path(tempfile.mkdtemp(prefix="bench-reminders-"))
    with FakePushService(pair.public_key, folder) as service:
        env = {
            "DEBUG": "0", "SECRET_KEY": "bench-only", "ALLOWED_HOSTS": "localhost", "LOG_LEVEL": "WARNING",
            "REDIS_URL": REDIS_URL, "VAPID_PUBLIC_KEY": pair.public_key, "VAPID_PRIVATE_KEY": pair.private_key,
            "VAPID_SUBJECT": "mailto:bench@rebound.example", "PUSH_ENDPOINT_HOSTS": "127.0.0.1",
            "REQUESTS_CA_BUNDLE": str(service.cert_path), "VAR_DIR": str(folder / "var"),
        }  # fmt: skip
        url = fresh_database()
        setup_django(url, **env)
        # Every user's slot is the minute that just ended: all due now, in the same minute.
        due = datetime.datetime.now(datetime.UTC).replace(second=0, microsecond=0) - datetime.timedelta(minutes=1)
        started = time.perf_counter()
        seed(service, args.users, due)
        print(f"seeded {args.users:,} users in {time.perf_counter() - started:.1f} s", flush=True)

        elapsed, claimed, written, batches, per_batch = claim_and_enqueue()
        assert claimed == written == args.users, (claimed, written)
        queued = redis.Redis.from_url(REDIS_URL).llen("celery")
        print(f"{claimed:,} users claimed, {written:,} reminders written, {queued:,} delivery tasks queued; "
              f"{batches} batches, queries per batch: {per_batch}", flush=True)  # fmt: skip

        procs = start_workers({**os.environ, **env, "DATABASE_URL": url}, 2, args.concurrency, folder)
        try:
            begun = time.perf_counter()
            deadline = time.monotonic() + args.timeout
            with tqdm(total=written, desc="pushes received", unit="push", disable=None) as bar:
                while len(service.received) < written:
                    if any(p.poll() is not None for p in procs) or time.monotonic() > deadline:
                        raise SystemExit(f"delivery stopped at {len(service.received):,} pushes; logs in {folder}")
                    if service.problems:
                        raise SystemExit(f"the fake push service refused pushes: {service.problems[:3]}")
                    bar.update(len(service.received) - bar.n)
                    time.sleep(0.25)
                bar.update(len(service.received) - bar.n)
            delivered = time.perf_counter() - begun
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                proc.wait(timeout=60)
        endpoints = {push.endpoint for push in service.received}
        assert len(endpoints) == len(service.received) == written, "a push was sent twice"
        print(f"{len(service.received):,} pushes, each decrypted and its VAPID JWT checked, none twice; "
              f"two workers (prefork, concurrency {args.concurrency} each)")  # fmt: skip
    shutil.rmtree(folder, ignore_errors=True)
    print(f"claim+enqueue {args.users} due: {elapsed:.1f} s")
    print(f"delivery: {written / delivered:.0f} pushes/s")


if __name__ == "__main__":
    main()
