"""The minute's reminder run, with frozen time, in several time zones and across both
daylight-saving changes: at the user's local time, never in quiet hours, never twice."""

import datetime
import threading
import zoneinfo

import factory
import pytest
import time_machine
from django.db import connection

from accounts.models import User
from notifications.models import Kind, Notification, ReminderSchedule
from notifications.reminder_run import run_reminders
from recovery.evaluation import evaluate_workouts
from recovery.levels import Reason
from tests.conftest import client_for
from tests.factories import PainLogFactory, UserFactory, WorkoutFactory
from tests.notification_helpers import raise_alert, users

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


def utc(*args):
    return datetime.datetime(*args, tzinfo=UTC)


def tick(moment):
    """One beat tick of the reminder run at `moment`."""
    with time_machine.travel(moment, tick=False):
        return run_reminders()


def person(at, tz="UTC", reminder=datetime.time(20), quiet=None):
    """A user signed up at `at` (their first slot is computed then)."""
    with time_machine.travel(at, tick=False):
        start, end = quiet or (None, None)
        return UserFactory(timezone=tz, reminder_time=reminder, quiet_hours_start=start, quiet_hours_end=end)


def open_episode(user, performed_on, at):
    """A workout whose episode opened with a log of pain 4 on its day, evaluated as the worker would."""
    workout = WorkoutFactory(owner=user, performed_on=performed_on)
    with time_machine.travel(at, tick=False):
        PainLogFactory(workout=workout, logged_on=performed_on, pain=4)
        evaluate_workouts([workout.pk])
    return workout


def sent(user, kind=None):
    """[(key, local time it was written)] of the user's notifications."""
    rows = Notification.objects.filter(recipient=user).order_by("created_at")
    if kind:
        rows = rows.filter(kind=kind)
    return [(n.key, n.created_at.astimezone(user.tzinfo).strftime("%m-%d %H:%M")) for n in rows]


def tick_every(start, end, minutes):
    moment = start
    while moment <= end:
        tick(moment)
        moment += datetime.timedelta(minutes=minutes)


def test_kiritimati_is_reminded_on_its_own_calendar_day():
    # UTC+14: 09:00 on 25 November there is 19:00 UTC on the 24th.
    user = person(utc(2026, 11, 24, 12), "Pacific/Kiritimati", datetime.time(9))
    WorkoutFactory(owner=user, performed_on=datetime.date(2026, 11, 24))  # a Tuesday, there
    assert tick(utc(2026, 11, 24, 18, 59)) == (0, 0)
    assert tick(utc(2026, 11, 24, 19, 0)) == (1, 2)
    assert sent(user) == [("log:2026-11-25", "11-25 09:00"), (sent(user)[1][0], "11-25 09:00")]
    log = Notification.objects.get(recipient=user, kind=Kind.LOG_REMINDER)
    assert log.title == "How is your back after Tuesday's session?"
    assert Notification.objects.filter(recipient=user, kind=Kind.HEAT_REMINDER).exists()
    assert ReminderSchedule.objects.get(user=user).next_reminder_at == utc(2026, 11, 25, 19)


def test_kolkatas_half_hour_offset():
    user = person(utc(2026, 11, 25, 6), "Asia/Kolkata")
    WorkoutFactory(owner=user, performed_on=datetime.date(2026, 11, 25))
    assert tick(utc(2026, 11, 25, 14, 29)) == (0, 0)
    assert tick(utc(2026, 11, 25, 14, 30)) == (1, 1)
    assert sent(user) == [("log:2026-11-25", "11-25 20:00")]


def test_new_york_spring_forward_reminds_once_every_day_even_in_the_missing_hour():
    user = person(utc(2026, 3, 5, 12), "America/New_York", datetime.time(2, 30))
    open_episode(user, datetime.date(2026, 3, 4), utc(2026, 3, 5, 12))
    tick_every(utc(2026, 3, 6), utc(2026, 3, 11), minutes=30)
    assert sent(user, Kind.LOG_REMINDER) == [
        ("log:2026-03-06", "03-06 02:30"),
        ("log:2026-03-07", "03-07 02:30"),
        ("log:2026-03-08", "03-08 03:30"),  # 02:30 does not exist that night: just after the jump
        ("log:2026-03-09", "03-09 02:30"),
        ("log:2026-03-10", "03-10 02:30"),
    ]


def test_new_york_fall_back_reminds_once_in_the_repeated_hour():
    user = person(utc(2026, 10, 29, 12), "America/New_York", datetime.time(1, 30))
    open_episode(user, datetime.date(2026, 10, 28), utc(2026, 10, 29, 12))
    tick_every(utc(2026, 10, 30), utc(2026, 11, 3, 12), minutes=30)
    days = ("10-30", "10-31", "11-01", "11-02", "11-03")
    assert [key for key, _ in sent(user, Kind.LOG_REMINDER)] == [f"log:2026-{day}" for day in days]
    on_the_day = Notification.objects.get(recipient=user, key="log:2026-11-01").created_at
    assert on_the_day == utc(2026, 11, 1, 5, 30), "the first 01:30 (EDT), not the second (EST)"


def test_a_reminder_time_inside_quiet_hours_waits_for_their_end():
    user = person(utc(2026, 11, 25, 12), reminder=datetime.time(23), quiet=(datetime.time(22), datetime.time(7)))
    open_episode(user, datetime.date(2026, 11, 23), utc(2026, 11, 25, 12))
    assert tick(utc(2026, 11, 25, 23)) == (0, 0)
    assert tick(utc(2026, 11, 26, 6, 59)) == (0, 0)
    assert tick(utc(2026, 11, 26, 7)) == (1, 1)
    assert sent(user, Kind.LOG_REMINDER) == [("log:2026-11-26", "11-26 07:00")]
    assert ReminderSchedule.objects.get(user=user).next_reminder_at == utc(2026, 11, 27, 7)


def test_a_run_late_enough_to_fall_in_quiet_hours_reminds_no_one():
    user = person(utc(2026, 11, 25, 12), reminder=datetime.time(21), quiet=(datetime.time(22), datetime.time(7)))
    open_episode(user, datetime.date(2026, 11, 23), utc(2026, 11, 25, 12))
    assert tick(utc(2026, 11, 25, 22, 30)) == (1, 0)  # beat was down at 21:00
    assert sent(user) == []
    assert ReminderSchedule.objects.get(user=user).next_reminder_at == utc(2026, 11, 26, 21)


def test_a_user_who_logs_before_the_reminder_gets_none():
    user = person(utc(2026, 11, 25, 12))
    workout = open_episode(user, datetime.date(2026, 11, 23), utc(2026, 11, 25, 12))
    with time_machine.travel(utc(2026, 11, 25, 19), tick=False):
        response = client_for(user).put(f"/api/v1/workouts/{workout.pk}/logs/2026-11-25/", {"pain": 3}, format="json")
    assert response.status_code == 201
    tick(utc(2026, 11, 25, 20))
    assert sent(user, Kind.LOG_REMINDER) == []
    tick(utc(2026, 11, 26, 20))
    assert sent(user, Kind.LOG_REMINDER) == [("log:2026-11-26", "11-26 20:00")], "the next day has no log yet"


def test_heat_and_core_come_once_an_episode_and_not_past_a_warning_sign():
    user = person(utc(2026, 11, 20, 12))
    calm = WorkoutFactory(owner=user, performed_on=datetime.date(2026, 11, 22))
    PainLogFactory(workout=calm, logged_on=datetime.date(2026, 11, 22), pain=2)
    flagged = open_episode(user, datetime.date(2026, 11, 22), utc(2026, 11, 22, 12))
    raise_alert(user, Reason.RADIATING_PAIN, workout=flagged)
    with time_machine.travel(utc(2026, 11, 22, 12), tick=False):
        evaluate_workouts([calm.pk, flagged.pk])
    tick_every(utc(2026, 11, 23, 20), utc(2026, 11, 26, 20), minutes=24 * 60)
    # Heat on day 1 (day 2 would qualify too: once an episode); core only where no sign is open.
    assert sorted(sent(user, Kind.HEAT_REMINDER)) == sorted([(f"heat:{w.pk}", "11-23 20:00") for w in (calm, flagged)])
    assert sent(user, Kind.CORE_REMINDER) == [(f"core:{calm.pk}", "11-25 20:00")]


def test_two_ticks_at_once_remind_each_user_once():
    due = users(30)
    ReminderSchedule.objects.bulk_create(
        [ReminderSchedule(user=u, next_reminder_at=utc(2026, 11, 25, 20)) for u in due]
    )
    for u in due:
        WorkoutFactory(owner=u, performed_on=datetime.date(2026, 11, 25))
    assert tick(utc(2026, 11, 25, 20)) == (30, 30)
    assert tick(utc(2026, 11, 25, 20)) == (0, 0)


@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_the_same_minute_remind_each_user_once():
    due = users(300)
    moment = utc(2026, 11, 25, 20)
    ReminderSchedule.objects.bulk_create([ReminderSchedule(user=u, next_reminder_at=moment) for u in due])
    WorkoutFactory.create_batch(len(due), owner=factory.Iterator(due), performed_on=datetime.date(2026, 11, 25))
    results, start = [], threading.Barrier(2)

    def worker():
        try:
            start.wait()
            with time_machine.travel(moment, tick=False):
                results.append(run_reminders(batch_size=50))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(claimed for claimed, _ in results) == 300
    assert sum(written for _, written in results) == 300 == Notification.objects.count()


def test_the_run_costs_a_constant_number_of_queries_per_batch(django_assert_max_num_queries):
    moment = utc(2026, 11, 25, 20)
    for count in (5, 60):
        due = users(count)
        ReminderSchedule.objects.bulk_create([ReminderSchedule(user=u, next_reminder_at=moment) for u in due])
        for u in due:
            WorkoutFactory(owner=u, performed_on=datetime.date(2026, 11, 25))
        # due users, their workouts, claim, insert, the next (empty) page; savepoints
        with django_assert_max_num_queries(8), time_machine.travel(moment, tick=False):
            assert run_reminders() == (count, count)


def test_one_bad_row_does_not_hold_up_the_rest(caplog):
    good, bad = users(2)
    moment = utc(2026, 11, 25, 20)
    ReminderSchedule.objects.bulk_create([ReminderSchedule(user=u, next_reminder_at=moment) for u in (good, bad)])
    User.objects.filter(pk=bad.pk).update(timezone="Mars/Olympus_Mons")
    WorkoutFactory(owner=good, performed_on=datetime.date(2026, 11, 25))
    assert tick(moment) == (2, 1)
    assert "planning the reminders of user" in caplog.text
    assert ReminderSchedule.objects.get(user=bad).next_reminder_at == utc(2026, 11, 26, 20)


def test_a_new_user_is_scheduled_and_a_profile_change_moves_the_slot():
    user = person(utc(2026, 11, 25, 12), "Europe/Berlin")
    schedule = ReminderSchedule.objects.get(user=user)
    assert schedule.next_reminder_at == utc(2026, 11, 25, 19)  # 20:00 in Berlin (UTC+1)
    with time_machine.travel(utc(2026, 11, 25, 12), tick=False):
        response = client_for(user).patch(
            "/api/v1/me/", {"reminder_time": "07:15", "timezone": "Asia/Kolkata"}, format="json"
        )
    assert response.status_code == 200
    schedule.refresh_from_db()
    assert schedule.next_reminder_at == utc(2026, 11, 26, 1, 45)
    assert zoneinfo.ZoneInfo("Asia/Kolkata") == User.objects.get(pk=user.pk).tzinfo
