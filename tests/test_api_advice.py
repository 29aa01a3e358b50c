"""The plan and prevention on the API: recovery view, whole plan, today's open episodes."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import TODAY
from tests.factories import ExerciseFactory, PainLogFactory, WorkoutFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def days_ago(n):
    return TODAY - datetime.timedelta(days=n)


def codes(steps):
    return [step["code"] for step in steps]


def test_recovery_view_gives_todays_steps_and_prevention(api, patient):
    previous = WorkoutFactory(owner=patient, performed_on=days_ago(9))
    ExerciseFactory(workout=previous, name="Deadlift", load_kg=100)
    workout = WorkoutFactory(owner=patient, performed_on=days_ago(1), warmed_up=False)
    ExerciseFactory(workout=workout, name="Deadlift", load_kg=120)
    PainLogFactory(workout=workout, logged_on=days_ago(1), pain=4)
    PainLogFactory(workout=workout, logged_on=TODAY, pain=3)
    body = api.get(f"/api/v1/workouts/{workout.pk}/recovery/").json()
    assert body["day"] == 1 and body["level"] == "ok" and body["open"] is True
    assert codes(body["plan"]["steps"])[0] == "heat"
    assert "cold_pack" not in codes(body["plan"]["steps"])
    tips = {tip["code"]: tip for tip in body["prevention"]}
    assert "from 100 to 120 kg" in tips["progress_gradually"]["because"]
    assert "form_check" in tips and "warm_up_cool_down" in tips and "core_and_posture" in tips


def test_a_red_flag_puts_the_doctor_first(api, patient):
    workout = WorkoutFactory(owner=patient, performed_on=days_ago(2))
    PainLogFactory(workout=workout, logged_on=TODAY, pain=8, radiates_to_legs=True)
    steps = api.get(f"/api/v1/workouts/{workout.pk}/recovery/").json()["plan"]["steps"]
    assert codes(steps)[:2] == ["see_doctor", "stop_training"]


def test_an_emergency_plan_says_get_care_now(api, patient):
    workout = WorkoutFactory(owner=patient, performed_on=days_ago(1))
    PainLogFactory(workout=workout, logged_on=TODAY, pain=5, both_legs=True)
    steps = api.get(f"/api/v1/workouts/{workout.pk}/recovery/").json()["plan"]["steps"]
    assert codes(steps)[0] == "see_doctor_now"


def test_whole_plan_covers_days_0_to_7_with_conditions_ahead(api, patient):
    workout = WorkoutFactory(owner=patient, performed_on=days_ago(1))
    PainLogFactory(workout=workout, logged_on=days_ago(1), pain=5)
    PainLogFactory(workout=workout, logged_on=TODAY, pain=4)
    plan = api.get(f"/api/v1/workouts/{workout.pk}/plan/").json()
    assert [day["day"] for day in plan] == list(range(8))
    assert "cold_pack" in codes(plan[0]["steps"]) and "heat" not in codes(plan[0]["steps"])
    assert "heat" in codes(plan[1]["steps"])
    day3 = {step["code"]: step for step in plan[3]["steps"]}
    assert day3["core_work"]["condition"]  # ahead of today: says when it applies
    assert all(step["condition"] == "" for step in plan[1]["steps"])  # today follows the logged pain


def make_open_episodes(patient, n):
    for i in range(n):
        workout = WorkoutFactory(owner=patient, performed_on=days_ago(i % 3))
        ExerciseFactory(workout=workout, name="Squat", load_kg=80 + i)
        PainLogFactory(workout=workout, logged_on=TODAY, pain=3 + i % 5)


def test_today_lists_each_open_episode_most_urgent_first(api, patient, other_patient):
    make_open_episodes(patient, 3)
    urgent = WorkoutFactory(owner=patient, performed_on=days_ago(2))
    PainLogFactory(workout=urgent, logged_on=TODAY, pain=2, numbness_tingling=True)
    closed = WorkoutFactory(owner=patient, performed_on=days_ago(6))
    for n, pain in ((6, 3), (5, 0), (4, 0)):
        PainLogFactory(workout=closed, logged_on=days_ago(n), pain=pain)
    WorkoutFactory(owner=patient, performed_on=days_ago(1))  # no logs: no episode
    make_open_episodes(other_patient, 2)
    body = api.get("/api/v1/recovery/today/").json()
    assert len(body) == 4
    assert body[0]["workout"] == str(urgent.pk) and body[0]["plan"]["steps"][0]["code"] == "see_doctor"
    assert str(closed.pk) not in {entry["workout"] for entry in body}


def test_today_uses_a_constant_number_of_queries(api, patient):
    make_open_episodes(patient, 3)  # pains 3, 4, 5: the recurring_pain read runs too
    with CaptureQueriesContext(connection) as few:
        assert len(api.get("/api/v1/recovery/today/").json()) == 3
    make_open_episodes(patient, 9)
    with CaptureQueriesContext(connection) as many:
        assert len(api.get("/api/v1/recovery/today/").json()) == 12
    assert len(many) == len(few)
    assert len(many) <= 10


@pytest.mark.parametrize("path", ["recovery", "plan"])
def test_another_users_plan_is_404(other_api, patient, path):
    workout = WorkoutFactory(owner=patient)
    assert other_api.get(f"/api/v1/workouts/{workout.pk}/{path}/").status_code == 404
