"""Which reminders are due at a user's reminder slot (product.md, "Notifications"). Pure.

Plain data in (the user's local today and what matters of their recent workouts), reminders
out, each with the key that makes it happen at most once (Notification's unique
(recipient, key)): the log reminder once a local day, the heat and core reminders once an
episode (an episode is the recovery that follows one workout).
"""

import datetime
import uuid
from dataclasses import dataclass

from notifications.models import Kind
from recovery.levels import Level

# Days 0 and 1 after a workout with no log yet: "how is your back after Tuesday's session?"
FRESH_DAYS = (0, 1)
# From 24 hours after the workout, the plan swaps cold for heat (its days 1-2).
HEAT_DAYS = (1, 2)
# On day 3, gentle core work when the pain is 2 or less and no warning sign is open.
CORE_DAY = 3
CORE_MAX_PAIN = 2
# How far back a workout can still be due a reminder of its own.
LOOKBACK = datetime.timedelta(days=CORE_DAY)


@dataclass(frozen=True)
class WorkoutState:
    """One workout as the reminders see it."""

    workout_id: uuid.UUID
    performed_on: datetime.date
    last_log_on: datetime.date | None  # the day of its latest log
    last_pain: int | None  # that log's pain
    episode_open: bool
    level: Level


@dataclass(frozen=True)
class Reminder:
    kind: Kind
    key: str
    workout_id: uuid.UUID | None
    unlogged_workout_on: datetime.date | None = None  # the log reminder names a fresh workout


def reminders_due(today, workouts):
    """[Reminder] due today, given the user's recent workouts and those with an open episode."""
    due = []
    fresh = [w for w in workouts if (today - w.performed_on).days in FRESH_DAYS and w.last_log_on is None]
    open_unlogged = [w for w in workouts if w.episode_open and w.last_log_on != today]
    if fresh or open_unlogged:
        named = max(fresh, key=lambda w: w.performed_on) if fresh else None
        due.append(
            Reminder(
                Kind.LOG_REMINDER,
                f"log:{today.isoformat()}",
                named.workout_id if named else open_unlogged[0].workout_id,
                named.performed_on if named else None,
            )
        )
    for w in workouts:
        day = (today - w.performed_on).days
        # Not after logs that show no episode (no pain, no sign), nor at emergency.
        sore = w.episode_open or w.last_log_on is None
        if day in HEAT_DAYS and sore and w.level < Level.EMERGENCY:
            due.append(Reminder(Kind.HEAT_REMINDER, f"heat:{w.workout_id}", w.workout_id))
        pain_allows = w.last_pain is not None and w.last_pain <= CORE_MAX_PAIN
        if day == CORE_DAY and pain_allows and w.level < Level.SEE_DOCTOR:
            due.append(Reminder(Kind.CORE_REMINDER, f"core:{w.workout_id}", w.workout_id))
    return due
