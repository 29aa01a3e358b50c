"""Throughput and latency of the daily log PUT, against the framework's floor.

Runs gunicorn, then 16 concurrent keep-alive clients for a fixed time against
  floor:   GET /api/v1/me/  (token auth + a tiny serializer: the cheapest authenticated DRF call)
  log PUT: PUT /api/v1/workouts/{id}/logs/{day}/  (validation, upsert, evaluation flag, triage)
and prints requests/s, p50 and p99 for each, and the ratio. Target: log PUT >= 70 % of the floor.

    .venv/bin/python bench/api_log.py [--seconds 10] [--clients 16] [--workers 4]
"""

import argparse
import datetime
import http.client
import json
import statistics
import threading
import time

from common import bench_database_url, setup_django, start_gunicorn


def load(port, clients, seconds, make_request):
    latencies, errors = [], []
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
    elapsed = time.monotonic() - started
    latencies.sort()
    return {
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "n": len(latencies),
        "errors": len(errors),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    database_url = bench_database_url()
    env = {"DEBUG": "1", "THROTTLE_USER": "10000000/min", "LOG_LEVEL": "WARNING"}
    setup_django(database_url, **env)

    from knox.models import AuthToken

    from accounts.models import User
    from tracker.models import Workout

    User.objects.filter(username="bench").delete()
    user = User.objects.create_user("bench", password="bench-password-123")
    _, token = AuthToken.objects.create(user)
    today = user.local_today()
    first = today - datetime.timedelta(days=20)
    # Realistic workouts: each client logs days 0-9 of its own 50 workouts, then replays them.
    workouts = [
        [Workout.objects.create(owner=user, performed_on=first) for _ in range(50)] for _ in range(args.clients)
    ]
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}

    def floor(index, n):
        return "GET", "/api/v1/me/", None, headers

    def log_put(index, n):
        workout = workouts[index][(n // 10) % 50]
        day = first + datetime.timedelta(days=n % 10)
        body = json.dumps({"pain": (7 - n % 10) % 8, "locations": ["lower_back"], "quality": "ache"})
        return "PUT", f"/api/v1/workouts/{workout.pk}/logs/{day}/", body, headers

    proc, port = start_gunicorn({"DATABASE_URL": database_url, **env}, args.workers)
    try:
        load(port, args.clients, 2, floor)  # warm-up
        results = {"floor (GET /me/)": load(port, args.clients, args.seconds, floor)}
        load(port, args.clients, 2, log_put)
        results["log PUT"] = load(port, args.clients, args.seconds, log_put)
    finally:
        proc.terminate()
        proc.wait()

    print(f"database: {database_url.split('@')[-1]}  clients: {args.clients}  gunicorn workers: {args.workers}")
    print(f"{'endpoint':<18} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9} {'errors':>7}")
    for name, r in results.items():
        print(f"{name:<18} {r['rps']:>8.0f} {r['p50']:>8.1f} {r['p99']:>8.1f} {r['n']:>9} {r['errors']:>7}")
    ratio = results["log PUT"]["rps"] / results["floor (GET /me/)"]["rps"]
    print(f"log PUT throughput / floor: {ratio:.0%} (target >= 70%)")
    User.objects.filter(username="bench").delete()


if __name__ == "__main__":
    main()
