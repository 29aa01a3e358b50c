"""The dashboard query (clinic/dashboard.py): urgency order as product.md says it, each row's
figures, and a constant number of queries whatever the number of patients."""

import datetime

import pytest
from django.utils import timezone

from clinic.dashboard import dashboard
from recovery.levels import Level
from recovery.models import Alert
from tests.clinic_helpers import evaluated, link, many_linked_patients
from tests.conftest import NOW, TODAY
from tests.factories import PainLogFactory, PhysioFactory, UserFactory, WorkoutFactory
from tracker.models import PainLog

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def days(n):
    return datetime.timedelta(days=n)


def patient_with(physio, username, logs, performed_days_ago=3, tz="UTC"):
    """A linked patient with one workout `performed_days_ago` and logs [(day index, pain, {fields})],
    evaluated by the red-flag job."""
    user = UserFactory(username=username, timezone=tz)
    link(physio, user)
    workout = WorkoutFactory(owner=user, performed_on=TODAY - days(performed_days_ago))
    for day, pain, extra in logs:
        PainLogFactory(workout=workout, logged_on=workout.performed_on + days(day), pain=pain, **extra)
    evaluated(workout)
    return user, workout


def test_dashboard_runs_the_same_four_queries_for_10_and_500_patients(django_assert_num_queries):
    small, large = PhysioFactory(username="small"), PhysioFactory(username="large")
    many_linked_patients(small, 10, TODAY, prefix="s")
    many_linked_patients(large, 500, TODAY, prefix="l")
    with django_assert_num_queries(4):
        assert len(dashboard(small)) == 10
    with django_assert_num_queries(4):
        rows = dashboard(large)
    assert len(rows) == 500
    assert [row.level for row in rows] == sorted((row.level for row in rows), reverse=True)


def test_urgency_order_emergency_then_see_doctor_then_caution_then_the_rest_by_latest_pain(physio):
    patient_with(physio, "ok_pain_1", [(0, 1, {})])
    patient_with(physio, "caution", [(0, 3, {}), (1, 7, {})])
    patient_with(physio, "ok_pain_4", [(0, 4, {})])
    patient_with(physio, "emergency", [(0, 0, {"saddle_numbness": True})])
    patient_with(physio, "see_doctor", [(0, 2, {"radiates_to_legs": True})])
    nolog = UserFactory(username="no_logs_yet")
    link(physio, nolog)
    rows = dashboard(physio)
    assert [r.username for r in rows] == ["emergency", "see_doctor", "caution", "ok_pain_4", "ok_pain_1", "no_logs_yet"]
    assert [r.level for r in rows][:4] == [Level.EMERGENCY, Level.SEE_DOCTOR, Level.CAUTION, Level.OK]


def test_a_patients_level_is_the_highest_over_their_workouts(physio):
    user, _ = patient_with(physio, "two_workouts", [(0, 7, {})], performed_days_ago=2)
    severe = WorkoutFactory(owner=user, performed_on=TODAY - days(1))
    PainLogFactory(workout=severe, logged_on=TODAY, pain=3, numbness_tingling=True)
    evaluated(severe)
    (row,) = dashboard(physio)
    assert row.level == Level.SEE_DOCTOR


def test_an_unresolved_alert_keeps_its_level_after_the_episode_closed_and_a_resolved_one_does_not(physio):
    _, workout = patient_with(
        physio, "closed", [(0, 2, {"radiates_to_legs": True}), (1, 0, {}), (2, 0, {})], performed_days_ago=5
    )
    (row,) = dashboard(physio)
    assert row.day is None  # the episode closed after two clear days
    assert row.level == Level.SEE_DOCTOR and row.open_alerts == {"see_doctor": 1}
    Alert.objects.filter(workout=workout).update(resolved_at=timezone.now())
    (row,) = dashboard(physio)
    assert row.level == Level.OK and row.open_alerts == {}


def test_only_linked_patients_are_listed(physio):
    patient_with(physio, "mine", [(0, 3, {})])
    patient_with(PhysioFactory(username="someone_else"), "theirs", [(0, 9, {})])
    assert [r.username for r in dashboard(physio)] == ["mine"]
    assert dashboard(UserFactory(username="not_a_physio")) == []


def test_row_figures_sparkline_day_last_log_adherence(physio):
    _, workout = patient_with(physio, "p", [(0, 3, {}), (1, 5, {}), (3, 4, {})], performed_days_ago=4)
    (row,) = dashboard(physio)
    assert row.day == 4 and row.episode.id == workout.pk
    assert row.last_log_on == TODAY - days(1) and row.last_pain == 4
    assert len(row.sparkline) == 14 and row.sparkline[-1] == (TODAY, None)
    assert [pain for _, pain in row.sparkline[-5:]] == [3, 5, None, 4, None]
    # Open days 0..4 (five); logged on three of them.
    assert row.adherence == {7: pytest.approx(3 / 5), 30: pytest.approx(3 / 5)}
    assert row.signs == []


def test_sparkline_takes_the_days_highest_pain_over_the_patients_workouts(physio):
    user, _ = patient_with(physio, "p", [(0, 2, {})], performed_days_ago=1)
    other = WorkoutFactory(owner=user, performed_on=TODAY - days(1))
    PainLogFactory(workout=other, logged_on=TODAY - days(1), pain=6)
    evaluated(other)
    (row,) = dashboard(physio)
    assert row.sparkline[-2] == (TODAY - days(1), 6)


def test_last_log_and_today_are_in_the_patients_own_calendar(physio):
    # 12:00 UTC on the 25th is already the 26th in Kiritimati (UTC+14).
    patient_with(physio, "far_east", [(0, 3, {})], performed_days_ago=0, tz="Pacific/Kiritimati")
    (row,) = dashboard(physio)
    assert row.today == TODAY + days(1)
    assert row.day == 1 and row.sparkline[-1] == (TODAY + days(1), None)


def test_a_rise_of_two_points_since_the_previous_log_is_marked_with_its_workout(physio):
    _, workout = patient_with(physio, "rising", [(0, 2, {}), (1, 4, {})], performed_days_ago=1)
    patient_with(physio, "steady", [(0, 3, {}), (1, 4, {})], performed_days_ago=1)
    rows = {r.username: r for r in dashboard(physio)}
    assert rows["rising"].rise.workout.id == workout.pk and rows["rising"].rise.text.startswith("up 2")
    assert rows["steady"].rise is None


def test_pain_of_7_or_more_is_a_sign_tied_to_its_workout(physio):
    _, workout = patient_with(physio, "severe", [(0, 8, {})], performed_days_ago=0)
    (row,) = dashboard(physio)
    assert [(s.code, s.workout.id) for s in row.signs] == [("severe_pain", workout.pk)]


@pytest.mark.parametrize(
    ("hours", "expected"),
    [(47, ""), (48, "not_logging"), (49, "not_logging"), (14 * 24 - 1, "not_logging"), (14 * 24, "dropped")],
)
def test_not_logging_after_48_hours_and_dropped_after_14_days_in_an_open_episode(physio, hours, expected):
    _, workout = patient_with(physio, "quiet", [(0, 3, {})], performed_days_ago=0)
    PainLog.objects.filter(workout=workout).update(created_at=NOW - datetime.timedelta(hours=hours))
    (row,) = dashboard(physio)
    assert row.logging == expected
    if expected:
        assert row.signs[-1].workout.id == workout.pk


def test_no_logging_mark_without_an_open_episode(physio):
    _, workout = patient_with(physio, "recovered", [(0, 0, {}), (1, 0, {})], performed_days_ago=10)
    PainLog.objects.filter(workout=workout).update(created_at=NOW - days(9))
    (row,) = dashboard(physio)
    assert row.logging == "" and row.adherence == {7: None, 30: None}
