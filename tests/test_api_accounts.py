import datetime

import pytest
from knox.models import AuthToken

from accounts.models import User
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/auth/register/"
TOKEN = "/api/v1/auth/token/"
ME = "/api/v1/me/"
GOOD = {"username": "dana", "password": "a-long-enough-passphrase", "timezone": "Europe/Berlin"}


def test_register_returns_a_working_token(anon_api):
    response = anon_api.post(REGISTER, GOOD, format="json")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "username", "token"}
    user = User.objects.get(username="dana")
    assert user.timezone == "Europe/Berlin"
    assert user.password.startswith("argon2$")
    anon_api.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert anon_api.get(ME).json()["username"] == "dana"


def test_tokens_are_stored_hashed_and_expire(anon_api):
    token = anon_api.post(REGISTER, GOOD, format="json").json()["token"]
    stored = AuthToken.objects.get()
    assert token not in (stored.digest, stored.token_key)
    assert stored.expiry is not None


@pytest.mark.parametrize(
    "change, field",
    [
        ({"username": ""}, "username"),
        ({"username": None}, "username"),
        ({"username": 42}, "username"),
        ({"username": "has space!"}, "username"),
        ({"password": "short"}, "password"),
        ({"password": "12345678901"}, "password"),
        ({"password": "qwertyuiop"}, "password"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"timezone": 3}, "timezone"),
        ({"email": "not-an-email"}, "email"),
        ({"is_staff": True}, "is_staff"),
    ],
)
def test_register_rejects_bad_input_and_stores_nothing(anon_api, change, field):
    response = anon_api.post(REGISTER, {**GOOD, **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not User.objects.exists()


def test_register_rejects_a_taken_username_whatever_its_case(anon_api, patient):
    response = anon_api.post(REGISTER, {**GOOD, "username": "ALICE"}, format="json")
    assert response.status_code == 400
    assert "username" in response.json()


def test_token_for_good_credentials(anon_api, patient):
    response = anon_api.post(TOKEN, {"username": "alice", "password": "correct horse battery staple"}, format="json")
    assert response.status_code == 200
    assert response.json()["token"]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"username": "alice", "password": "wrong"}, "non_field_errors"),
        ({"username": "nobody", "password": "correct horse battery staple"}, "non_field_errors"),
        ({"username": "alice"}, "password"),
        ({"password": "x"}, "username"),
    ],
)
def test_token_refuses_bad_credentials(anon_api, patient, body, field):
    response = anon_api.post(TOKEN, body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not AuthToken.objects.exists()


def test_logout_revokes_the_token(api):
    assert api.post("/api/v1/auth/logout/").status_code == 204
    assert api.get(ME).status_code == 401


def test_me_shows_the_profile(api):
    assert api.get(ME).json() == {
        "id": api.get(ME).json()["id"],
        "username": "alice",
        "email": "alice@example.com",
        "timezone": "UTC",
        "reminder_time": "20:00",
        "quiet_hours_start": None,
        "quiet_hours_end": None,
        "is_physio": False,
    }


def test_me_patch_updates_the_profile(api, patient):
    response = api.patch(
        ME,
        {"timezone": "Pacific/Kiritimati", "reminder_time": "07:30", "quiet_hours_start": "22:00",
         "quiet_hours_end": "07:00"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 200, response.json()
    patient.refresh_from_db()
    assert patient.timezone == "Pacific/Kiritimati"
    assert patient.reminder_time == datetime.time(7, 30)
    assert (patient.quiet_hours_start, patient.quiet_hours_end) == (datetime.time(22), datetime.time(7))


@pytest.mark.parametrize(
    "body, field",
    [
        ({"timezone": "Europe/Atlantis"}, "timezone"),
        ({"timezone": ""}, "timezone"),
        ({"reminder_time": "25:00"}, "reminder_time"),
        ({"reminder_time": "8pm"}, "reminder_time"),
        ({"reminder_time": 2000}, "reminder_time"),
        ({"quiet_hours_start": "22:00"}, "quiet_hours_end"),
        ({"quiet_hours_start": "22:00", "quiet_hours_end": "22:00"}, "quiet_hours_end"),
        ({"is_physio": True}, "is_physio"),
        ({"username": "mallory"}, "username"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_me_patch_rejects_bad_input_and_changes_nothing(api, patient, body, field):
    before = api.get(ME).json()
    response = api.patch(ME, body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert api.get(ME).json() == before


def test_delete_me_removes_the_account_and_its_data(api, patient):
    from tests.factories import PainLogFactory, WorkoutFactory

    PainLogFactory(workout=WorkoutFactory(owner=patient))
    assert api.delete(ME).status_code == 204
    assert not User.objects.filter(pk=patient.pk).exists()
    from tracker.models import PainLog, Workout

    assert not Workout.objects.exists() and not PainLog.objects.exists()


def test_every_private_endpoint_needs_credentials(anon_api, patient):
    other = client_for(None)
    for client in (anon_api, other):
        assert client.get(ME).status_code == 401
        assert client.get("/api/v1/workouts/").status_code == 401
    bad = client_for(None)
    bad.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert bad.get(ME).status_code == 401
