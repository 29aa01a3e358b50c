"""Prevention tips tied to the likely causes found in the user's own training data (product.md).

No ORM here: callers turn workouts into `SessionFacts`. Each tip says `because`, in the
user's terms, what in their training it was drawn from.
"""

import datetime
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal

from advice.content import BECAUSE, TIPS
from config.dates import shift

LOAD_RISE = Decimal("1.1")  # a rise of 10 % or more on an exercise versus its previous session
WEEK_DAYS = 7
BASELINE_WEEKS = 4
WEEKLY_FACTOR = 2  # this week at least twice the previous weeks' average...
WEEKLY_MARGIN = 2  # ...and at least two sessions above it, so 1 -> 2 sessions is no jump
WEEKLY_FROM_NONE = 3  # with no sessions in the previous weeks, this many in one week is a jump
TIP_ORDER = ("form_check", "progress_gradually", "warm_up_cool_down", "core_and_posture")

# Matched against the name with spaces removed, so "dead lift", "Dead-lifts" and "deadlift" agree.
SPINE_LOADING = re.compile(r"deadlift|squat|goodmorning|bentover\w*row|(barbell|pendlay)row")
SPINE_LOADING_WORDS = frozenset({"rdl"})  # the usual shorthand for a Romanian deadlift
PLURAL_ES = ("sses", "shes", "ches", "xes")  # presses, crunches: drop "es"; lunges keeps its "e"


@dataclass(frozen=True)
class ExerciseFacts:
    name: str
    load_kg: Decimal | float | None


@dataclass(frozen=True)
class SessionFacts:
    performed_on: datetime.date
    exercises: tuple[ExerciseFacts, ...]
    warmed_up: bool
    cooled_down: bool


@dataclass(frozen=True)
class Tip:
    code: str
    title: str
    detail: str
    because: str

    def to_dict(self):
        return asdict(self)


def _singular(word):
    if word.endswith(PLURAL_ES):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us")):
        return word[:-1]
    return word


def words(name):
    """The name as lower-case singular words: "Bent-over Rows" -> ("bent", "over", "row")."""
    return tuple(_singular(word) for word in re.split(r"[\s\-_/]+", name.lower()) if word)


def exercise_key(name):
    return "".join(words(name))


def _display(name):
    return " ".join(name.lower().split())


def _kg(value):
    return None if value is None else Decimal(str(value))


def _number(value):
    """100, 82.5 and 0.25 as a person writes them: no trailing zeros, never an exponent."""
    return f"{Decimal(str(value)).normalize():f}"


def _join(parts):
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def _max_load(sessions, key):
    loads = [
        _kg(exercise.load_kg)
        for session in sessions
        for exercise in session.exercises
        if exercise_key(exercise.name) == key and exercise.load_kg is not None
    ]
    return max(loads, default=None)


def _exercises_by_key(session):
    """Each distinct exercise of the session, by key, with the name it was first written as."""
    names = {}
    for exercise in session.exercises:
        key = exercise_key(exercise.name)
        if key:
            names.setdefault(key, exercise.name)
    return names


def _spine_loading(session):
    return [
        _display(name)
        for key, name in _exercises_by_key(session).items()
        if SPINE_LOADING.search(key) or SPINE_LOADING_WORDS.intersection(words(name))
    ]


def _load_increases(session, earlier):
    increases = []
    for key, name in _exercises_by_key(session).items():
        last_date = max((s.performed_on for s in earlier if key in _exercises_by_key(s)), default=None)
        if last_date is None:
            continue
        # Sessions carry a date, not a time: every earlier session on that date is "the previous one".
        before = _max_load([s for s in earlier if s.performed_on == last_date], key)
        after = _max_load([session], key)
        if before is None or after is None or before <= 0:
            continue
        if after >= before * LOAD_RISE:
            increases.append(
                BECAUSE["load_increase"].format(exercise=_display(name), before=_number(before), after=_number(after))
            )
    return increases


def _weekly_jump(session, history):
    window_start = shift(session.performed_on, -(WEEK_DAYS - 1))
    baseline_start = shift(window_start, -WEEK_DAYS * BASELINE_WEEKS)
    this_week = 1 + sum(window_start <= s.performed_on <= session.performed_on for s in history)
    baseline = sum(baseline_start <= s.performed_on < window_start for s in history)
    if baseline == 0:
        if this_week >= WEEKLY_FROM_NONE:
            return BECAUSE["weekly_jump_from_none"].format(this_week=this_week)
        return None
    average = Decimal(baseline) / BASELINE_WEEKS
    if this_week >= WEEKLY_FACTOR * average and this_week >= average + WEEKLY_MARGIN:
        return BECAUSE["weekly_jump"].format(this_week=this_week, average=_number(average))
    return None


def _skipped(session):
    if not session.warmed_up and not session.cooled_down:
        return BECAUSE["no_warm_up_or_cool_down"]
    if not session.warmed_up:
        return BECAUSE["no_warm_up"]
    if not session.cooled_down:
        return BECAUSE["no_cool_down"]
    return None


def tips_for(session: SessionFacts, history: Sequence[SessionFacts]) -> list[Tip]:
    """The tips for one session, most specific first; core and posture always comes last.

    history: the user's other sessions, any dates. Loads compare with sessions strictly before
    this one's date; the weekly count includes same-day sessions, never later ones.
    """
    earlier = [s for s in history if s.performed_on < session.performed_on]
    because = {code: [] for code in TIP_ORDER}
    lifts = _spine_loading(session)
    if lifts:
        because["form_check"].append(BECAUSE["form_check"].format(lifts=_join(lifts)))
    because["progress_gradually"].extend(_load_increases(session, earlier))
    jump = _weekly_jump(session, history)
    if jump:
        because["progress_gradually"].append(jump)
    skipped = _skipped(session)
    if skipped:
        because["warm_up_cool_down"].append(skipped)
    because["core_and_posture"].append(BECAUSE["core_and_posture"])
    return [
        Tip(code=code, title=TIPS[code]["title"], detail=TIPS[code]["detail"], because=_join(because[code]))
        for code in TIP_ORDER
        if because[code]
    ]
