import datetime
import json

import pytest
import time_machine

from recovery.models import Recovery
from tests.conftest import client_for
from tests.factories import PainLogFactory, UserFactory, WorkoutFactory
from tests.recovery_helpers import due_at
from tracker.models import PainLog

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture
def workout(patient):
    return WorkoutFactory(owner=patient, performed_on=datetime.date(2026, 11, 23))


def log_url(workout, day="2026-11-24"):
    return f"/api/v1/workouts/{workout.pk}/logs/{day}/"


def test_put_creates_then_replaces_the_days_log(api, workout):
    first = api.put(log_url(workout), {"pain": 4, "locations": ["lower_back"], "quality": "ache"}, format="json")
    assert first.status_code == 201, first.json()
    body = first.json()
    assert body["day"] == 1 and body["logged_on"] == "2026-11-24" and body["pain"] == 4
    assert body["triage"]["level"] == "ok" and body["triage"]["reasons"] == []
    assert body["radiates_to_legs"] is False

    second = api.put(log_url(workout), {"pain": 2}, format="json")
    assert second.status_code == 200
    assert second.json()["id"] == body["id"]
    log = PainLog.objects.get()
    assert (log.pain, log.locations, log.quality) == (2, [], ""), "a PUT replaces the whole log"


def test_replaying_the_same_put_keeps_one_row(api, workout):
    payload = {"pain": 5, "worse_at_rest": True, "notes": "woke up stiff"}
    statuses = [api.put(log_url(workout), payload, format="json").status_code for _ in range(3)]
    assert statuses == [201, 200, 200]
    assert PainLog.objects.count() == 1
    assert PainLog.objects.get().worse_at_rest is True


def test_put_marks_the_workout_for_evaluation(api, workout):
    assert due_at(workout) is None
    api.put(log_url(workout), {"pain": 3}, format="json")
    assert due_at(workout) is not None


def test_every_field_round_trips(api, workout):
    payload = {
        "pain": 6,
        "locations": ["lower_back", "buttock", "leg"],
        "quality": "shooting",
        "radiates_to_legs": True,
        "numbness_tingling": True,
        "difficulty_standing": True,
        "difficulty_bending": True,
        "difficulty_walking": True,
        "worse_at_rest": True,
        "bladder_bowel_change": True,
        "saddle_numbness": True,
        "leg_weakness": True,
        "both_legs": True,
        "notes": "ü" * 2000,
    }
    body = api.put(log_url(workout), payload, format="json").json()
    assert {k: body[k] for k in payload} == payload


def test_repeated_locations_are_kept_once(api, workout):
    body = api.put(log_url(workout), {"pain": 1, "locations": ["neck", "neck", "leg"]}, format="json").json()
    assert body["locations"] == ["neck", "leg"]


BAD_LOGS = [
    ({}, "pain"),
    ({"pain": None}, "pain"),
    ({"pain": -1}, "pain"),
    ({"pain": 11}, "pain"),
    ({"pain": 3.5}, "pain"),
    ({"pain": 3.0}, "pain"),
    ({"pain": "3"}, "pain"),
    ({"pain": True}, "pain"),
    ({"pain": [3]}, "pain"),
    ({"pain": 3, "quality": "burning"}, "quality"),
    ({"pain": 3, "quality": 1}, "quality"),
    ({"pain": 3, "locations": ["knee"]}, "locations"),
    ({"pain": 3, "locations": "lower_back"}, "locations"),
    ({"pain": 3, "locations": [1]}, "locations"),
    ({"pain": 3, "radiates_to_legs": "true"}, "radiates_to_legs"),
    ({"pain": 3, "numbness_tingling": 1}, "numbness_tingling"),
    ({"pain": 3, "both_legs": None}, "both_legs"),
    ({"pain": 3, "saddle_numbness": "yes"}, "saddle_numbness"),
    ({"pain": 3, "notes": "x" * 2001}, "notes"),
    ({"pain": 3, "notes": 5}, "notes"),
    ({"pain": 3, "worse_at_reset": True}, "worse_at_reset"),
    ({"pain": 3, "triage": {"level": "ok"}}, "triage"),
]


@pytest.mark.parametrize("payload, field", BAD_LOGS)
def test_bad_log_input_is_a_400_naming_the_field_and_stores_nothing(api, workout, payload, field):
    response = api.put(log_url(workout), payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not PainLog.objects.exists()
    assert due_at(workout) is None


@pytest.mark.parametrize("payload, field", BAD_LOGS)
def test_bad_input_never_changes_an_existing_log(api, workout, payload, field):
    PainLogFactory(workout=workout, logged_on=datetime.date(2026, 11, 24), pain=2)
    assert api.put(log_url(workout), payload, format="json").status_code == 400
    assert PainLog.objects.get().pain == 2


@pytest.mark.parametrize(
    "day, message",
    [
        ("2026-11-26", "after your today"),
        ("2026-11-22", "before the workout"),
        ("2026-02-30", "not a real calendar date"),
        ("2026-13-01", "not a real calendar date"),
        ("2026-1-05", "YYYY-MM-DD"),
        ("yesterday", "YYYY-MM-DD"),
        ("20261124", "YYYY-MM-DD"),
    ],
)
def test_bad_log_dates_are_refused(api, workout, day, message):
    response = api.put(log_url(workout, day), {"pain": 3}, format="json")
    assert response.status_code == 400
    assert message in response.json()["logged_on"][0]
    assert not PainLog.objects.exists()
    assert not Recovery.objects.filter(workout=workout, evaluation_due_at__isnull=False).exists()


def test_malformed_json_is_a_400(api, workout):
    response = api.put(log_url(workout), '{"pain": 3,', content_type="application/json")
    assert response.status_code == 400
    assert not PainLog.objects.exists()


@pytest.mark.parametrize("body", ["[1, 2]", "3", '"pain"', "null"])
def test_a_body_that_is_not_an_object_is_a_400(api, workout, body):
    response = api.put(log_url(workout), body, content_type="application/json")
    assert response.status_code == 400
    assert not PainLog.objects.exists()


def test_a_body_over_64_kib_is_a_413(api, workout):
    body = json.dumps({"pain": 3, "notes": "x" * (65 * 1024)})
    response = api.put(log_url(workout), body, content_type="application/json")
    assert response.status_code == 413
    assert not PainLog.objects.exists()


def test_form_encoded_bodies_are_refused(api, workout):
    response = api.put(log_url(workout), "pain=3", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415


@pytest.mark.parametrize(
    "tz, utc_now, day, accepted",
    [
        # UTC+14: already the 26th locally while it is the 25th in UTC.
        ("Pacific/Kiritimati", "2026-11-25T12:00:00Z", "2026-11-26", True),
        ("Pacific/Kiritimati", "2026-11-25T09:00:00Z", "2026-11-26", False),  # 23:00 on the 25th locally
        # UTC-11: still the 24th locally while it is the 25th in UTC.
        ("Pacific/Pago_Pago", "2026-11-25T05:00:00Z", "2026-11-25", False),
        ("Pacific/Pago_Pago", "2026-11-25T05:00:00Z", "2026-11-24", True),
        ("Pacific/Pago_Pago", "2026-11-25T11:00:00Z", "2026-11-25", True),  # local midnight has passed
    ],
)
def test_local_today_is_the_users_own(tz, utc_now, day, accepted):
    user = UserFactory(username=f"tz_{tz.split('/')[1].lower()}", timezone=tz)
    client = client_for(user)
    workout = WorkoutFactory(owner=user, performed_on=datetime.date(2026, 11, 23))
    with time_machine.travel(datetime.datetime.fromisoformat(utc_now), tick=False):
        response = client.put(log_url(workout, day), {"pain": 2}, format="json")
    assert response.status_code == (201 if accepted else 400), response.json()
    assert PainLog.objects.exists() is accepted


def test_a_utc_plus_14_user_may_log_a_workout_dated_their_today():
    user = UserFactory(username="kiri", timezone="Pacific/Kiritimati")
    with time_machine.travel(datetime.datetime(2026, 11, 25, 12, tzinfo=datetime.UTC), tick=False):
        response = client_for(user).post("/api/v1/workouts/", {"performed_on": "2026-11-26"}, format="json")
    assert response.status_code == 201


def test_logs_list_is_oldest_first_with_day_index(api, workout):
    for day in ("2026-11-25", "2026-11-23", "2026-11-24"):
        api.put(log_url(workout, day), {"pain": 1}, format="json")
    body = api.get(f"/api/v1/workouts/{workout.pk}/logs/").json()
    assert [(log["logged_on"], log["day"]) for log in body] == [("2026-11-23", 0), ("2026-11-24", 1), ("2026-11-25", 2)]


def test_logs_list_uses_a_constant_number_of_queries(api, workout, django_assert_max_num_queries):
    for offset in range(3):
        PainLogFactory(workout=workout, logged_on=workout.performed_on + datetime.timedelta(days=offset))
    with django_assert_max_num_queries(5):
        assert len(api.get(f"/api/v1/workouts/{workout.pk}/logs/").json()) == 3


def test_get_one_days_log(api, workout):
    api.put(log_url(workout), {"pain": 4}, format="json")
    assert api.get(log_url(workout)).json()["pain"] == 4
    assert api.get(log_url(workout, "2026-11-25")).status_code == 404


def test_the_hand_built_representation_matches_the_declared_fields(api, workout):
    from tracker.api.serializers import PainLogSerializer, SavedPainLogSerializer

    body = api.put(log_url(workout), {"pain": 3}, format="json").json()
    assert list(body) == list(SavedPainLogSerializer().fields)
    listed = api.get(f"/api/v1/workouts/{workout.pk}/logs/").json()[0]
    assert list(listed) == list(PainLogSerializer().fields)
