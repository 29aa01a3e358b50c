"""Throughput and latency of the daily log PUT on realistic data, against the framework's floor.

Seeds a fresh PostgreSQL database `rebound_bench_api` (recreated; Redis db 3 flushed): 300
users, each with 12 weeks of history (3-4 workouts a week, logs on days 0-4 after most of
them, a few painful weeks). Then runs gunicorn (DEBUG=0, as in production) and 16 concurrent
keep-alive clients for a fixed time (in rounds taking turns) against
  floor:   GET /api/v1/me/  (token auth + a tiny serializer: the cheapest authenticated DRF call)
  log PUT: PUT /api/v1/workouts/{id}/logs/{day}/ over every user's recent workouts
           (validation; the ownership check, the read, the upsert and the evaluation flag
           in one statement; triage; the evaluation's publish)
and prints requests/s, p50 and p99 for each, and the ratio. Target: log PUT >= 70 % of the floor.
Last, a per-stage breakdown of one PUT measured in this process (the same view, no HTTP).

    .venv/bin/python bench/api_log.py [--seconds 60] [--rounds 12] [--clients 16] [--workers 4] [--users 300]

A minute per endpoint by default (12 rounds of 5 s): at 30 s the ratio of the same code moved by
3-4 points from run to run. To compare two versions of the code, run each longer
(--seconds 120 --rounds 24) and more than once.
"""

import argparse
import datetime
import http.client
import json
import random
import statistics
import threading
import time
from collections import defaultdict

from common import setup_django, start_gunicorn

DATABASE = "rebound_bench_api"
REDIS_URL = "redis://127.0.0.1:6379/3"
ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-" + "x" * 40,
    "ALLOWED_HOSTS": "127.0.0.1,testserver",
    "SECURE_SSL_REDIRECT": "0",
    "THROTTLE_USER": "10000000/min",
    "LOG_LEVEL": "ERROR",
    "REDIS_URL": REDIS_URL,
}
WEEKS = 12
SIGN_FIELDS = ("radiates_to_legs", "numbness_tingling", "difficulty_bending", "worse_at_rest")


def fresh_database():
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DATABASE}")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    return f"postgres://postgres@127.0.0.1:5432/{DATABASE}"


def pain_body(rng, painful):
    """A day's log as a phone sends it: mostly mild, now and then a sign."""
    pain = rng.choice((5, 6, 6, 7)) if painful else rng.choice((0, 0, 1, 1, 2, 2, 3, 4))
    body = {"pain": pain, "locations": ["lower_back"] if pain else [], "quality": "ache" if pain else ""}
    if pain and rng.random() < 0.1:
        body[rng.choice(SIGN_FIELDS)] = True
    return body


def seed(n_users, rng):
    """{user id: (token, [(workout id, performed_on)] of the last week)}, history stored."""
    from django.db import connection
    from knox.models import AuthToken

    from accounts.models import User
    from recovery.models import Recovery
    from tracker.models import PainLog, Workout

    users = User.objects.bulk_create([User(username=f"apibench{i}", password="!") for i in range(n_users)])
    today = datetime.datetime.now(datetime.UTC).date()
    start = today - datetime.timedelta(weeks=WEEKS)
    workouts, logs, recent = [], [], {}
    for user in users:
        _, token = AuthToken.objects.create(user)
        painful_weeks = set(rng.sample(range(WEEKS), rng.choice((0, 1, 2, 3))))
        mine = []
        for week in range(WEEKS):
            for weekday in sorted(rng.sample(range(7), rng.choice((3, 4)))):
                performed_on = start + datetime.timedelta(days=7 * week + weekday)
                if performed_on > today:
                    continue
                workout = Workout(owner=user, performed_on=performed_on, title="Gym")
                workouts.append(workout)
                mine.append(workout)
                if rng.random() < 0.85:
                    for day in range(rng.choice((2, 3, 4, 5))):
                        logged_on = performed_on + datetime.timedelta(days=day)
                        if logged_on > today:
                            break
                        fields = pain_body(rng, week in painful_weeks and day < 3)
                        logs.append(PainLog(workout=workout, logged_on=logged_on, **fields))
        recent[user.pk] = (token, [(w.pk, w.performed_on) for w in mine if (today - w.performed_on).days <= 6])
    Workout.objects.bulk_create(workouts, batch_size=5000)
    PainLog.objects.bulk_create(logs, batch_size=5000)
    Recovery.objects.bulk_create([Recovery(workout=w) for w in workouts], batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"seeded {len(users)} users, {len(workouts):,} workouts, {len(logs):,} logs")
    return {pk: value for pk, value in recent.items() if value[1]}, today


def load(port, clients, seconds, make_request, latencies=None, errors=None):
    """Run `clients` keep-alive clients for `seconds`; add to latencies and errors; return the elapsed time."""
    latencies = [] if latencies is None else latencies
    errors = [] if errors is None else errors
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(index):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, n = [], 0
        while time.monotonic() < deadline:
            method, path, body, headers = make_request(index, n)
            n += 1
            start = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - start)
            if response.status >= 300:
                errors.append(response.status)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.monotonic() - started


def summary(latencies, errors, elapsed):
    latencies = sorted(latencies)
    return {
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "n": len(latencies),
        "errors": len(errors),
    }


class Stages:
    """Exclusive time per stage: a wrapped call's time, less that of wrapped calls inside it."""

    def __init__(self):
        self.totals = defaultdict(float)
        self.stack = []

    def wrap(self, owner, name, stage):
        original = getattr(owner, name)

        def timed(*args, **kwargs):
            self.stack.append(0.0)
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent = time.perf_counter() - started
                inner = self.stack.pop()
                self.totals[stage] += spent - inner
                if self.stack:
                    self.stack[-1] += spent

        setattr(owner, name, timed)


def breakdown(recent, today, rng, n=300):
    """Milliseconds per stage of one PUT, averaged over n PUTs through the view in this process."""
    from django.test import Client
    from rest_framework.request import Request

    from config.authentication import TokenAuthentication
    from config.publish import publisher
    from tracker.api import serializers, views

    stages = Stages()
    # Where the view's stages live: the names it calls (tracker/api/views.py).
    stages.wrap(TokenAuthentication, "authenticate", "auth")
    stages.wrap(Request, "_parse", "parse + validate")
    for owner, name in [(serializers, "check_log"), (serializers.PainLogSerializer, "is_valid")]:
        if hasattr(owner, name):
            stages.wrap(owner, name, "parse + validate")
    # One statement reads the workout and its logs and writes the log and its due flag.
    stages.wrap(views, "save_log", "read + write (incl. commit)")
    stages.wrap(views, "found_for_a_log", "reads (what the statement read)")
    stages.wrap(views, "assess", "triage")
    stages.wrap(publisher, "submit", "publish")
    client = Client()
    users = list(recent.items())
    total = published = 0.0
    for i in range(n + 20):
        _, (token, workouts) = rng.choice(users)
        path, body = put_request(rng, workouts, today)
        started = time.perf_counter()
        response = client.put(path, body, content_type="application/json", HTTP_AUTHORIZATION=f"Token {token}")
        spent = time.perf_counter() - started
        assert response.status_code in (200, 201), response.content
        started = time.perf_counter()
        publisher.flush()
        if i == 19:  # warm-up done
            stages.totals.clear()
            continue
        if i > 19:
            total += spent
            published += time.perf_counter() - started
    rows = {**stages.totals}
    rows["publish"] = rows.get("publish", 0.0) + published
    rows["framework (routing, middleware, throttle, render)"] = total - sum(stages.totals.values())
    print(f"\nOne log PUT, in-process (mean of {n}, ms):")
    for stage, seconds in rows.items():
        note = " (the broker publish in the background thread included)" if stage == "publish" else ""
        print(f"  {stage:<50} {seconds / n * 1000:>6.2f}{note}")
    print(f"  {'total':<50} {(total + published) / n * 1000:>6.2f}")


def put_request(rng, workouts, today):
    workout_id, performed_on = rng.choice(workouts)
    day = performed_on + datetime.timedelta(days=rng.randrange(0, (today - performed_on).days + 1))
    body = json.dumps(pain_body(rng, rng.random() < 0.15))
    return f"/api/v1/workouts/{workout_id}/logs/{day}/", body


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60, help="per endpoint, over all rounds")
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--users", type=int, default=300)
    args = parser.parse_args()

    database_url = fresh_database()
    setup_django(database_url, **ENV)
    rng = random.Random(20261201)
    recent, today = seed(args.users, rng)
    users = list(recent.values())

    def floor(index, n):
        token, _ = users[(index * 7919 + n) % len(users)]
        return "GET", "/api/v1/me/", None, {"Authorization": f"Token {token}"}

    client_rngs = [random.Random(index) for index in range(args.clients)]

    def log_put(index, n):
        token, workouts = users[(index * 7919 + n) % len(users)]
        path, body = put_request(client_rngs[index], workouts, today)
        return "PUT", path, body, {"Authorization": f"Token {token}", "Content-Type": "application/json"}

    # Every request built before the clock starts, so the clients (on the same two cores) spend
    # as little as they can on either endpoint: a PUT's random day and JSON body cost the
    # client more than a GET's headers did.
    def prebuilt(make_request, per_client=2000):
        built = [[make_request(index, n) for n in range(per_client)] for index in range(args.clients)]
        sent = [0] * args.clients  # each client goes on where its last round stopped

        def next_request(index, n):
            sent[index] += 1
            return built[index][sent[index] % per_client]

        return next_request

    endpoints = {"floor (GET /me/)": prebuilt(floor), "log PUT": prebuilt(log_put)}
    measured = {name: ([], [], 0.0) for name in endpoints}
    proc, port = start_gunicorn({"DATABASE_URL": database_url, **ENV}, args.workers)
    try:
        for make_request in endpoints.values():
            load(port, args.clients, 2, make_request)  # warm-up
        # Rounds taking turns, so a drift in the machine's speed (a neighbour on the host, the
        # clients' share of the workers) weighs on both endpoints alike.
        for _ in range(args.rounds):
            for name, make_request in endpoints.items():
                latencies, errors, elapsed = measured[name]
                elapsed += load(port, args.clients, args.seconds / args.rounds, make_request, latencies, errors)
                measured[name] = (latencies, errors, elapsed)
    finally:
        proc.terminate()
        proc.wait()
    results = {name: summary(*values) for name, values in measured.items()}

    print(f"database: {database_url.split('@')[-1]}  users: {len(users)}  clients: {args.clients}  "
          f"gunicorn workers: {args.workers}")  # fmt: skip
    print(f"{'endpoint':<18} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9} {'errors':>7}")
    for name, r in results.items():
        print(f"{name:<18} {r['rps']:>8.0f} {r['p50']:>8.1f} {r['p99']:>8.1f} {r['n']:>9} {r['errors']:>7}")
    ratio = results["log PUT"]["rps"] / results["floor (GET /me/)"]["rps"]
    print(f"log PUT throughput / floor: {ratio:.0%} (target >= 70%)")
    breakdown(recent, today, random.Random(7))


if __name__ == "__main__":
    main()
