"""What tracker announces about training data, for the apps that build on it.

Tracker knows nothing of what listens (recovery re-evaluates; later apps may remind).
Each signal is sent inside the transaction that makes the change, so a receiver that
writes to the database commits or rolls back with it; save_log's logs_changed comes just
before its write instead, and receivers hand it theirs to run with it (`companions`, below).
"""

from collections.abc import Callable
from typing import NamedTuple

from django.dispatch import Signal

# The logs of these workouts were created, replaced or deleted. kwargs: workout_ids, and from
# save_log (one log's upsert: the log PUT) `companions`, a list. Sent with it, the change is
# about to be written, not yet, and only if the owner's workout allows it: a receiver appends a
# Companion, what it would write, instead of writing. Its SQL reads the workout from `{guard}`,
# a table of one row whose column `id` is the workout's id, and so is written exactly when the
# log is: save_log runs it with the log's upsert (on PostgreSQL in the same statement, so a PUT
# is one statement with no transaction round trips), then its on_commit once that commits.
logs_changed = Signal()


class Companion(NamedTuple):
    """A receiver's write to commit with a log's upsert (see logs_changed)."""

    sql: str
    params: list
    on_commit: Callable[[], None] | None = None


# A workout's date changed (its day indexes with it). kwargs: workout, previous_date.
workout_moved = Signal()

# A workout and its logs are about to be deleted. kwargs: workout.
workout_deleting = Signal()
