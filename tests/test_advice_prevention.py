"""Prevention tips from the user's own training data (product.md, the plan's last bullet; pure: no database)."""

import datetime
from decimal import Decimal

import pytest

from advice.prevention import ExerciseFacts, SessionFacts, Tip, exercise_key, tips_for

P = datetime.date(2026, 11, 2)  # the session the tips are for


def on(days_before):
    return P - datetime.timedelta(days=days_before)


def session(days_before=0, *exercises, warmed_up=True, cooled_down=True):
    """exercises as (name, load_kg) pairs."""
    return SessionFacts(
        performed_on=on(days_before),
        exercises=tuple(ExerciseFacts(name, load) for name, load in exercises),
        warmed_up=warmed_up,
        cooled_down=cooled_down,
    )


def tips(current, history=()):
    return {tip.code: tip.because for tip in tips_for(current, history)}


def weekly(per_week, weeks=4, start=7):
    """per_week sessions (bench press, no spine loading) in each of the weeks before the current one."""
    return [session(start + 7 * week + i, ("Bench press", 60)) for week in range(weeks) for i in range(per_week)]


def test_first_workout_gets_only_core_and_posture():
    found = tips_for(session(0, ("Bench press", 60), ("Lat pulldown", 50)), [])
    assert [(t.code, t.because) for t in found] == [("core_and_posture", "it helps every lifter")]


def test_tip_shape():
    (tip,) = tips_for(session(0, ("Bench press", 60)), [])
    assert isinstance(tip, Tip)
    assert set(tip.to_dict()) == {"code", "title", "detail", "because"}
    assert tip.title and tip.detail


# (previous session, this session, expected because of progress_gradually or None)
LOADS = [
    ([("Deadlift", 100)], [("Deadlift", 120)], "your deadlift went from 100 to 120 kg"),
    ([("Deadlift", 100)], [("Deadlift", 110)], "your deadlift went from 100 to 110 kg"),  # exactly 10 %
    ([("Deadlift", 100)], [("Deadlift", 105)], None),
    ([("Deadlift", 100)], [("Deadlift", 109.5)], None),
    ([("Deadlift", 100)], [("Deadlift", 90)], None),
    ([("Bench press", 75)], [("Bench press", 82.5)], "your bench press went from 75 to 82.5 kg"),
    (
        [("Bench press", Decimal("75.00"))],
        [("Bench press", Decimal("82.50"))],
        "your bench press went from 75 to 82.5 kg",
    ),
    ([("Bench press", 60.0)], [("Bench press", 70.0)], "your bench press went from 60 to 70 kg"),
    ([("Lat pulldown", 0)], [("Lat pulldown", 40)], None),  # nothing to compare with
    ([("Lat pulldown", None)], [("Lat pulldown", 40)], None),
    ([("Lat pulldown", 40)], [("Lat pulldown", None)], None),
    ([("Plank", None)], [("Plank", None)], None),
    # the heaviest set of each session counts
    ([("Bench press", 60), ("Bench press", 70)], [("Bench press", 72), ("Bench press", 50)], None),
    ([("Bench press", 60), ("Bench press", None)], [("Bench press", 66)], "your bench press went from 60 to 66 kg"),
    # names match whatever the spacing, hyphens, case or plural
    ([("bench-press", 60)], [("Bench Presses", 70)], "your bench presses went from 60 to 70 kg"),
    ([("Lat  pull-down", 40)], [("lat pulldowns", 50)], "your lat pulldowns went from 40 to 50 kg"),
    ([("Bicep curls", 10)], [("Bicep curl", 12)], "your bicep curl went from 10 to 12 kg"),
    # a different exercise is not a previous session of this one
    ([("Leg press", 100)], [("Leg curl", 150)], None),
]


@pytest.mark.parametrize("before, now, because", LOADS)
def test_load_increase(before, now, because):
    found = tips(session(0, *now), [session(3, *before)])
    assert found.get("progress_gradually") == because


def test_deadlift_progression_over_weeks():
    history = [session(21, ("Deadlift", 80)), session(14, ("Deadlift", 90)), session(7, ("Deadlift", 100))]
    found = tips(session(0, ("Deadlift", 120)), history)
    assert found["progress_gradually"] == "your deadlift went from 100 to 120 kg"
    assert found["form_check"] == "you did deadlift"


def test_previous_session_is_the_latest_earlier_one_with_that_exercise():
    history = [
        session(30, ("Back squat", 100)),
        session(15, ("Back squat", 110)),
        session(9, ("Bench press", 60)),  # later, but no squat in it
        session(-3, ("Back squat", 60)),  # after this session: never "previous"
    ]
    assert tips(session(0, ("Back squat", 120)), history).get("progress_gradually") is None
    assert tips(session(0, ("Back squat", 121)), history)["progress_gradually"] == (
        "your back squat went from 110 to 121 kg"
    )


def test_previous_session_without_a_load_stops_the_comparison():
    history = [session(10, ("Deadlift", 60)), session(3, ("Deadlift", None))]
    assert "progress_gradually" not in tips(session(0, ("Deadlift", 120)), history)


def test_same_day_session_is_not_a_previous_session():
    history = [session(0, ("Deadlift", 60)), session(8, ("Deadlift", 115))]
    assert "progress_gradually" not in tips(session(0, ("Deadlift", 120)), history)
    assert "progress_gradually" not in tips(session(0, ("Deadlift", 120)), [session(0, ("Deadlift", 60))])


def test_several_increases_and_a_weekly_jump_make_one_tip():
    history = [session(4, ("Deadlift", 100), ("Bench press", 60)), *weekly(1)]
    history += [session(1, ("Row machine", 30)), session(2, ("Row machine", 30))]
    found = tips_for(session(0, ("Deadlift", 120), ("Bench press", 70)), history)
    assert [tip.code for tip in found] == ["form_check", "progress_gradually", "core_and_posture"]
    assert found[1].because == (
        "your deadlift went from 100 to 120 kg, your bench press went from 60 to 70 kg"
        " and you trained 4 times in the 7 days up to this session, against 1 a week in the 4 weeks before"
    )


# (exercise name as logged, loads the spine?)
SPINE_LOADING = [
    ("Deadlift", True),
    ("Romanian deadlifts", True),
    ("sumo dead-lift", True),
    ("RDL", True),
    ("back squat", True),
    ("Front Squat", True),
    ("Squats", True),
    ("bent-over row", True),
    ("Bent over rows", True),
    ("Bent-over barbell row", True),
    ("Barbell rows", True),
    ("Good morning", True),
    ("good-mornings", True),
    ("Bench press", False),
    ("Seated cable row", False),
    ("Lat pulldown", False),
    ("Hurdle drills", False),
    ("Leg press", False),
]


@pytest.mark.parametrize("name, loads_spine", SPINE_LOADING)
def test_spine_loading_lifts(name, loads_spine):
    assert ("form_check" in tips(session(0, (name, 50)))) is loads_spine


def test_form_check_names_the_lifts_once_each():
    now = session(0, ("Deadlift", 100), ("Bench press", 60), ("Back squat", 80), ("deadlifts", 110))
    assert tips(now)["form_check"] == "you did deadlift and back squat"
    now = session(0, ("Deadlift", 100), ("Back  Squat", 80), ("Bent-over row", 50))
    assert tips(now)["form_check"] == "you did deadlift, back squat and bent-over row"


@pytest.mark.parametrize(
    "a, b",
    [
        ("Deadlift", "dead-lifts"),
        ("Romanian deadlifts", "romanian  Deadlift"),
        ("bent-over row", "Bent over rows"),
        ("Good morning", "good_mornings"),
        ("Bench press", "bench presses"),
    ],
)
def test_names_normalise_alike(a, b):
    assert exercise_key(a) == exercise_key(b)


@pytest.mark.parametrize(
    "a, b", [("Deadlift", "Romanian deadlift"), ("Front squat", "Back squat"), ("Leg press", "Leg curl")]
)
def test_different_exercises_stay_apart(a, b):
    assert exercise_key(a) != exercise_key(b)


@pytest.mark.parametrize(
    "warmed_up, cooled_down, because",
    [
        (True, True, None),
        (False, True, "you skipped the warm-up"),
        (True, False, "you skipped the cool-down stretch"),
        (False, False, "you skipped both the warm-up and the cool-down stretch"),
    ],
)
def test_warm_up_and_cool_down(warmed_up, cooled_down, because):
    now = session(0, ("Bench press", 60), warmed_up=warmed_up, cooled_down=cooled_down)
    assert tips(now).get("warm_up_cool_down") == because


# (sessions a week over the 4 weeks before, other sessions in this week's 7 days, fires?)
WEEKLY = [
    (1, 3, "you trained 4 times in the 7 days up to this session, against 1 a week in the 4 weeks before"),
    (1, 2, "you trained 3 times in the 7 days up to this session, against 1 a week in the 4 weeks before"),
    (1, 1, None),  # 2 against 1: twice as many, but only one more
    (3, 3, None),  # 4 against 3
    (2, 3, "you trained 4 times in the 7 days up to this session, against 2 a week in the 4 weeks before"),
    (2, 2, None),  # 3 against 2
    (0, 2, "you trained 3 times in the 7 days up to this session, and not at all in the 4 weeks before"),
    (0, 1, None),  # a new habit of two sessions is no jump
    (0, 0, None),
]


@pytest.mark.parametrize("per_week, this_week_others, because", WEEKLY)
def test_weekly_sessions_jump(per_week, this_week_others, because):
    history = weekly(per_week) + [session(day, ("Bench press", 60)) for day in range(1, this_week_others + 1)]
    assert tips(session(0, ("Bench press", 60)), history).get("progress_gradually") == because


def test_weekly_window_edges():
    # four sessions on days 0 to -6 count; day 7 before belongs to the baseline; later sessions never count
    baseline = [session(7, ("Bench press", 60)), session(34, ("Bench press", 60))]
    this_week = [session(6, ("Bench press", 60)), session(3, ("Bench press", 60)), session(0, ("Bench press", 60))]
    later = [session(-1, ("Bench press", 60)) for _ in range(5)]
    found = tips(session(0, ("Bench press", 60)), baseline + this_week + later)
    assert found["progress_gradually"] == (
        "you trained 4 times in the 7 days up to this session, against 0.5 a week in the 4 weeks before"
    )
    too_old = [session(35, ("Bench press", 60)) for _ in range(4)]
    assert tips(session(0, ("Bench press", 60)), too_old + this_week[:1]).get("progress_gradually") is None


def test_uneven_weeks_average_out():
    history = [session(8 + i, ("Bench press", 60)) for i in range(5)]  # 5 sessions in 4 weeks
    this_week = [session(day, ("Bench press", 60)) for day in (1, 2, 3)]
    found = tips(session(0, ("Bench press", 60)), history + this_week)
    assert found["progress_gradually"] == (
        "you trained 4 times in the 7 days up to this session, against 1.25 a week in the 4 weeks before"
    )


HISTORIES = [
    session(0, ("Bench press", 60)),
    session(0, ("Deadlift", 140), warmed_up=False, cooled_down=False),
    session(0, ("Squat", 100), ("Good morning", 40), warmed_up=False),
]


@pytest.mark.parametrize("now", HISTORIES)
@pytest.mark.parametrize("history", [[], weekly(1), [*weekly(3), session(2, ("Squat", 50))]])
def test_core_and_posture_always_present_and_last(now, history):
    found = tips_for(now, history)
    assert found[-1].code == "core_and_posture"
    assert found[-1].because == "it helps every lifter"
    codes = [tip.code for tip in found]
    assert len(codes) == len(set(codes))
    order = ["form_check", "progress_gradually", "warm_up_cool_down", "core_and_posture"]
    assert codes == [code for code in order if code in codes]


def test_everything_at_once():
    history = [session(7, ("Deadlift", 100))]
    now = session(0, ("Deadlift", 120), ("Bent over rows", 60), cooled_down=False)
    assert [(tip.code, tip.because) for tip in tips_for(now, history)] == [
        ("form_check", "you did deadlift and bent over rows"),
        ("progress_gradually", "your deadlift went from 100 to 120 kg"),
        ("warm_up_cool_down", "you skipped the cool-down stretch"),
        ("core_and_posture", "it helps every lifter"),
    ]
