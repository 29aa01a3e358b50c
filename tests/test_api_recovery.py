import datetime

import pytest
import time_machine

from recovery.evaluation import evaluate_workouts
from recovery.models import Alert
from tests.conftest import NOW, TODAY
from tests.factories import AlertFactory, PainLogFactory, WorkoutFactory
from tests.recovery_helpers import stored

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture
def flagged(patient):
    workout = WorkoutFactory(owner=patient, performed_on=TODAY - datetime.timedelta(days=5))
    PainLogFactory(workout=workout, logged_on=TODAY - datetime.timedelta(days=4), pain=4)
    PainLogFactory(workout=workout, logged_on=TODAY, pain=3, worse_at_rest=True)
    evaluate_workouts([workout.pk])
    return workout


def test_alerts_list_shows_the_callers_alerts_newest_first(api, flagged, other_patient):
    AlertFactory(workout=WorkoutFactory(owner=other_patient))
    body = api.get("/api/v1/alerts/").json()
    assert body["count"] == 2
    assert {a["reason"] for a in body["results"]} == {"persistent_pain", "worse_at_rest"}
    alert = body["results"][0]
    assert set(alert) == {"id", "workout", "reason", "level", "message", "created_at", "acknowledged_at", "resolved_at"}
    assert alert["level"] == "see_doctor" and alert["workout"] == str(flagged.pk)


def test_alerts_list_uses_a_constant_number_of_queries(api, patient, django_assert_max_num_queries):
    for _ in range(15):
        AlertFactory(workout=WorkoutFactory(owner=patient))
    with django_assert_max_num_queries(5):
        assert api.get("/api/v1/alerts/").json()["count"] == 15


def test_acknowledge_keeps_the_first_time(api, flagged):
    alert = Alert.objects.filter(workout=flagged).first()
    first = api.post(f"/api/v1/alerts/{alert.pk}/acknowledge/")
    assert first.status_code == 200
    assert first.json()["acknowledged_at"] is not None
    with time_machine.travel(NOW + datetime.timedelta(hours=1), tick=False):
        again = api.post(f"/api/v1/alerts/{alert.pk}/acknowledge/")
    assert again.json()["acknowledged_at"] == first.json()["acknowledged_at"]


def test_recovery_view(api, flagged):
    body = api.get(f"/api/v1/workouts/{flagged.pk}/recovery/").json()
    assert body["workout"] == str(flagged.pk)
    assert body["day"] == 5
    assert body["level"] == "see_doctor"
    assert body["reasons"] == ["worse_at_rest", "persistent_pain"]
    assert body["open"] is True
    assert body["plan"]["day"] == 5


def test_closing_the_episode(api, flagged):
    body = api.post(f"/api/v1/workouts/{flagged.pk}/recovery/close/").json()
    assert body["open"] is False and body["episode_closed_on"] == str(TODAY)
    evaluate_workouts([flagged.pk])
    row = stored(flagged)
    assert row.closed_by_user_on == TODAY and row.closed_on == TODAY and not row.open
    assert api.get(f"/api/v1/workouts/{flagged.pk}/recovery/").json()["open"] is False
    assert api.post(f"/api/v1/workouts/{flagged.pk}/recovery/close/").status_code == 200  # harmless twice


def test_a_workout_without_pain_has_no_episode_to_close(api, patient):
    workout = WorkoutFactory(owner=patient, performed_on=TODAY)
    body = api.post(f"/api/v1/workouts/{workout.pk}/recovery/close/").json()
    assert body["open"] is False and body["episode_opened_on"] is None


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/api/v1/alerts/{alert}/"),
        ("post", "/api/v1/alerts/{alert}/acknowledge/"),
        ("get", "/api/v1/workouts/{workout}/recovery/"),
        ("post", "/api/v1/workouts/{workout}/recovery/close/"),
    ],
)
def test_another_users_alerts_and_recovery_are_404(other_api, flagged, method, path):
    alert = Alert.objects.filter(workout=flagged).first()
    response = getattr(other_api, method)(path.format(alert=alert.pk, workout=flagged.pk))
    assert response.status_code == 404
    alert.refresh_from_db()
    assert alert.acknowledged_at is None and stored(flagged).closed_by_user_on is None
