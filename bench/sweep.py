"""Cost of a full red-flag re-evaluation against a floor, at two sizes.

Seeds N workouts with 10 logs each on PostgreSQL (COPY, with a progress bar), then times
  floor: one SQL pass reading the same rows (every workout joined with its logs, streamed);
    the median of three passes
  first evaluation: every workout flagged due with nothing stored, then `run_sweep()` (reads,
    rules, every alert and its notification new, every result written)
  re-evaluation: every workout flagged due again, its logs as they were (what a sweep after a
    deploy or a lost broker finds), then `run_sweep()`: the same reads and rules, and the
    writes of what changed (nothing but the due flags)
and prints each one's ratio to the floor. Target: within 3x of the floor, growing linearly.

    .venv/bin/python bench/sweep.py [--sizes 10000 100000] [--batch-size 1000]
"""

import argparse
import datetime
import io
import random
import statistics
import time
import uuid

from common import bench_database_url, setup_django
from tqdm import tqdm

LOGS_PER_WORKOUT = 10
WORKOUTS_PER_USER = 10


def seed(n_workouts, rng):
    from django.db import connection

    from accounts.models import User

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE recovery_alert, recovery_recovery, tracker_painlog, tracker_exercise, tracker_workout CASCADE"
        )
    User.objects.filter(username__startswith="sweepbench").delete()
    n_users = max(1, n_workouts // WORKOUTS_PER_USER)
    User.objects.bulk_create([User(username=f"sweepbench{i}", password="!") for i in range(n_users)], batch_size=5000)
    user_ids = list(User.objects.filter(username__startswith="sweepbench").values_list("id", flat=True))
    today = datetime.date(2026, 11, 25)
    raw = connection.connection  # the psycopg connection, for COPY
    workouts = io.StringIO()
    logs = []
    for i in range(n_workouts):
        workout_id = uuid.uuid4()
        performed_on = today - datetime.timedelta(days=rng.randrange(0, 365))
        owner = user_ids[i % len(user_ids)]
        workouts.write(f"{workout_id}\t{owner}\t{performed_on}\t\t\\N\tf\tf\t\t{today}T00:00:00Z\t{today}T00:00:00Z\n")
        base = rng.choice((1, 2, 3, 4, 6))
        for day in range(LOGS_PER_WORKOUT):
            pain = max(0, min(10, base - day // 2 + rng.choice((-1, 0, 0, 1))))
            flags = ["t" if rng.random() < 0.01 else "f" for _ in range(10)]
            quality = rng.choice(("", "ache", "stiffness", "ache", "sharp")) if pain else ""
            logs.append(f"{uuid.uuid4()}\t{workout_id}\t{performed_on + datetime.timedelta(days=day)}\t{pain}\t[]\t"
                        f"{quality}\t" + "\t".join(flags) + f"\t\t{today}T00:00:00Z\t{today}T00:00:00Z\n")  # fmt: skip
    columns_w = "id, owner_id, performed_on, title, intensity, warmed_up, cooled_down, notes, created_at, updated_at"
    columns_l = (
        "id, workout_id, logged_on, pain, locations, quality, radiates_to_legs, numbness_tingling, "
        "difficulty_standing, difficulty_bending, difficulty_walking, worse_at_rest, bladder_bowel_change, "
        "saddle_numbness, leg_weakness, both_legs, notes, created_at, updated_at"
    )
    with raw.cursor() as cur:
        with cur.copy(f"COPY tracker_workout ({columns_w}) FROM STDIN") as copy:
            copy.write(workouts.getvalue())
        chunk = 50_000
        with tqdm(total=len(logs), desc=f"seeding {len(logs):,} logs", unit="log") as bar:
            for start in range(0, len(logs), chunk):
                with cur.copy(f"COPY tracker_painlog ({columns_l}) FROM STDIN") as copy:
                    copy.write("".join(logs[start : start + chunk]))
                bar.update(min(chunk, len(logs) - start))
        cur.execute("ANALYZE tracker_workout")
        cur.execute("ANALYZE tracker_painlog")


def floor():
    from django.db import connection

    raw = connection.connection
    started = time.perf_counter()
    rows = 0
    with raw.transaction(), raw.cursor(name="floor") as cur:  # server-side cursor: stream
        cur.itersize = 10_000
        cur.execute(
            "SELECT w.id, w.owner_id, w.performed_on, l.logged_on, l.pain, l.quality, l.radiates_to_legs, "
            "l.numbness_tingling, l.difficulty_standing, l.difficulty_bending, l.difficulty_walking, "
            "l.worse_at_rest, l.bladder_bowel_change, l.saddle_numbness, l.leg_weakness, l.both_legs "
            "FROM tracker_workout w JOIN tracker_painlog l ON l.workout_id = w.id"
        )
        for _ in cur:
            rows += 1
    return time.perf_counter() - started, rows


def sweep(batch_size, n_workouts, again=False):
    """(seconds, workouts evaluated, alerts raised) of a sweep of every workout: a first
    evaluation, or `again` a re-evaluation of what the last one stored."""
    from django.db import connection

    from recovery.evaluation import run_sweep

    with connection.cursor() as cursor:
        if again:
            cursor.execute("UPDATE recovery_recovery SET evaluation_due_at = now()")
        else:
            cursor.execute("TRUNCATE recovery_alert, recovery_recovery CASCADE")
            # Every workout due, as if each had just been logged (what mark_due leaves).
            cursor.execute(
                "INSERT INTO recovery_recovery (workout_id, evaluation_due_at, level, reasons) "
                "SELECT id, now(), 0, '[]' FROM tracker_workout"
            )
        # Statistics as autovacuum keeps them in service: the first evaluation's 244,000 new alerts
        # left the planner guessing a thousand alerts a workout (and compiling the read with JIT).
        cursor.execute("VACUUM ANALYZE recovery_recovery, recovery_alert, notifications_notification")
    started = time.perf_counter()
    with tqdm(total=n_workouts, desc="re-evaluation" if again else "first evaluation", unit="workout") as bar:
        _, raised = run_sweep(batch_size=batch_size, progress=bar.update)
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM recovery_recovery WHERE evaluated_at IS NOT NULL AND evaluation_due_at IS NULL"
        )
        (evaluated,) = cursor.fetchone()
    return elapsed, evaluated, raised


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--batch-size", type=int, default=1000)
    args = parser.parse_args()
    url = bench_database_url()
    if not url.startswith("postgres"):
        raise SystemExit("bench/sweep.py needs PostgreSQL (BENCH_DATABASE_URL or a local server).")
    setup_django(url, DEBUG="0", SECRET_KEY="bench-only", ALLOWED_HOSTS="localhost", LOG_LEVEL="WARNING")
    rng = random.Random(20261125)
    results = []
    for n in args.sizes:
        seed(n, rng)
        # The median of three: one pass's time moved by half from one minute to the next here.
        floors = [floor() for _ in range(3)]
        floor_s, rows = statistics.median(s for s, _ in floors), floors[0][1]
        first = sweep(args.batch_size, n)
        again = sweep(args.batch_size, n, again=True)
        results.append((n, rows, floor_s, first, again))
    for title, which in (("first evaluation: nothing stored, every alert new", 3),
                         ("re-evaluation: every workout due again, its logs unchanged", 4)):  # fmt: skip
        print(f"\n{title}")
        print(f"{'workouts':>9} {'logs':>10} {'floor s':>8} {'sweep s':>8} {'ratio':>6} {'us/workout':>11} "
              f"{'alerts':>8}")  # fmt: skip
        for row in results:
            n, rows, floor_s, (sweep_s, evaluated, raised) = *row[:3], row[which]
            assert evaluated == n, (evaluated, n)
            print(f"{n:>9,} {rows:>10,} {floor_s:>8.2f} {sweep_s:>8.2f} {sweep_s / floor_s:>5.1f}x "
                  f"{sweep_s / n * 1e6:>11.0f} {raised:>8,}")  # fmt: skip
        if len(results) > 1:
            (n0, s0), (n1, s1) = ((r[0], r[which][0]) for r in (results[0], results[-1]))
            print(f"growth: {n1 / n0:.0f}x the workouts took {s1 / s0:.1f}x the time (linear = {n1 / n0:.0f}x)")


if __name__ == "__main__":
    main()
