"""The one writer of recovery.models.Recovery: every write to a row goes through here.

- mark_due: a workout's logs (or what recurring_pain reads of it) changed; evaluate it
  (mark_due_with_guarded: the same write, for a log's upsert to run in its own statement).
- store_results: an evaluation's results, written only where the workout is still as
  read, which also lowers the due flag; mark_evaluated: the same for results that hold.
- close_by_user: the user marks the episode recovered.
"""

from django.utils import timezone

from config.dates import shift
from config.sql import select_for_rows, update_where_unchanged, upsert_rows, upsert_with_guarded
from recovery.levels import Level
from recovery.models import Recovery
from recovery.rules import RECURRING_PAIN, RECURRING_WINDOW_DAYS
from tracker.models import Workout

# recurring_pain counts other workouts in the 30 days up to a workout's date.
WINDOW_DAYS = RECURRING_WINDOW_DAYS - 1
# An evaluation's results, as stored (evaluated_at, when, goes with them).
STORED_FIELDS = ("level", "reasons", "peak_pain", "last_log_on", "last_pain", "opened_on", "closed_on")


DUE_FIELDS = ("workout", "evaluation_due_at", "level", "reasons")


def mark_due(workout_ids, now=None):
    """Flag these workouts for evaluation, creating their rows on first use (one statement)."""
    upsert_rows(Recovery, DUE_FIELDS, _due_rows(workout_ids, now), unique=("workout",), update=("evaluation_due_at",))


def mark_due_with_guarded(now=None):
    """mark_due's write of the workout whose log an upsert_guarded writes (a log PUT), (sql, params),
    for it to run with its own: made only when that is."""
    return upsert_with_guarded(
        Recovery,
        "workout",
        DUE_FIELDS[1:],
        (now or timezone.now(), Level.OK.value, []),
        ("workout",),
        ("evaluation_due_at",),
    )


def _due_rows(workout_ids, now):
    now = now or timezone.now()
    return [(workout_id, now, Level.OK.value, []) for workout_id in dict.fromkeys(workout_ids)]


def workouts_counting(owner_dates, exclude=(), only_painful_or_due=False):
    """Ids of the workouts whose recurring_pain counts a workout of (owner, date): the
    owner's workouts in the 30 days from that date (same-date ones included). One query.

    only_painful_or_due: only those whose answer can change, for an evaluation's ripple:
    recurring_pain holds only for a workout with a log of pain >= 5, so a workout evaluated
    since its logs last changed (not due) whose stored peak pain is below 5 is left out.
    A due one stays in (it may be under evaluation right now with what it read before).
    """
    windows = {(owner_id, performed_on, shift(performed_on, WINDOW_DAYS)) for owner_id, performed_on in owner_dates}
    tail = ""
    if only_painful_or_due:
        tail = (
            f" JOIN {Recovery._meta.db_table} r ON r.workout_id = w.id"
            f" WHERE r.evaluation_due_at IS NOT NULL OR r.peak_pain >= {int(RECURRING_PAIN)}"
        )
    rows = workouts_in_windows("DISTINCT w.id", windows, [Workout._meta.pk], tail)
    # `exclude` (a sweep's whole batch) is left out here: as a NOT IN list of a thousand keys it
    # cost more to send and parse than the rows it removes.
    exclude = set(exclude)
    return [pk for (pk,) in rows if pk not in exclude]


def workouts_in_windows(columns, windows, fields, tail=""):
    """Rows of `columns` (SQL over the workouts `w`) for the workouts of each (owner id, first
    day, last day) of `windows`, converted as `fields`; `tail` joins or filters further.

    Each window is read on its own through the (owner, date) index: one span over a sweep
    batch's dates read every workout of the batch's users (bench/sweep.py)."""
    owner, performed_on = Workout._meta.get_field("owner"), Workout._meta.get_field("performed_on")
    return select_for_rows(
        f"SELECT {columns} FROM {{keys}} JOIN {Workout._meta.db_table} w "
        f"ON w.owner_id = v.c0 AND w.performed_on >= v.c1 AND w.performed_on <= v.c2{tail}",
        [owner, performed_on, performed_on],
        sorted(windows),
        fields,
    )


def store_results(rows, now):
    """rows: (workout id, evaluation_due_at as read, (values of STORED_FIELDS)). One UPDATE
    writes each row's results, evaluated at `now`, and clears its due flag, only where the flag
    still holds the value read: a log saved meanwhile leaves its workout due for the next run."""
    return update_where_unchanged(
        Recovery,
        "evaluation_due_at",
        [*STORED_FIELDS, "evaluated_at", "evaluation_due_at"],
        [(workout_id, due, *values, now, None) for workout_id, due, values in rows],
    )


def mark_evaluated(rows, now):
    """rows: (workout id, evaluation_due_at as read) of workouts evaluated at `now` whose stored
    results still hold: store_results' write without the results, guarded the same way."""
    return update_where_unchanged(
        Recovery, "evaluation_due_at", ["evaluated_at", "evaluation_due_at"], [(pk, due, now, None) for pk, due in rows]
    )


def close_by_user(workout_id, day, now=None):
    """The user marks the episode recovered on their local `day`; due, so the stored copy follows."""
    now = now or timezone.now()
    Recovery.objects.update_or_create(
        workout_id=workout_id,
        defaults={"closed_by_user_on": day, "closed_by_user_at": now, "evaluation_due_at": now},
    )
