"""The recovery plan, day by day (product.md, "The recovery plan, day by day"): plain data in, steps out.

No ORM here. Each day has a table of rows; a row applies for some (pain, level) and says, in
words, when it applies, so the same table gives both a logged day's plan and the usual course
shown for the days ahead.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass

from advice.content import CONDITIONS, PLAN_STEPS, SEE_DOCTOR_SOON_TIMING
from recovery.levels import Level, Reason
from recovery.rules import SEE_SOON, DayView

PAIN_SCALE = range(0, 11)
SEVERE_PAIN = 7  # stop all training until it eases
CORE_WORK_MAX_PAIN = 2  # day 3: core work and light training may resume
MILD_SORENESS = 3  # from day 3, with nothing flagged, light training may continue
CORE_WORK_DAY = 3
RETURN_DAY = 4  # pain on this day or later is more than three days after the workout
# "Stop all training" already says everything "no intense training" does, and more.
STOP_REPLACES = frozenset({"rest_from_training"})
NOTHING_KNOWN = DayView(pain=None, reasons=frozenset())


@dataclass(frozen=True)
class Step:
    code: str
    title: str
    detail: str
    timing: str = ""
    condition: str = ""

    def to_dict(self):
        return asdict(self)


def _always(pain, level):
    return True


def _may_resume(pain, level):
    # A back that has been flagged for a doctor is assessed before it is loaded again.
    return pain <= CORE_WORK_MAX_PAIN and level < Level.SEE_DOCTOR


def _light_training(pain, level):
    return _may_resume(pain, level) or (pain <= MILD_SORENESS and level == Level.OK)


def _keep_gentle(pain, level):
    return pain > CORE_WORK_MAX_PAIN or level >= Level.SEE_DOCTOR


def _pain_gone(pain, level):
    return pain == 0 and level < Level.SEE_DOCTOR


def _pain_still_there(pain, level):
    return pain >= 1


def _pain_or_flagged(pain, level):
    return pain >= 1 or level >= Level.SEE_DOCTOR


@dataclass(frozen=True)
class Row:
    code: str
    applies: Callable[[int, Level], bool] = _always
    condition: str = ""  # a key of CONDITIONS, shown when the row holds for some pains only


DAY_0 = (Row("rest_from_training"), Row("easy_walks"), Row("cold_pack"), Row("pain_relief"))
# Cold belongs to the first 24 hours only; from day 1 heat takes over.
DAYS_1_2 = (Row("heat"), Row("gentle_stretching"), Row("easy_walks"), Row("rest_from_training"))
DAY_3 = (
    Row("core_work", _may_resume, "pain_at_most_2"),
    Row("easy_walks", _keep_gentle, "pain_above_2"),
    Row("heat", _keep_gentle, "pain_above_2"),
    Row("gentle_stretching", _keep_gentle, "pain_above_2"),
    Row("light_training", _light_training, "light_training"),
)
DAY_4_ON = (
    Row("see_doctor", _pain_still_there, "pain_still_there"),
    Row("gradual_return", _pain_gone, "pain_gone"),
    Row("easy_walks", _pain_or_flagged, "pain_still_there"),
    Row("heat", _pain_or_flagged, "pain_still_there"),
    Row("gentle_stretching", _pain_or_flagged, "pain_still_there"),
)


def rows_for(day):
    if day <= 0:
        return DAY_0
    if day < CORE_WORK_DAY:
        return DAYS_1_2
    if day == CORE_WORK_DAY:
        return DAY_3
    return DAY_4_ON


def _level(level):
    if isinstance(level, Level):
        return level
    try:
        return Level.from_code(level)
    except (KeyError, AttributeError):
        raise ValueError(f"level must be one of {[lv.code for lv in Level]}, not {level!r}") from None


def _step(code, reasons, condition=""):
    text = PLAN_STEPS[code]
    timing = text.get("timing", "")
    if code == "see_doctor" and SEE_SOON.intersection(reasons):
        timing = SEE_DOCTOR_SOON_TIMING
    return Step(code=code, title=text["title"], detail=text["detail"], timing=timing, condition=condition)


def plan_for(day: int, pain: int | None, level: str, reasons: Sequence[str] = ()) -> list[Step]:
    """The ordered steps for one day index (day 0 is the workout's date).

    pain is that day's pain on the 0-10 scale, or None when nothing is logged yet: the day
    then follows the usual course, each pain-dependent step carrying its condition. level is
    the workout's level code; reasons (codes) can only raise it, and set how soon a doctor.
    """
    if pain is not None and pain not in PAIN_SCALE:
        raise ValueError(f"pain must be a whole number from 0 to 10, not {pain!r}")
    reasons = {Reason(reason) for reason in reasons}
    level = max([_level(level), *(reason.level for reason in reasons)])
    if pain is not None and pain >= 1 and day >= RETURN_DAY:
        # That is persistent_pain, a see_doctor sign: its step leads even if the level given is stale.
        level = max(level, Level.SEE_DOCTOR)
    codes = []
    if level == Level.EMERGENCY:
        codes.append("see_doctor_now")
    elif level == Level.SEE_DOCTOR:
        codes.append("see_doctor")
    if pain is not None and pain >= SEVERE_PAIN:
        codes.append("stop_training")
    steps = [_step(code, reasons) for code in codes]
    # Self-care steps under an emergency would only water down "get care now".
    rows = () if level == Level.EMERGENCY else rows_for(day)
    for row in rows:
        if row.code in codes or ("stop_training" in codes and row.code in STOP_REPLACES):
            continue
        if pain is not None:
            if row.applies(pain, level):
                codes.append(row.code)
                steps.append(_step(row.code, reasons))
            continue
        holds = [row.applies(p, level) for p in PAIN_SCALE]
        if any(holds):
            codes.append(row.code)
            steps.append(_step(row.code, reasons, "" if all(holds) else CONDITIONS[row.condition]))
    return steps


def usual_course(day: int) -> list[Step]:
    """What a day usually holds, for days not reached yet, each step with the condition it needs."""
    return plan_for(day, None, Level.OK)


def plan_days(
    today_day: int,
    today: DayView,
    past: Mapping[int, DayView] | None = None,
    days: Sequence[int] = range(0, 8),
) -> list[dict]:
    """The plan for a run of days: what was known on each day up to today, the usual course after.

    today: today's pain (the latest logged) and every open reason, unresolved alerts
    included. past: each earlier day as it stood at its end (recovery.rules.day_view): its
    own log, else the latest earlier one, and only the reasons raised by then. A past day
    with no entry follows the usual course.
    """
    today_day = max(today_day, 0)
    past = past or {}
    plan = []
    for day in days:
        if day > today_day:
            steps = usual_course(day)
        else:
            view = today if day == today_day else past.get(day, NOTHING_KNOWN)
            steps = plan_for(day, view.pain, view.level, [reason.value for reason in view.reasons])
        plan.append({"day": day, "steps": [step.to_dict() for step in steps]})
    return plan
