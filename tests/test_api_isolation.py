"""Another user's data is a 404 on every verb, and is never changed."""

import datetime

import pytest

from recovery.models import Recovery
from tests.factories import ExerciseFactory, PainLogFactory, WorkoutFactory
from tracker.models import PainLog, Workout

pytestmark = pytest.mark.django_db


@pytest.fixture
def bobs_workout(other_patient):
    workout = WorkoutFactory(owner=other_patient, performed_on=other_patient.local_today() - datetime.timedelta(days=1))
    ExerciseFactory(workout=workout)
    PainLogFactory(workout=workout, logged_on=workout.performed_on, pain=3)
    return workout


def requests_for(workout):
    base = f"/api/v1/workouts/{workout.pk}/"
    day = workout.performed_on.isoformat()
    return [
        ("get", base, None),
        ("patch", base, {"title": "mine now"}),
        ("delete", base, None),
        ("get", f"{base}logs/", None),
        ("get", f"{base}logs/{day}/", None),
        ("put", f"{base}logs/{day}/", {"pain": 9}),
        ("put", f"{base}logs/{(workout.performed_on + datetime.timedelta(days=1)).isoformat()}/", {"pain": 9}),
        # What would be a 400 on one's own workout is the same 404 on another's.
        ("put", f"{base}logs/{day}/", {"pain": 99}),
        ("put", f"{base}logs/{(workout.performed_on - datetime.timedelta(days=1)).isoformat()}/", {"pain": 9}),
        ("put", f"{base}logs/{(workout.performed_on + datetime.timedelta(days=9)).isoformat()}/", {"pain": 9}),
        ("put", f"{base}logs/yesterday/", {"pain": 9}),
    ]


@pytest.mark.parametrize("index", range(11))
def test_another_users_workout_is_a_404_on_every_verb(api, bobs_workout, index):
    method, url, body = requests_for(bobs_workout)[index]
    flags = list(Recovery.objects.values_list("workout_id", "evaluation_due_at"))
    response = getattr(api, method)(url, body, format="json")
    assert response.status_code == 404
    assert "mine" not in str(response.content)
    bobs_workout.refresh_from_db()
    assert bobs_workout.title == "Leg day"
    assert list(PainLog.objects.values_list("pain", flat=True)) == [3]
    assert list(Recovery.objects.values_list("workout_id", "evaluation_due_at")) == flags  # nor flagged due


@pytest.mark.parametrize(
    ("body", "content_type"), [("{not json", "application/json"), ("pain=9", "application/x-www-form-urlencoded")]
)
def test_a_malformed_log_put_on_another_users_workout_is_the_same_404(api, bobs_workout, body, content_type):
    url = f"/api/v1/workouts/{bobs_workout.pk}/logs/{bobs_workout.performed_on.isoformat()}/"
    assert api.put(url, body, content_type=content_type).status_code == 404
    assert list(PainLog.objects.values_list("pain", flat=True)) == [3]


def test_another_users_workouts_are_not_listed(api, bobs_workout):
    assert api.get("/api/v1/workouts/").json()["count"] == 0


def test_a_missing_workout_is_the_same_404(api, bobs_workout):
    missing = api.get("/api/v1/workouts/00000000-0000-4000-8000-000000000000/")
    theirs = api.get(f"/api/v1/workouts/{bobs_workout.pk}/")
    assert missing.status_code == theirs.status_code == 404
    assert missing.json() == theirs.json()


def test_a_malformed_id_is_a_404_not_a_500(api):
    assert api.get("/api/v1/workouts/not-a-uuid/").status_code == 404
    assert api.put("/api/v1/workouts/123/logs/2026-01-01/", {"pain": 1}, format="json").status_code == 404


def test_the_owner_still_sees_it(other_api, bobs_workout):
    assert other_api.get(f"/api/v1/workouts/{bobs_workout.pk}/").status_code == 200
    assert Workout.objects.count() == 1
