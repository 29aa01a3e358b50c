"""The clinic dashboard's render time for a physiotherapist linked to 50, 500 and 5,000 patients.

PostgreSQL only (database `rebound_bench_dash`, recreated). Each patient has a realistic
history, seeded with COPY: a workout every week or so over 120 days, a few daily logs after
each, the red-flag job's stored results (recovery.Recovery) and some alerts, a few resolved.
Times the whole page (GET /clinic/ through Django's test client: session, the dashboard's
queries, the access-log INSERT of one row per patient, the template), best of 3, and prints
last `growth 500->5000: N.Nx` (goal: 10x or less, linear).

    .venv/bin/python bench/dashboard.py [--sizes 50 500 5000]
"""

import argparse
import datetime
import random
import time
import uuid

from common import setup_django

DATABASE = "rebound_bench_dash"
ZONES = ("UTC", "Europe/London", "America/New_York", "Asia/Tokyo", "Australia/Sydney")
HISTORY_DAYS = 120
TODAY = datetime.date.today()
NOW = datetime.datetime.now(datetime.UTC)


def fresh_database():
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DATABASE}")
    return f"postgres://postgres@127.0.0.1:5432/{DATABASE}"


LOG_COLUMNS = (
    "id, workout_id, logged_on, pain, locations, quality, radiates_to_legs, numbness_tingling, difficulty_standing, "
    "difficulty_bending, difficulty_walking, worse_at_rest, bladder_bowel_change, saddle_numbness, leg_weakness, "
    "both_legs, notes, created_at, updated_at"
)


def tsv(*values):
    return "\t".join("\\N" if v is None else str(v) for v in values) + "\n"


def copy(cursor, table, columns, lines):
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as target:
        target.write("".join(lines))


def seed(physio_name, n, rng):
    """A physiotherapist linked to n patients with histories; returns the physio."""
    from django.db import connection

    from accounts.models import User

    physio = User.objects.create(username=physio_name, password="!", is_physio=True)
    users = [
        tsv("!", "f", f"{physio_name}_p{i}", "", "", "", "f", "t", NOW.isoformat(), rng.choice(ZONES), "20:00", "f")
        for i in range(n)
    ]
    raw = connection.connection
    with raw.cursor() as cur:
        copy(cur, "accounts_user", "password, is_superuser, username, first_name, last_name, email, is_staff, "
             "is_active, date_joined, timezone, reminder_time, is_physio", users)  # fmt: skip
    ids = list(User.objects.filter(username__startswith=f"{physio_name}_p").values_list("id", flat=True))
    workouts, logs, recoveries, alerts, links = [], [], [], [], []
    for patient_id in ids:
        links.append(tsv(physio.pk, patient_id, None, NOW.isoformat(), None))
        day = TODAY - datetime.timedelta(days=HISTORY_DAYS)
        quitter = rng.random() < 0.1  # stopped logging a while ago
        while day <= TODAY:
            workout_id = uuid.uuid4()
            workouts.append(tsv(workout_id, patient_id, day, "Session", "t", "t", "", NOW.isoformat(), NOW.isoformat()))
            pains, pain = [], rng.choice((0, 1, 2, 3, 4, 5, 6, 7))
            for d in range(rng.randrange(2, 7)):
                logged_on = day + datetime.timedelta(days=d)
                if logged_on > TODAY or (quitter and (TODAY - logged_on).days < 20):
                    break
                pain = max(0, min(10, pain + rng.choice((-2, -1, -1, 0, 1, 2))))
                pains.append((logged_on, pain))
                saved = datetime.datetime.combine(logged_on, datetime.time(20), datetime.UTC)
                logs.append(tsv(uuid.uuid4(), workout_id, logged_on, pain, "[]", "", *["f"] * 10, "",
                                min(saved, NOW).isoformat(), min(saved, NOW).isoformat()))  # fmt: skip
            if pains:
                level = rng.choices((0, 1, 2, 3), weights=(70, 15, 13, 2))[0]
                closed = pains[-1][0] if pains[-1][1] == 0 and (TODAY - day).days > 7 else None
                recoveries.append(tsv(workout_id, None, None, None, level, "[]", max(p for _, p in pains),
                                      pains[-1][0], pains[-1][1], pains[0][0], closed, NOW.isoformat()))  # fmt: skip
                if level >= 2:
                    resolved = NOW.isoformat() if rng.random() < 0.6 else None
                    reason = "cauda_equina" if level == 3 else "radiating_pain"
                    alerts.append(tsv(workout_id, reason, level, "m", NOW.isoformat(), None, resolved, None, ""))
            day += datetime.timedelta(days=rng.randrange(4, 10))
    with raw.cursor() as cur:
        copy(cur, "clinic_carelink", "physio_id, patient_id, invitation_id, created_at, revoked_at", links)
        copy(cur, "tracker_workout", "id, owner_id, performed_on, title, warmed_up, cooled_down, notes, created_at, "
             "updated_at", workouts)  # fmt: skip
        copy(cur, "tracker_painlog", LOG_COLUMNS, logs)
        copy(cur, "recovery_recovery", "workout_id, closed_by_user_on, closed_by_user_at, evaluation_due_at, level, "
             "reasons, peak_pain, last_log_on, last_pain, opened_on, closed_on, evaluated_at", recoveries)  # fmt: skip
        copy(cur, "recovery_alert", "workout_id, reason, level, message, created_at, acknowledged_at, resolved_at, "
             "resolved_by_id, resolution_note", alerts)  # fmt: skip
    return physio, len(workouts), len(logs)


def render_seconds(physio, n, repeat=3):
    from django.test import Client

    client = Client()
    client.force_login(physio)
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get("/clinic/")
        best = min(best, time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
        assert response.content.count(b"data-patient=") == n, response.content.count(b"data-patient=")
    return best


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 500, 5000])
    args = parser.parse_args()
    # DEBUG=1 for plain static file URLs (no manifest to build); it also keeps a list of the
    # page's queries, seven whatever the size.
    setup_django(fresh_database(), DEBUG="1", ALLOWED_HOSTS="testserver", LOG_LEVEL="WARNING")
    from django.db import connection

    rng = random.Random(20261125)
    seeded = [(n, *seed(f"dash{n}", n, rng)) for n in args.sizes]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    results = []
    print(f"{'patients':>9} {'workouts':>9} {'logs':>9} {'render s':>9} {'ms/patient':>11}")
    for n, physio, n_workouts, n_logs in seeded:
        seconds = render_seconds(physio, n)
        results.append((n, seconds))
        print(f"{n:>9,} {n_workouts:>9,} {n_logs:>9,} {seconds:>9.3f} {seconds / n * 1000:>11.2f}")
    times = dict(results)
    if 500 in times and 5000 in times:
        print(f"growth 500->5000: {times[5000] / times[500]:.1f}x")


if __name__ == "__main__":
    main()
