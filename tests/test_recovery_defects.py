"""The answers the correctness review found wrong, each named after its defect.

Every one is answered from the logs as saved, with no worker running (nothing here calls
the evaluation except to set up what an earlier run would have left).
"""

import datetime

import pytest
import time_machine

from recovery.evaluation import evaluate_workouts
from recovery.models import Alert
from tests.conftest import NOW, TODAY
from tests.factories import WorkoutFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

DAY_0 = ["rest_from_training", "easy_walks", "cold_pack", "pain_relief"]
DAYS_1_2 = ["heat", "gentle_stretching", "easy_walks", "rest_from_training"]


def days_ago(n):
    return TODAY - datetime.timedelta(days=n)


def put(api, workout, day, **body):
    day = workout.performed_on + datetime.timedelta(days=day)
    response = api.put(f"/api/v1/workouts/{workout.pk}/logs/{day}/", {"pain": 0, **body}, format="json")
    assert response.status_code in (200, 201), response.json()
    return response.json()


def today_ids(api):
    return [entry["workout"] for entry in api.get("/api/v1/recovery/today/").json()]


def codes(steps):
    return [step["code"] for step in steps]


def test_the_message_matches_the_level_with_an_open_emergency_alert_and_only_severe_pain(api, patient):
    workout = WorkoutFactory(owner=patient, performed_on=days_ago(1))
    put(api, workout, 0, pain=8, both_legs=True)
    evaluate_workouts([workout.pk])
    assert Alert.objects.filter(workout=workout, reason="cauda_equina", resolved_at=None).exists()

    triage = put(api, workout, 0, pain=8)["triage"]  # the emergency screen is edited away
    assert triage["level"] == "emergency" and triage["reasons"] == ["severe_pain"]
    assert triage["message"].startswith("Get emergency care now")
    recovery = api.get(f"/api/v1/workouts/{workout.pk}/recovery/").json()
    assert recovery["message"].startswith("Get emergency care now")
    assert codes(recovery["plan"]["steps"])[0] == "see_doctor_now"


def test_an_emergency_screen_with_pain_0_opens_an_episode_shown_in_today(api, patient):
    workout = WorkoutFactory(owner=patient, performed_on=days_ago(2))
    triage = put(api, workout, 2, pain=0, bladder_bowel_change=True)["triage"]
    assert triage["level"] == "emergency"
    (entry,) = api.get("/api/v1/recovery/today/").json()
    assert entry["workout"] == str(workout.pk) and entry["open"] is True
    assert entry["level"] == "emergency" and entry["episode_opened_on"] == str(TODAY)
    assert codes(entry["plan"]["steps"]) == ["see_doctor_now"]


def test_a_closed_episode_reopened_by_a_painful_log_is_in_today_before_the_worker_runs(api, patient):
    workout = WorkoutFactory(owner=patient, performed_on=days_ago(5))
    put(api, workout, 0, pain=4)
    put(api, workout, 1, pain=0)
    put(api, workout, 2, pain=0)
    evaluate_workouts([workout.pk])  # the worker stored the episode as closed on day 2
    assert today_ids(api) == []

    put(api, workout, 5, pain=3)  # no worker runs after this
    assert today_ids(api) == [str(workout.pk)]


def test_an_episode_the_user_closed_reopens_in_today_before_the_worker_runs(api, patient):
    workout = WorkoutFactory(owner=patient, performed_on=days_ago(3))
    put(api, workout, 0, pain=4)
    assert api.post(f"/api/v1/workouts/{workout.pk}/recovery/close/").json()["open"] is False
    evaluate_workouts([workout.pk])
    assert today_ids(api) == []

    with time_machine.travel(NOW + datetime.timedelta(hours=2), tick=False):
        put(api, workout, 3, pain=0, worse_at_rest=True)  # that evening: a sign, no pain
        assert today_ids(api) == [str(workout.pk)]


def test_the_plan_does_not_rewrite_past_days(api, patient):
    workout = WorkoutFactory(owner=patient, performed_on=days_ago(5))
    put(api, workout, 0, pain=3)
    put(api, workout, 5, pain=8)  # today: persistent (see_doctor) and severe pain
    plan = {entry["day"]: codes(entry["steps"]) for entry in api.get(f"/api/v1/workouts/{workout.pk}/plan/").json()}
    assert plan[0] == DAY_0, "nothing was flagged on day 0"
    assert plan[1] == DAYS_1_2, "day 1 had no log: day 0's pain of 3, not today's 8"
    assert plan[4] == ["see_doctor", "easy_walks", "heat", "gentle_stretching"], "pain 3 known on day 4 persists"
    assert plan[5][:2] == ["see_doctor", "stop_training"], "today: the current level and pain"
