"""Holes an attacker found, closed: throttles that trust no forged header, a per-username
limit, the admin's lock-out, bounded dates, and bad input that is a 4xx, never a 500."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from advice.prevention import SessionFacts, tips_for
from config.dates import shift
from recovery.rules import LogFacts, PainfulWorkout, WorkoutFacts, day_view, episode_dates, reasons_for
from tests.factories import UserFactory, WorkoutFactory
from tracker.models import PainLog, Workout

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
WRONG = {"username": "alice", "password": "not her password"}
AUTH_LIMIT = 10  # THROTTLE_AUTH and THROTTLE_AUTH_USERNAME default to 10/min


def test_a_forged_x_forwarded_for_does_not_escape_the_login_throttle(anon_api, patient):
    statuses = [
        anon_api.post(TOKEN, WRONG, format="json", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}").status_code
        for i in range(AUTH_LIMIT + 5)
    ]
    assert statuses[:AUTH_LIMIT] == [400] * AUTH_LIMIT
    assert set(statuses[AUTH_LIMIT:]) == {429}


def test_the_token_endpoint_limits_each_username_whatever_the_address(anon_api, patient):
    statuses = [
        anon_api.post(TOKEN, WRONG, format="json", REMOTE_ADDR=f"198.51.100.{i}").status_code
        for i in range(AUTH_LIMIT + 3)
    ]
    assert statuses[:AUTH_LIMIT] == [400] * AUTH_LIMIT
    assert set(statuses[AUTH_LIMIT:]) == {429}
    # the same name in another case is the same account
    assert (
        anon_api.post(TOKEN, {**WRONG, "username": "ALICE"}, format="json", REMOTE_ADDR="192.0.2.9").status_code == 429
    )
    # another user, from a fresh address, is not held back by alice's attacker
    other = anon_api.post(TOKEN, {"username": "bob", "password": "x"}, format="json", REMOTE_ADDR="192.0.2.10")
    assert other.status_code == 400


@pytest.fixture
def staff():
    return UserFactory(username="staff", is_staff=True, is_superuser=True)


def admin_login(client, password, ip="192.0.2.1", username="staff"):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_the_admin_locks_out_after_repeated_failures_then_lets_in_after_the_cool_off(client, staff):
    statuses = [admin_login(client, "guess").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]  # the form again, with an error; then locked
    locked = admin_login(client, "correct horse battery staple")
    assert locked.status_code == 429, "the right password is refused while locked out"
    # the username is locked from any address, and the address for any username
    assert admin_login(client, "correct horse battery staple", ip="192.0.2.2").status_code == 429
    assert admin_login(client, "guess", ip="192.0.2.1", username="someone").status_code == 429
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16)):
        assert admin_login(client, "correct horse battery staple").status_code == 302


def test_a_far_past_workout_date_is_refused(api, patient):
    for day, status in (("0001-01-01", 400), ("1999-12-31", 400), ("2000-01-01", 201)):
        response = api.post("/api/v1/workouts/", {"performed_on": day}, format="json")
        assert response.status_code == status, (day, response.json())
        if status == 400:
            assert "performed_on" in response.json()
    assert list(Workout.objects.values_list("performed_on", flat=True)) == [datetime.date(2000, 1, 1)]


def test_a_far_past_log_day_is_refused_and_nothing_is_stored(api, patient):
    workout = WorkoutFactory(owner=patient, performed_on=datetime.date(2000, 1, 1))
    response = api.put(f"/api/v1/workouts/{workout.pk}/logs/0001-01-01/", {"pain": 3}, format="json")
    assert response.status_code == 400 and "logged_on" in response.json()
    assert not PainLog.objects.exists()


def test_date_arithmetic_at_the_calendars_edges_does_not_overflow():
    """Rows written before the bound (or by a script) must not break triage or the sweep."""
    first, last = datetime.date.min, datetime.date.max
    assert (shift(first, -29), shift(last, 30), shift(first, 3)) == (first, last, first + datetime.timedelta(days=3))
    facts = WorkoutFacts(first, (LogFacts(first, 6, leg_weakness=True), LogFacts(shift(first, 5), 2)))
    assert reasons_for(facts, [first, first])
    assert day_view(facts, [PainfulWorkout(first, first)], 2).pain == 6
    assert episode_dates(facts) == (first, None)
    assert tips_for(SessionFacts(first, (), False, False), []) is not None


def put_raw(api, workout, body, **headers):
    url = f"/api/v1/workouts/{workout.pk}/logs/{workout.performed_on}/"
    return api.generic("PUT", url, body, content_type="application/json", **headers)


@pytest.fixture
def workout(patient):
    return WorkoutFactory(owner=patient)


@pytest.mark.parametrize(
    "body",
    [
        r'{"pain": 3, "quality": "\ud800"}',  # echoed in the "not a valid choice" message
        r'{"pain": 3, "notes": "a\udfffb"}',
        r'{"pain": 3, "\ud800": true}',
        r'{"pain": 3, "locations": ["\ud83d"]}',
    ],
)
def test_a_lone_surrogate_is_a_400_not_a_500(api, workout, body):
    response = put_raw(api, workout, body)
    assert response.status_code == 400
    assert "surrogate" in response.json()["non_field_errors"][0]
    assert not PainLog.objects.exists()


@pytest.mark.parametrize("depth", [20, 1000, 30_000])
def test_deeply_nested_json_is_a_400_not_a_500(api, workout, depth):
    response = put_raw(api, workout, "[" * depth + "]" * depth)
    assert response.status_code == 400
    assert "nested" in response.json()["non_field_errors"][0]


@pytest.mark.parametrize("header", ["Token caf\xe9", "Token \xff\xfe", "token \xe9\xe9\xe9\xe9"])
def test_a_non_ascii_token_header_is_a_401_not_a_500(anon_api, header):
    response = anon_api.get("/api/v1/me/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["detail"]


@pytest.mark.parametrize("load", ["", " ", "82.5"])
def test_a_string_load_is_a_400_not_null(api, load):
    body = {"performed_on": "2026-11-20", "exercises": [{"name": "Squat", "load_kg": load}]}
    response = api.post("/api/v1/workouts/", body, format="json")
    assert response.status_code == 400
    assert "load_kg" in response.json()["exercises"]["0"]
    assert not Workout.objects.exists()


def test_a_chunked_body_is_a_411(api, workout):
    response = put_raw(api, workout, '{"pain": 3}', HTTP_TRANSFER_ENCODING="chunked")
    assert response.status_code == 411
    assert not PainLog.objects.exists()
