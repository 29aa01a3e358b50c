import datetime
import re
import uuid

import pytest
import yaml
from django.urls import URLResolver, converters, get_resolver, resolve
from django.urls.resolvers import RoutePattern
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient, APIRequestFactory

from accounts.models import User
from config.authentication import TokenAuthentication
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


def _token_for(user, expiry):
    instance, token = AuthToken.objects.create(user)
    AuthToken.objects.filter(pk=instance.pk).update(expiry=expiry)
    return token


def test_a_token_is_checked_in_one_query_and_refreshed_on_use(patient, django_assert_num_queries):
    soon = timezone.now() + datetime.timedelta(hours=1)
    token = _token_for(patient, soon)
    request = APIRequestFactory().get(ME, HTTP_AUTHORIZATION=f"Token {token}")
    with django_assert_num_queries(2):  # the check, and the refresh (at most once a minute)
        user, auth_token = TokenAuthentication().authenticate(request)
    assert user == patient and auth_token.expiry > soon + datetime.timedelta(days=1)
    with django_assert_num_queries(1):
        TokenAuthentication().authenticate(request)


def test_an_expired_token_is_refused_and_deleted_at_the_next_sign_in(anon_api, patient):
    expired = _token_for(patient, timezone.now() - datetime.timedelta(seconds=1))
    live = _token_for(patient, timezone.now() + datetime.timedelta(days=1))
    anon_api.credentials(HTTP_AUTHORIZATION=f"Token {expired}")
    assert anon_api.get(ME).status_code == 401
    anon_api.credentials(HTTP_AUTHORIZATION=f"Token {live}")
    assert anon_api.get(ME).status_code == 200
    assert AuthToken.objects.filter(user=patient).count() == 2
    anon_api.credentials()
    body = {"username": "alice", "password": "correct horse battery staple"}
    assert anon_api.post(TOKEN, body, format="json").status_code == 200
    assert AuthToken.objects.filter(user=patient).count() == 2  # the expired one gone, a new one
    assert AuthToken.objects.filter(user=patient, expiry__lt=timezone.now()).count() == 0
    anon_api.credentials(HTTP_AUTHORIZATION=f"Token {live}")
    assert anon_api.get(ME).status_code == 200


def test_logout_revokes_the_token(api):
    assert api.post("/api/v1/auth/logout/").status_code == 204
    assert api.get(ME).status_code == 401


def test_me_shows_the_profile(api, patient):
    assert api.get(ME).json() == {
        "id": patient.pk,
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


# The API routes anyone may call without credentials. Adding one is a decision: list it here.
PUBLIC = {
    "/api/v1/auth/register/",
    "/api/v1/auth/token/",
    "/api/v1/auth/session/",
    "/api/v1/auth/session/register/",
}
# A value for each path parameter, so that the filled-in path resolves to its route.
SAMPLES = {"logged_on": "2026-11-20"}
PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


def url_patterns(resolver=None, prefix=()):
    """Every URLPattern of the URL conf, with the chain of patterns leading to it."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from url_patterns(entry, (*prefix, entry.pattern))
        else:
            yield (*prefix, entry.pattern), entry


def sample_value(name, converter):
    if name in SAMPLES:
        return SAMPLES[name]
    if isinstance(converter, converters.UUIDConverter):
        return str(uuid.uuid4())
    if isinstance(converter, converters.IntConverter):
        return "4242"
    if isinstance(converter, converters.StringConverter | converters.SlugConverter | converters.PathConverter):
        return "sample"
    raise AssertionError(f"no sample value for <{name}> ({type(converter).__name__}): add one to SAMPLES")


def allowed_methods(view):
    """The HTTP methods a DRF view answers (405 for the others)."""
    view_class = getattr(view, "cls", None) or view.view_class
    names = view_class.http_method_names
    if getattr(view, "actions", None):  # a ViewSet route: its router-mapped actions
        methods = {m for m in view.actions if m in names} | {"options"}
    else:
        methods = {m for m in names if hasattr(view_class, m)}
    if "get" in methods and "head" in names:
        methods.add("head")
    return sorted(methods)


def api_routes():
    """(path template, filled-in path, method) for every route and method under /api/v1/."""
    routes = []
    for chain, entry in url_patterns():
        route = "/" + "".join(str(pattern) for pattern in chain)
        if not route.startswith("/api/v1/"):
            continue
        assert all(isinstance(p, RoutePattern) for p in chain), f"{route}: teach this walk to fill regex routes"
        params = {name: conv for pattern in chain for name, conv in pattern.converters.items()}
        path = PARAMETER.sub(lambda m, params=params: sample_value(m[1], params[m[1]]), route)
        assert resolve(path).func is entry.callback, f"{path} does not resolve to {route}"
        template = PARAMETER.sub("{}", route)
        routes += [(template, path, method) for method in allowed_methods(entry.callback)]
    return routes


API_ROUTES = api_routes()
PRIVATE_ROUTES = [r for r in API_ROUTES if r[0] not in PUBLIC]


def test_the_walk_finds_every_route_and_the_schema_describes_every_one(client):
    templates = {template for template, _, _ in API_ROUTES}
    assert len(templates) >= 14 and len(PRIVATE_ROUTES) >= 30, "the URL conf walk found too few routes"
    assert templates >= PUBLIC
    walked = {(template, method) for template, _, method in API_ROUTES if method not in {"head", "options"}}
    schema = yaml.safe_load(client.get("/api/schema/").content)
    documented = {
        (re.sub(r"\{\w+\}", "{}", path), method)
        for path, operations in schema["paths"].items()
        if path.startswith("/api/v1/")
        for method in operations
    }
    assert walked == documented


@pytest.mark.parametrize(
    "template, path, method", PRIVATE_ROUTES, ids=[f"{m.upper()} {t}" for t, _, m in PRIVATE_ROUTES]
)
def test_every_private_route_refuses_requests_without_valid_credentials(patient, template, path, method):
    body = {} if method in {"post", "put", "patch"} else None
    bogus = APIClient()
    bogus.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    for client in (APIClient(), bogus):
        response = getattr(client, method)(path, body, format="json")
        assert response.status_code == 401, (method, path, response.status_code)
        assert response["Content-Type"] == "application/json"
        if method != "head":  # a HEAD response has no body
            assert "detail" in response.json()
    # With real credentials the same request gets past authentication: it was the credentials.
    assert getattr(client_for(patient), method)(path, body, format="json").status_code != 401


@pytest.mark.parametrize("path", sorted(PUBLIC))
def test_the_public_routes_answer_without_credentials(anon_api, path):
    response = anon_api.post(path, {}, format="json")
    assert response.status_code == 400
    assert response.json()
