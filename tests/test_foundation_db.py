"""The database itself refuses bad rows: the constraints hold whatever code writes."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from recovery.levels import Reason
from recovery.models import Recovery
from tests.factories import AlertFactory, ExerciseFactory, PainLogFactory, WorkoutFactory
from tests.recovery_helpers import due_at
from tracker.models import PainLog

pytestmark = pytest.mark.django_db
ONE_DAY = datetime.timedelta(days=1)


def assert_refused(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


@pytest.mark.parametrize("pain", [11, 12, 100])
def test_pain_above_10_is_refused_by_the_database(pain):
    workout = WorkoutFactory()
    assert_refused(lambda: PainLog.objects.create(workout=workout, logged_on=workout.performed_on, pain=pain))
    assert not PainLog.objects.exists()


def test_pain_0_and_10_are_accepted():
    workout = WorkoutFactory()
    PainLogFactory(workout=workout, pain=0)
    PainLogFactory(workout=workout, pain=10, logged_on=workout.performed_on + datetime.timedelta(days=1))
    assert PainLog.objects.count() == 2


def test_second_log_for_the_same_workout_and_day_is_refused():
    log = PainLogFactory()
    assert_refused(lambda: PainLog.objects.create(workout=log.workout, logged_on=log.logged_on, pain=1))
    assert PainLog.objects.count() == 1


def test_same_day_logs_of_different_workouts_are_fine():
    first = PainLogFactory()
    second_workout = WorkoutFactory(owner=first.workout.owner, performed_on=first.workout.performed_on)
    PainLogFactory(workout=second_workout, logged_on=first.logged_on)
    assert PainLog.objects.count() == 2


def test_unknown_quality_and_overlong_notes_are_refused():
    workout = WorkoutFactory()
    day = workout.performed_on
    assert_refused(lambda: PainLog.objects.create(workout=workout, logged_on=day, pain=1, quality="burning"))
    assert_refused(lambda: PainLog.objects.create(workout=workout, logged_on=day, pain=1, notes="x" * 2001))
    PainLog.objects.create(workout=workout, logged_on=day, pain=1, notes="x" * 2000, quality="sharp")


@pytest.mark.parametrize("intensity", [0, 11])
def test_intensity_outside_1_10_is_refused(intensity):
    assert_refused(lambda: WorkoutFactory(intensity=intensity))


@pytest.mark.parametrize("field, value", [("load_kg", -1), ("sets", 0), ("reps", 0)])
def test_exercise_numbers_must_be_sensible(field, value):
    workout = WorkoutFactory()
    assert_refused(lambda: ExerciseFactory(workout=workout, **{field: value}))


def test_one_alert_per_workout_and_reason():
    alert = AlertFactory()
    assert_refused(lambda: AlertFactory(workout=alert.workout, reason=alert.reason))
    AlertFactory(workout=alert.workout, reason=Reason.SEVERE_PAIN.value, level=1)


def test_alert_level_and_reason_must_be_known():
    workout = WorkoutFactory()
    assert_refused(lambda: AlertFactory(workout=workout, level=9))
    assert_refused(lambda: AlertFactory(workout=workout, reason="bad_luck"))


def test_an_episode_cannot_close_before_it_opened():
    workout = WorkoutFactory()
    day = workout.performed_on
    assert_refused(lambda: Recovery.objects.create(workout=workout, closed_on=day))
    assert_refused(lambda: Recovery.objects.create(workout=workout, opened_on=day, closed_on=day - ONE_DAY))
    Recovery.objects.create(workout=workout, opened_on=day, closed_on=day)


def test_one_recovery_row_per_workout_and_a_known_level():
    workout = WorkoutFactory()
    assert_refused(lambda: Recovery.objects.create(workout=workout, level=4))
    Recovery.objects.create(workout=workout)
    assert_refused(lambda: Recovery.objects.create(workout=workout))


def test_saving_or_deleting_a_log_flags_its_workout_for_evaluation():
    workout = WorkoutFactory()
    assert due_at(workout) is None
    log = PainLog.objects.create(workout=workout, logged_on=workout.performed_on, pain=2)
    assert due_at(workout) is not None
    Recovery.objects.filter(pk=workout.pk).update(evaluation_due_at=None)
    log.pain = 5
    log.save()
    assert due_at(workout) is not None
    Recovery.objects.filter(pk=workout.pk).update(evaluation_due_at=None)
    log.delete()
    assert due_at(workout) is not None


def test_a_log_and_its_due_flag_commit_or_roll_back_together():
    workout = WorkoutFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        PainLog.objects.create(workout=workout, logged_on=workout.performed_on, pain=2)
        raise RuntimeError("the request failed after the save")
    assert not PainLog.objects.exists() and due_at(workout) is None
