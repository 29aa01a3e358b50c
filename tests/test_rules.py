"""The flagging rules, row by row as product.md states them (pure: no database)."""

import datetime

import pytest

from recovery.levels import Level, Reason
from recovery.messages import MESSAGES, OK_MESSAGE, triage_message
from recovery.rules import (
    LogFacts,
    PainfulWorkout,
    UserClosing,
    WorkoutFacts,
    day_view,
    episode_dates,
    level_for,
    ordered,
    reasons_for,
)

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
        (set(), [Reason.NUMBNESS_TINGLING], Level.SEE_DOCTOR),  # a sign edited away: its open alert still counts
        ({Reason.SEVERE_PAIN}, [Reason.CAUDA_EQUINA], Level.EMERGENCY),
        ({Reason.CAUDA_EQUINA}, [Reason.SEVERE_PAIN], Level.EMERGENCY),
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


def at(day, hour):
    return datetime.datetime.combine(d(day), datetime.time(hour), tzinfo=datetime.UTC)


def closing(day, hour=12):
    """The user marks it recovered on that day, at that hour."""
    return UserClosing(d(day), at(day, hour))


def saved(log_facts, day, hour):
    return log_facts._replace(updated_at=at(day, hour))


# Episode: open from its first log with pain >= 1 until logs on two consecutive calendar
# days both have pain 0 and no sign ticked, or the user marks it recovered.
EPISODES = [
    ("no logs", [], None, (None, None)),
    ("pain-free from the start never opens", [log(0, 0), log(1, 0)], None, (None, None)),
    ("opens at the first pain", [log(0, 0), log(1, 3)], None, (d(1), None)),
    ("an emergency screen with pain 0 opens one", [log(0, 0, bladder_bowel_change=True)], None, (d(0), None)),
    ("any sign with pain 0 opens one", [log(0, 0), log(1, 0, numbness_tingling=True)], None, (d(1), None)),
    ("a sharp quality with pain 0 opens one", [log(0, 0, quality="sharp")], None, (d(0), None)),
    ("two pain-free days in a row close it", [log(0, 4), log(2, 0), log(3, 0)], None, (d(0), d(3))),
    ("pain-free days with a gap do not", [log(0, 4), log(2, 0), log(4, 0)], None, (d(0), None)),
    ("a sign on a pain-free day does not count", [log(0, 4), log(1, 0, worse_at_rest=True), log(2, 0)], None,
     (d(0), None)),
    ("pain after closing reopens it", [log(0, 4), log(1, 0), log(2, 0), log(5, 2)], None, (d(0), None)),
    ("a sign after closing reopens it", [log(0, 4), log(1, 0), log(2, 0), log(5, 0, leg_weakness=True)], None,
     (d(0), None)),
    ("closes again after reopening", [log(0, 4), log(1, 0), log(2, 0), log(5, 2), log(6, 0), log(7, 0)], None,
     (d(0), d(7))),
    ("the user marks it recovered", [log(0, 4), log(1, 3)], closing(2), (d(0), d(2))),
    ("pain logged after the user's closing reopens it", [log(0, 4), log(3, 3)], closing(2), (d(0), None)),
    ("a user closing before any pain does nothing", [log(0, 0)], closing(1), (None, None)),
    ("a sign saved that day after the closing reopens it", [log(0, 4), saved(log(2, 0, worse_at_rest=True), 2, 20)],
     closing(2), (d(0), None)),
    ("a log saved that day before the closing does not", [log(0, 4), saved(log(2, 2), 2, 8)], closing(2),
     (d(0), d(2))),
    ("a clean log after the closing keeps it closed", [log(0, 4), log(3, 0)], closing(2), (d(0), d(2))),
    ("a sign logged after the user's closing reopens it", [log(0, 4), log(3, 0, worse_at_rest=True)], closing(2),
     (d(0), None)),
]  # fmt: skip


@pytest.mark.parametrize("case, logs, closing, expected", EPISODES, ids=[c[0] for c in EPISODES])
def test_episode(case, logs, closing, expected):
    assert episode_dates(WorkoutFacts(P, tuple(logs)), closing) == expected


def test_signs_to_see_within_a_day_or_two_come_before_the_others():
    assert ordered({Reason.PERSISTENT_PAIN, Reason.WORSENING_PAIN, Reason.SHARP_PAIN, Reason.WORSE_AT_REST}) == [
        Reason.WORSE_AT_REST,
        Reason.WORSENING_PAIN,
        Reason.PERSISTENT_PAIN,
        Reason.SHARP_PAIN,
    ]


# "The message always matches the level: it speaks of the most urgent of the current reasons
# and the unresolved alerts. Whenever the level is emergency, the message ... say[s] to get
# emergency care now, whichever log raised it."
MESSAGE_LEADS = [
    ("nothing", set(), set(), None),
    ("a current sign", {Reason.SHARP_PAIN}, set(), Reason.SHARP_PAIN),
    ("the sooner sign first", {Reason.SHARP_PAIN, Reason.WORSE_AT_REST}, set(), Reason.WORSE_AT_REST),
    ("an open emergency alert over current severe pain", {Reason.SEVERE_PAIN}, {Reason.CAUDA_EQUINA},
     Reason.CAUDA_EQUINA),
    ("an open see_doctor alert over current severe pain", {Reason.SEVERE_PAIN}, {Reason.RADIATING_PAIN},
     Reason.RADIATING_PAIN),
    ("a sign edited away still speaks", set(), {Reason.NUMBNESS_TINGLING}, Reason.NUMBNESS_TINGLING),
    ("a current emergency over open alerts", {Reason.CAUDA_EQUINA}, {Reason.SHARP_PAIN}, Reason.CAUDA_EQUINA),
]  # fmt: skip


@pytest.mark.parametrize("case, current, alerts, leads", MESSAGE_LEADS, ids=[c[0] for c in MESSAGE_LEADS])
def test_the_message_leads_with_the_most_urgent_of_reasons_and_open_alerts(case, current, alerts, leads):
    message = triage_message(current, alerts)
    if leads is None:
        assert message == OK_MESSAGE and level_for(current, alerts) == Level.OK
    else:
        assert message.startswith(MESSAGES[leads])
        assert leads.level == level_for(current, alerts), "the lead sign is the level's"


@pytest.mark.parametrize("current", [set(), {Reason.SEVERE_PAIN}, {Reason.SHARP_PAIN, Reason.PERSISTENT_PAIN}])
def test_at_emergency_the_message_always_says_get_emergency_care_now(current):
    assert level_for(current, {Reason.CAUDA_EQUINA}) == Level.EMERGENCY
    assert triage_message(current, {Reason.CAUDA_EQUINA}).startswith("Get emergency care now")


def painful(days_before_p, first_log_day):
    """Another workout performed days_before_p before P, first painful on P + first_log_day."""
    return PainfulWorkout(days_before(days_before_p), d(first_log_day))


# "Days up to today follow what was known on that day: the pain logged that day (a day without
# a log takes the latest earlier log, never a later one) and the reasons raised by the logs up
# to that day."  (day, logs, others, expected pain, expected reasons)
DAY_VIEWS = [
    ("a day with its own log", 1, [log(0, 3), log(1, 5), log(5, 2)], [], 5, set()),
    ("a day without a log takes the latest earlier one", 2, [log(0, 3), log(1, 5), log(5, 2)], [], 5, set()),
    ("never a later one", 0, [log(1, 5), log(5, 2)], [], None, set()),
    ("a later log's sign is not known yet", 0, [log(0, 3), log(5, 2, radiates_to_legs=True)], [], 3, set()),
    ("a later log's persistent pain is not known yet", 2, [log(0, 3), log(5, 2)], [], 3, set()),
    ("reasons raised by then stay", 6, [log(1, 3, radiates_to_legs=True), log(5, 0)], [], 0,
     {Reason.RADIATING_PAIN}),
    ("worsening is known from its day", 3, [log(2, 2), log(3, 4)], [], 4, {Reason.WORSENING_PAIN}),
    ("recurring pain needs the others painful by then", 0, [log(0, 6)], [painful(5, 1), painful(10, -10)], 6, set()),
    ("recurring pain once they were", 1, [log(0, 6)], [painful(5, 1), painful(10, -10)], 6,
     {Reason.RECURRING_PAIN}),
]  # fmt: skip


@pytest.mark.parametrize("case, day, logs, others, pain, expected", DAY_VIEWS, ids=[c[0] for c in DAY_VIEWS])
def test_a_past_day_is_what_was_known_on_it(case, day, logs, others, pain, expected):
    view = day_view(WorkoutFacts(P, tuple(logs)), others, day)
    assert (view.pain, set(view.reasons)) == (pain, expected)
    assert view.level == level_for(expected)
