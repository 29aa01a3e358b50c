"""The pure parts of reminding: slots and quiet hours in the user's zone, and which reminders are due."""

import datetime
import uuid
import zoneinfo

import pytest

from notifications.models import Kind
from notifications.reminders import WorkoutState, reminders_due
from notifications.schedule import QuietHours, in_quiet_hours, next_reminder, release

UTC = datetime.UTC
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
NIGHT = QuietHours(datetime.time(22), datetime.time(7))


def utc(*args):
    return datetime.datetime(*args, tzinfo=UTC)


def slots(tz, at, quiet, after, count):
    found = []
    for _ in range(count):
        after = next_reminder(after, tz, at, quiet)
        found.append(after)
    return found


@pytest.mark.parametrize(
    ("moment", "inside"),
    [((21, 59), False), ((22, 0), True), ((23, 59), True), ((0, 0), True), ((6, 59), True), ((7, 0), False)],
)
def test_quiet_hours_that_cross_midnight(moment, inside):
    assert NIGHT.contain(datetime.time(*moment)) is inside


def test_quiet_hours_within_a_day():
    quiet = QuietHours(datetime.time(13), datetime.time(15))
    assert [quiet.contain(datetime.time(h)) for h in (12, 13, 14, 15)] == [False, True, True, False]


def test_release_waits_for_the_end_of_quiet_hours_on_the_right_day():
    assert release(utc(2026, 11, 25, 23, 30), UTC, NIGHT) == utc(2026, 11, 26, 7)
    assert release(utc(2026, 11, 26, 3), UTC, NIGHT) == utc(2026, 11, 26, 7)
    assert release(utc(2026, 11, 26, 12), UTC, NIGHT) == utc(2026, 11, 26, 12)
    assert release(utc(2026, 11, 26, 3), UTC, None) == utc(2026, 11, 26, 3)


def test_a_reminder_time_inside_quiet_hours_moves_to_their_end_once_a_day():
    found = slots(UTC, datetime.time(23), NIGHT, utc(2026, 11, 25, 12), 3)
    assert found == [utc(2026, 11, 26, 7), utc(2026, 11, 27, 7), utc(2026, 11, 28, 7)]
    assert not any(in_quiet_hours(slot, UTC, NIGHT) for slot in found)


def test_spring_forward_neither_skips_nor_doubles_a_slot_in_the_missing_hour():
    # 2026-03-08 02:00 EST jumps to 03:00 EDT: 02:30 does not exist that night.
    found = slots(NEW_YORK, datetime.time(2, 30), None, utc(2026, 3, 6, 12), 4)
    local = [slot.astimezone(NEW_YORK) for slot in found]
    assert [t.date().day for t in local] == [7, 8, 9, 10]
    assert [t.strftime("%H:%M %Z") for t in local] == ["02:30 EST", "03:30 EDT", "02:30 EDT", "02:30 EDT"]


def test_fall_back_takes_a_repeated_time_once():
    # 2026-11-01 02:00 EDT falls back to 01:00 EST: 01:30 happens twice; the first counts.
    found = slots(NEW_YORK, datetime.time(1, 30), None, utc(2026, 10, 31, 12), 3)
    assert found == [utc(2026, 11, 1, 5, 30), utc(2026, 11, 2, 6, 30), utc(2026, 11, 3, 6, 30)]


def test_half_hour_and_fourteen_hour_offsets():
    kolkata, kiritimati = zoneinfo.ZoneInfo("Asia/Kolkata"), zoneinfo.ZoneInfo("Pacific/Kiritimati")
    assert next_reminder(utc(2026, 11, 25, 12), kolkata, datetime.time(20), None) == utc(2026, 11, 25, 14, 30)
    # 20:00 in Kiritimati (UTC+14) on its 26 November is 06:00 UTC on the 26th.
    assert next_reminder(utc(2026, 11, 25, 12), kiritimati, datetime.time(20), None) == utc(2026, 11, 26, 6)


# -- which reminders are due ------------------------------------------------------------------

TODAY = datetime.date(2026, 11, 25)  # a Wednesday


def workout(days_ago, last_log_days_ago=None, pain=None, episode_open=False, level=0):
    last_log_on = None if last_log_days_ago is None else TODAY - datetime.timedelta(days=last_log_days_ago)
    return WorkoutState(uuid.uuid4(), TODAY - datetime.timedelta(days=days_ago), last_log_on, pain, episode_open, level)


def kinds(workouts):
    return [(r.kind, r.key.split(":")[0]) for r in reminders_due(TODAY, workouts)]


def test_a_workout_with_no_log_yet_is_named_on_days_0_and_1():
    (today,) = reminders_due(TODAY, [workout(0)])
    assert (today.kind, today.key, today.unlogged_workout_on) == (Kind.LOG_REMINDER, "log:2026-11-25", TODAY)
    yesterday = reminders_due(TODAY, [workout(1)])
    assert yesterday[0].unlogged_workout_on == TODAY - datetime.timedelta(days=1)
    assert kinds([workout(2)]) == [(Kind.HEAT_REMINDER, "heat")], "day 2: no log reminder without an episode"


def test_the_log_reminder_runs_while_an_episode_is_open_and_today_has_no_log():
    assert kinds([workout(6, last_log_days_ago=1, pain=3, episode_open=True)]) == [(Kind.LOG_REMINDER, "log")]
    assert kinds([workout(6, last_log_days_ago=0, pain=3, episode_open=True)]) == []
    assert kinds([workout(6, last_log_days_ago=1, pain=0)]) == [], "the episode closed"


def test_one_log_reminder_a_day_however_many_workouts():
    due = kinds([workout(0), workout(1), workout(9, 1, 3, episode_open=True)])
    assert due.count((Kind.LOG_REMINDER, "log")) == 1


def test_heat_from_24_hours_while_sore_but_not_at_emergency():
    assert (Kind.HEAT_REMINDER, "heat") in kinds([workout(1)])
    assert (Kind.HEAT_REMINDER, "heat") in kinds([workout(2, 0, 4, episode_open=True)])
    assert kinds([workout(1, 0, 0)]) == [], "logged with no pain: nothing to heat"
    assert (Kind.HEAT_REMINDER, "heat") not in kinds([workout(1, 0, 8, episode_open=True, level=3)])
    assert (Kind.HEAT_REMINDER, "heat") not in kinds([workout(3)])


@pytest.mark.parametrize(
    ("pain", "level", "due"), [(2, 0, True), (0, 1, True), (3, 0, False), (1, 2, False), (None, 0, False)]
)
def test_gentle_core_on_day_3_when_pain_allows_and_no_sign_is_open(pain, level, due):
    state = workout(3, None if pain is None else 0, pain, episode_open=bool(pain), level=level)
    assert ((Kind.CORE_REMINDER, "core") in kinds([state])) is due
