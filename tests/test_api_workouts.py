import datetime

import pytest

from tests.conftest import TODAY
from tests.factories import PainLogFactory, WorkoutFactory
from tracker.models import Exercise, Workout

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

WORKOUTS = "/api/v1/workouts/"


def full_workout(**change):
    return {
        "performed_on": "2026-11-24",
        "title": "Pull day",
        "exercises": [
            {"name": "Deadlift", "load_kg": 120, "sets": 5, "reps": 3},
            {"name": "Bent-over row", "load_kg": 60.5, "sets": 4, "reps": 8},
        ],
        "intensity": 8,
        "warmed_up": True,
        "cooled_down": False,
        "notes": "felt heavy",
        **change,
    }


def test_create_a_workout_with_its_exercises(api, patient):
    response = api.post(WORKOUTS, full_workout(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["day"] == 1
    assert [e["name"] for e in body["exercises"]] == ["Deadlift", "Bent-over row"]
    assert body["exercises"][1]["load_kg"] == 60.5
    workout = Workout.objects.get(pk=body["id"])
    assert workout.owner == patient and workout.performed_on == datetime.date(2026, 11, 24)


def test_minimal_workout_needs_only_the_date(api):
    response = api.post(WORKOUTS, {"performed_on": "2026-11-25"}, format="json")
    assert response.status_code == 201
    assert response.json()["exercises"] == []


BAD_WORKOUTS = [
    ({"performed_on": "2026-11-26"}, "performed_on"),  # after the user's today
    ({"performed_on": "2026-02-30"}, "performed_on"),
    ({"performed_on": "2026-2-3"}, "performed_on"),
    ({"performed_on": "20261124"}, "performed_on"),
    ({"performed_on": None}, "performed_on"),
    ({"performed_on": 20261124}, "performed_on"),
    ({"intensity": 0}, "intensity"),
    ({"intensity": 11}, "intensity"),
    ({"intensity": "7"}, "intensity"),
    ({"intensity": 7.5}, "intensity"),
    ({"warmed_up": "yes"}, "warmed_up"),
    ({"cooled_down": 1}, "cooled_down"),
    ({"title": "x" * 121}, "title"),
    ({"notes": "x" * 2001}, "notes"),
    ({"exercises": "deadlift"}, "exercises"),
    ({"exercises": [{"load_kg": 100}]}, "exercises"),
    ({"exercises": [{"name": "Squat", "load_kg": -5}]}, "exercises"),
    ({"exercises": [{"name": "Squat", "load_kg": "heavy"}]}, "exercises"),
    ({"exercises": [{"name": "Squat", "sets": 0}]}, "exercises"),
    ({"exercises": [{"name": "Squat", "reps": True}]}, "exercises"),
    ({"exercises": [{"name": "Squat", "tempo": "3-1-1"}]}, "exercises"),
    ({"exercises": [{"name": "Squat"}] * 51}, "exercises"),
    ({"rpe": 8}, "rpe"),
    ({"id": "9f0c1a52-8d4e-4d1e-9a57-0b0d9a4f1e11"}, "id"),
]


@pytest.mark.parametrize("change, field", BAD_WORKOUTS)
def test_create_rejects_bad_input_and_stores_nothing(api, change, field):
    response = api.post(WORKOUTS, full_workout(**change), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Workout.objects.exists() and not Exercise.objects.exists()


@pytest.mark.parametrize("change, field", BAD_WORKOUTS)
def test_update_rejects_bad_input_and_changes_nothing(api, change, field):
    workout_id = api.post(WORKOUTS, full_workout(), format="json").json()["id"]
    before = api.get(f"{WORKOUTS}{workout_id}/").json()
    response = api.patch(f"{WORKOUTS}{workout_id}/", change, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert api.get(f"{WORKOUTS}{workout_id}/").json() == before


def test_patch_replaces_the_exercises_only_when_given(api):
    workout_id = api.post(WORKOUTS, full_workout(), format="json").json()["id"]
    response = api.patch(f"{WORKOUTS}{workout_id}/", {"title": "Heavy pulls"}, format="json")
    assert len(response.json()["exercises"]) == 2
    response = api.patch(f"{WORKOUTS}{workout_id}/", {"exercises": [{"name": "Plank"}]}, format="json")
    assert response.status_code == 200
    assert response.json()["exercises"] == [{"name": "Plank", "load_kg": None, "sets": None, "reps": None}]
    assert Exercise.objects.count() == 1


def test_a_workout_cannot_move_after_its_first_log(api, patient):
    workout = WorkoutFactory(owner=patient, performed_on=datetime.date(2026, 11, 20))
    PainLogFactory(workout=workout, logged_on=datetime.date(2026, 11, 21))
    response = api.patch(f"{WORKOUTS}{workout.pk}/", {"performed_on": "2026-11-22"}, format="json")
    assert response.status_code == 400
    assert "2026-11-21" in response.json()["performed_on"][0]
    assert api.patch(f"{WORKOUTS}{workout.pk}/", {"performed_on": "2026-11-21"}, format="json").status_code == 200


def test_list_is_newest_first_and_paginated(api, patient, other_patient):
    for days_ago in range(25):
        WorkoutFactory(owner=patient, performed_on=TODAY - datetime.timedelta(days=days_ago))
    WorkoutFactory(owner=other_patient)
    body = api.get(WORKOUTS).json()
    assert body["count"] == 25
    assert len(body["results"]) == 20 and body["next"]
    dates = [w["performed_on"] for w in body["results"]]
    assert dates == sorted(dates, reverse=True)
    assert len(api.get(WORKOUTS, {"page": 2}).json()["results"]) == 5


def test_list_uses_a_constant_number_of_queries(api, patient, django_assert_max_num_queries):
    for days_ago in range(20):
        workout = WorkoutFactory(owner=patient, performed_on=TODAY - datetime.timedelta(days=days_ago))
        Exercise.objects.create(workout=workout, name="Squat", position=0)
        Exercise.objects.create(workout=workout, name="Row", position=1)
    # auth token lookup + its refresh, count, page, exercises
    with django_assert_max_num_queries(6):
        assert len(api.get(WORKOUTS).json()["results"]) == 20


def test_delete_removes_the_workout_and_its_logs(api, patient):
    workout = WorkoutFactory(owner=patient)
    PainLogFactory(workout=workout)
    assert api.delete(f"{WORKOUTS}{workout.pk}/").status_code == 204
    assert not Workout.objects.exists()


def test_put_is_not_a_workout_verb(api, patient):
    workout = WorkoutFactory(owner=patient)
    assert api.put(f"{WORKOUTS}{workout.pk}/", full_workout(), format="json").status_code == 405
