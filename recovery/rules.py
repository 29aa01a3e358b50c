"""The red-flag rules (product.md, "The flagging rules"): plain functions over plain data.

No ORM here. Callers turn rows into `LogFacts` / `WorkoutFacts` and get back the reasons,
the level and the episode's dates.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain
from operator import attrgetter
from typing import NamedTuple

from config.dates import shift
from recovery.levels import REASON_LEVELS, Level, Reason

PERSISTENT_FROM_DAY = 4  # pain continuing more than three days after the workout
WORSENING_FROM_DAY = 3
WORSENING_RISE = 2  # the smallest change on the 0-10 scale that matters to patients
SEVERE_PAIN = 7
RECURRING_PAIN = 5
RECURRING_OTHER_WORKOUTS = 2
RECURRING_WINDOW_DAYS = 30  # the 30 days up to and including the workout's date

SHARP_QUALITIES = frozenset({"sharp", "shooting"})
# see_doctor signs to have assessed within a day or two; the others at the next appointment.
SEE_SOON = frozenset({Reason.WORSE_AT_REST, Reason.NUMBNESS_TINGLING, Reason.WORSENING_PAIN})


class LogFacts(NamedTuple):
    """One day's log as the rules read it. A tuple: a sweep builds 100,000 of them straight from
    rows (LogFacts._make), at a fifth of a frozen dataclass's cost."""

    logged_on: datetime.date
    pain: int
    quality: str = ""
    radiates_to_legs: bool = False
    numbness_tingling: bool = False
    difficulty_standing: bool = False
    difficulty_bending: bool = False
    difficulty_walking: bool = False
    worse_at_rest: bool = False
    bladder_bowel_change: bool = False
    saddle_numbness: bool = False
    leg_weakness: bool = False
    both_legs: bool = False
    updated_at: datetime.datetime | None = None  # when the log was last saved

    @property
    def limited_movement(self):
        return self.difficulty_standing or self.difficulty_bending or self.difficulty_walking

    @property
    def emergency_screen(self):
        return self.bladder_bowel_change or self.saddle_numbness or self.leg_weakness or self.both_legs

    @property
    def any_sign(self):
        """Any sign ticked (the boxes from radiates_to_legs to both_legs) or a sharp quality.
        One look at the boxes as a slice: a sweep asks it of a million logs, most with none."""
        return True in self[_BOXES] or self.quality in SHARP_QUALITIES

    @property
    def clean(self):
        """Pain 0 and no sign ticked: a day that counts towards closing an episode."""
        return self.pain == 0 and not self.any_sign


_BOXES = slice(LogFacts._fields.index("radiates_to_legs"), LogFacts._fields.index("both_legs") + 1)
assert LogFacts._fields[_BOXES] == (
    "radiates_to_legs", "numbness_tingling", "difficulty_standing", "difficulty_bending", "difficulty_walking",
    "worse_at_rest", "bladder_bowel_change", "saddle_numbness", "leg_weakness", "both_legs",
)  # fmt: skip
_LOGGED_ON = attrgetter("logged_on")
_PAIN = attrgetter("pain")


class cached_property:  # named as functools' is
    """functools.cached_property without the lock Python 3.11 takes on every first read (dropped
    in 3.12): a sweep reads four of them for each of 100,000 workouts. Works on frozen dataclasses
    (it writes the instance's __dict__)."""

    def __init__(self, func):
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.func(instance)
        return value


@dataclass(frozen=True)
class WorkoutFacts:
    performed_on: datetime.date
    logs: tuple  # of LogFacts, any order

    def day(self, log):
        return (log.logged_on - self.performed_on).days

    def through(self, day):
        """The same workout as its logs stood at the end of day index `day`."""
        last = shift(self.performed_on, day)
        return WorkoutFacts(self.performed_on, tuple(log for log in self.logs if log.logged_on <= last))

    @cached_property  # a frozen dataclass still caches: cached_property writes __dict__ itself
    def in_order(self):
        """The logs, oldest first (sorted once for every rule that walks them)."""
        return tuple(sorted(self.logs, key=_LOGGED_ON))

    @cached_property
    def latest(self):
        return self.in_order[-1] if self.logs else None

    @cached_property
    def peak_pain(self):
        return max(map(_PAIN, self.logs), default=None)


@dataclass(frozen=True)
class PainfulWorkout:
    """Another workout of the user with a log of pain >= RECURRING_PAIN (recurring_pain)."""

    performed_on: datetime.date
    painful_from: datetime.date  # the day of its first such log: it counts from then on


def reasons_for(workout: WorkoutFacts, other_painful_workout_dates: Iterable[datetime.date] = ()):
    """The reasons that hold for this workout's logs, as a set of Reason.

    other_painful_workout_dates: performed_on of the user's *other* workouts that have a
    log with pain >= 5 (any dates; the window is applied here).
    """
    reasons = set()
    performed_on = workout.performed_on
    previous_pain = None
    for log in workout.in_order:
        pain = log.pain
        day = (log.logged_on - performed_on).days
        if pain >= 1 and day >= PERSISTENT_FROM_DAY:
            reasons.add(Reason.PERSISTENT_PAIN)
        if previous_pain is not None and day >= WORSENING_FROM_DAY and pain - previous_pain >= WORSENING_RISE:
            reasons.add(Reason.WORSENING_PAIN)
        if pain >= SEVERE_PAIN:
            reasons.add(Reason.SEVERE_PAIN)
        if log.any_sign:  # most days tick none: the signs one by one only when one is
            if log.radiates_to_legs:
                reasons.add(Reason.RADIATING_PAIN)
            if log.numbness_tingling:
                reasons.add(Reason.NUMBNESS_TINGLING)
            if log.limited_movement:
                reasons.add(Reason.LIMITED_MOVEMENT)
            if log.worse_at_rest:
                reasons.add(Reason.WORSE_AT_REST)
            if log.quality in SHARP_QUALITIES:
                reasons.add(Reason.SHARP_PAIN)
            if log.emergency_screen:
                reasons.add(Reason.CAUDA_EQUINA)
        previous_pain = pain
    if (workout.peak_pain or 0) >= RECURRING_PAIN:
        window_start = shift(performed_on, -(RECURRING_WINDOW_DAYS - 1))
        others = [d for d in other_painful_workout_dates if window_start <= d <= performed_on]
        if len(others) >= RECURRING_OTHER_WORKOUTS:
            reasons.add(Reason.RECURRING_PAIN)
    return reasons


def level_for(reasons: Iterable[Reason], open_alert_reasons: Iterable[Reason] = ()):
    """The highest level among the current reasons and the alerts no one has resolved."""
    # REASON_LEVELS answers for a Reason or its code alike (a StrEnum hashes as its value).
    return max(map(REASON_LEVELS.__getitem__, chain(reasons, open_alert_reasons)), default=Level.OK)


# Most urgent first (by level, then the signs to see soon), then in the table's order.
_RANK = {reason: (-reason.level, reason not in SEE_SOON, i) for i, reason in enumerate(Reason)}


def ordered(reasons: Iterable[Reason]):
    """Most urgent first (by level, then the signs to see soon), then in the table's order."""
    return sorted(reasons, key=_RANK.__getitem__)


@dataclass(frozen=True)
class UserClosing:
    """The user marked the episode recovered."""

    on: datetime.date  # their local day
    at: datetime.datetime  # the moment

    def undone_by(self, log):
        """A log with pain or a sign, for a later day or saved after the closing, reopens it."""
        saved_after = log.updated_at is not None and log.updated_at > self.at
        return not log.clean and (log.logged_on > self.on or saved_after)


def episode_dates(workout: WorkoutFacts, closing: UserClosing | None = None):
    """(opened_on, closed_on) of the recovery episode that follows the workout.

    Open from the first log with pain >= 1 or any sign ticked (an emergency screen with
    pain 0 opens one); closed on the second of two consecutive calendar days whose logs
    both have pain 0 and no sign ticked, or on the day the user marked it recovered. A log
    with pain or a sign after a closing (for a later day, or saved after the user's) reopens it.
    """
    logs = workout.in_order
    opened_on = closed_on = None
    previous_clean = None
    for log in logs:
        clean = log.clean
        if opened_on is None:
            if not clean:
                opened_on = log.logged_on
        elif closed_on is not None:
            if not clean:
                closed_on = None
        elif clean and previous_clean is not None and (log.logged_on - previous_clean).days == 1:
            closed_on = log.logged_on
        previous_clean = log.logged_on if clean else None
    user_closed = opened_on is not None and closed_on is None and closing is not None
    if user_closed and not any(closing.undone_by(log) for log in logs):
        closed_on = closing.on
    return opened_on, closed_on


@dataclass(frozen=True)
class DayView:
    """What the logs up to the end of one day said: that day's pain and the reasons raised."""

    pain: int | None  # the day's log, else the latest earlier log's; None before any log
    reasons: frozenset

    @property
    def level(self):
        return level_for(self.reasons)


def day_view(workout: WorkoutFacts, others: Iterable[PainfulWorkout], day: int):
    """The workout as it stood at the end of day index `day`: only the logs up to that day,
    and only other workouts already painful by then, count (a later log never rewrites it)."""
    known = workout.through(day)
    last = shift(workout.performed_on, day)
    latest = known.latest
    reasons = reasons_for(known, [other.performed_on for other in others if other.painful_from <= last])
    return DayView(latest.pain if latest else None, frozenset(reasons))
