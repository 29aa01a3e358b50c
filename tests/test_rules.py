"""The flagging rules, row by row as product.md states them (pure: no database)."""

import datetime

import pytest

from recovery.levels import Level, Reason
from recovery.rules import LogFacts, WorkoutFacts, episode_dates, level_for, ordered, reasons_for

P = datetime.date(2026, 11, 2)  # the workout's performed_on: day 0


def log(day, pain, **signs):
    return LogFacts(logged_on=P + datetime.timedelta(days=day), pain=pain, **signs)


def reasons(*logs, others=()):
    return reasons_for(WorkoutFacts(P, tuple(logs)), others)


def days_before(n):
    return P - datetime.timedelta(days=n)


# (rule, logs, fires?) -- each row a boundary from the table in product.md
RULES = [
    # persistent_pain | see_doctor | a log with pain >= 1 on day index >= 4
    (Reason.PERSISTENT_PAIN, [log(3, 5)], False),
    (Reason.PERSISTENT_PAIN, [log(4, 1)], True),
    (Reason.PERSISTENT_PAIN, [log(4, 0)], False),
    (Reason.PERSISTENT_PAIN, [log(0, 3), log(9, 1)], True),  # gaps in logs are fine
    (Reason.PERSISTENT_PAIN, [log(0, 6), log(1, 6), log(2, 5), log(3, 4)], False),
    # radiating_pain | any log says pain radiates to legs or buttocks
    (Reason.RADIATING_PAIN, [log(0, 2, radiates_to_legs=True)], True),
    (Reason.RADIATING_PAIN, [log(0, 2), log(1, 2)], False),
    # numbness_tingling | any log reports numbness or tingling
    (Reason.NUMBNESS_TINGLING, [log(1, 0, numbness_tingling=True)], True),
    (Reason.NUMBNESS_TINGLING, [log(1, 8)], False),
    # limited_movement | difficulty standing, bending or walking
    (Reason.LIMITED_MOVEMENT, [log(1, 4, difficulty_standing=True)], True),
    (Reason.LIMITED_MOVEMENT, [log(1, 4, difficulty_bending=True)], True),
    (Reason.LIMITED_MOVEMENT, [log(1, 4, difficulty_walking=True)], True),
    (Reason.LIMITED_MOVEMENT, [log(1, 4)], False),
    # worse_at_rest | any log says the pain is worse at rest
    (Reason.WORSE_AT_REST, [log(2, 3, worse_at_rest=True)], True),
    (Reason.WORSE_AT_REST, [log(2, 3)], False),
    # sharp_pain | any log's quality is sharp or shooting
    (Reason.SHARP_PAIN, [log(0, 3, quality="sharp")], True),
    (Reason.SHARP_PAIN, [log(0, 3, quality="shooting")], True),
    (Reason.SHARP_PAIN, [log(0, 3, quality="ache")], False),
    (Reason.SHARP_PAIN, [log(0, 3, quality="stiffness")], False),
    # worsening_pain | a log on day >= 3 at least 2 points above the previous log's
    (Reason.WORSENING_PAIN, [log(1, 2), log(2, 4)], False),  # a rise on day 2: too early
    (Reason.WORSENING_PAIN, [log(2, 2), log(3, 4)], True),  # the same rise on day 3
    (Reason.WORSENING_PAIN, [log(2, 2), log(3, 3)], False),  # a 1-point rise
    (Reason.WORSENING_PAIN, [log(0, 1), log(5, 3)], True),  # the previous log, whatever its day
    (Reason.WORSENING_PAIN, [log(0, 1), log(2, 5), log(3, 6)], False),  # previous = the latest earlier log
    (Reason.WORSENING_PAIN, [log(3, 6), log(0, 2)], True),  # logs in any order
    (Reason.WORSENING_PAIN, [log(3, 5)], False),  # no previous log
    (Reason.WORSENING_PAIN, [log(2, 6), log(3, 2)], False),  # falling pain
    # severe_pain | caution | a log with pain >= 7
    (Reason.SEVERE_PAIN, [log(0, 6)], False),
    (Reason.SEVERE_PAIN, [log(0, 7)], True),
    (Reason.SEVERE_PAIN, [log(1, 10)], True),
    # cauda_equina | emergency | bladder/bowel, saddle numbness, worsening leg weakness, both legs
    (Reason.CAUDA_EQUINA, [log(0, 0, bladder_bowel_change=True)], True),
    (Reason.CAUDA_EQUINA, [log(0, 2, saddle_numbness=True)], True),
    (Reason.CAUDA_EQUINA, [log(1, 2, leg_weakness=True)], True),
    (Reason.CAUDA_EQUINA, [log(1, 2, both_legs=True)], True),
    (Reason.CAUDA_EQUINA, [log(1, 9, radiates_to_legs=True, numbness_tingling=True)], False),
]


@pytest.mark.parametrize("reason, logs, fires", RULES, ids=[f"{r.value}-{i}" for i, (r, _, _) in enumerate(RULES)])
def test_rule_table(reason, logs, fires):
    assert (reason in reasons(*logs)) is fires


# recurring_pain | this workout has a log with pain >= 5, and so do at least two other
# workouts of the user performed in the 30 days up to this one's performed_on (inclusive;
# a later workout never counts for an earlier one, same-date workouts count for each other)
RECURRING = [
    ("2nd painful workout in 30 days", [log(0, 5)], [days_before(10)], False),
    ("3rd painful workout in 30 days", [log(0, 5)], [days_before(10), days_before(20)], True),
    ("this workout's pain is 4", [log(0, 4), log(1, 4)], [days_before(10), days_before(20)], False),
    ("pain 5 on a later day counts", [log(0, 2), log(3, 5)], [days_before(1), days_before(2)], True),
    ("29 days back is inside", [log(0, 6)], [days_before(29), days_before(3)], True),
    ("30 days back is outside", [log(0, 6)], [days_before(30), days_before(3)], False),
    ("a later workout never counts", [log(0, 6)], [P + datetime.timedelta(days=1), days_before(3)], False),
    ("same-date workouts count", [log(0, 6)], [P, P], True),
]


@pytest.mark.parametrize("case, logs, others, fires", RECURRING, ids=[c[0] for c in RECURRING])
def test_recurring_pain(case, logs, others, fires):
    assert (Reason.RECURRING_PAIN in reasons(*logs, others=others)) is fires


def test_no_logs_no_reasons():
    assert reasons() == set()


def test_ordinary_soreness_raises_nothing():
    assert reasons(log(0, 3, quality="ache"), log(1, 5, quality="stiffness"), log(2, 3), log(3, 1)) == set()


@pytest.mark.parametrize(
    "reason_set, open_alerts, level",
    [
        (set(), [], Level.OK),
        ({Reason.SEVERE_PAIN}, [], Level.CAUTION),
        ({Reason.SEVERE_PAIN, Reason.SHARP_PAIN}, [], Level.SEE_DOCTOR),
        ({Reason.SHARP_PAIN, Reason.CAUDA_EQUINA}, [], Level.EMERGENCY),
        (set(), [Level.SEE_DOCTOR], Level.SEE_DOCTOR),  # a sign edited away: its open alert still counts
        ({Reason.SEVERE_PAIN}, [Level.EMERGENCY], Level.EMERGENCY),
    ],
)
def test_level_is_the_highest_of_reasons_and_open_alerts(reason_set, open_alerts, level):
    assert level_for(reason_set, open_alerts) == level


def test_every_reason_has_the_tables_level():
    expected = {r: Level.SEE_DOCTOR for r in Reason} | {
        Reason.SEVERE_PAIN: Level.CAUTION,
        Reason.CAUDA_EQUINA: Level.EMERGENCY,
    }
    assert {r: r.level for r in Reason} == expected


def test_reasons_are_ordered_most_urgent_first():
    assert ordered({Reason.SEVERE_PAIN, Reason.SHARP_PAIN, Reason.CAUDA_EQUINA}) == [
        Reason.CAUDA_EQUINA,
        Reason.SHARP_PAIN,
        Reason.SEVERE_PAIN,
    ]


def d(day):
    return P + datetime.timedelta(days=day)


# Episode: open from its first log with pain >= 1 until logs on two consecutive calendar
# days both have pain 0 and no sign ticked, or the user marks it recovered.
EPISODES = [
    ("no logs", [], None, (None, None)),
    ("pain-free from the start never opens", [log(0, 0), log(1, 0)], None, (None, None)),
    ("opens at the first pain", [log(0, 0), log(1, 3)], None, (d(1), None)),
    ("two pain-free days in a row close it", [log(0, 4), log(2, 0), log(3, 0)], None, (d(0), d(3))),
    ("pain-free days with a gap do not", [log(0, 4), log(2, 0), log(4, 0)], None, (d(0), None)),
    ("a sign on a pain-free day does not count", [log(0, 4), log(1, 0, worse_at_rest=True), log(2, 0)], None,
     (d(0), None)),
    ("pain after closing reopens it", [log(0, 4), log(1, 0), log(2, 0), log(5, 2)], None, (d(0), None)),
    ("closes again after reopening", [log(0, 4), log(1, 0), log(2, 0), log(5, 2), log(6, 0), log(7, 0)], None,
     (d(0), d(7))),
    ("the user marks it recovered", [log(0, 4), log(1, 3)], d(2), (d(0), d(2))),
    ("pain logged after the user's closing reopens it", [log(0, 4), log(3, 3)], d(2), (d(0), None)),
    ("a user closing before any pain does nothing", [log(0, 0)], d(1), (None, None)),
]  # fmt: skip


@pytest.mark.parametrize("case, logs, user_closed_on, expected", EPISODES, ids=[c[0] for c in EPISODES])
def test_episode(case, logs, user_closed_on, expected):
    assert episode_dates(WorkoutFacts(P, tuple(logs)), user_closed_on) == expected


def test_signs_to_see_within_a_day_or_two_come_before_the_others():
    assert ordered({Reason.PERSISTENT_PAIN, Reason.WORSENING_PAIN, Reason.SHARP_PAIN, Reason.WORSE_AT_REST}) == [
        Reason.WORSE_AT_REST,
        Reason.WORSENING_PAIN,
        Reason.PERSISTENT_PAIN,
        Reason.SHARP_PAIN,
    ]
