"""The PWA's sign-in: a session cookie with CSRF, same origin; no token reaches the browser."""

import pytest
from django.test import Client

from accounts.models import User
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


@pytest.fixture
def browser():
    """A client that checks CSRF as a browser's requests are checked, holding the CSRF cookie."""
    client = Client(enforce_csrf_checks=True)
    client.get("/signin/")
    return client


def post(client, path, body=None):
    return client.post(
        path, body or {}, content_type="application/json", HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value
    )


def test_sign_in_starts_a_session_and_gives_no_token(browser, patient):
    response = post(browser, "/api/v1/auth/session/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 200
    assert response.json() == {"id": patient.id, "username": "alice"}
    assert browser.get("/api/v1/me/").json()["username"] == "alice"
    assert browser.get("/").status_code == 200


def test_sign_in_needs_the_csrf_token(browser, patient):
    response = browser.post(
        "/api/v1/auth/session/", {"username": "alice", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 403
    assert browser.get("/api/v1/me/").status_code == 401


def test_a_session_write_needs_the_csrf_token(browser, patient):
    post(browser, "/api/v1/auth/session/", {"username": "alice", "password": PASSWORD})
    no_header = browser.post("/api/v1/workouts/", {"performed_on": "2026-11-01"}, content_type="application/json")
    assert no_header.status_code == 403
    assert post(browser, "/api/v1/workouts/", {"performed_on": "2026-11-01"}).status_code == 201


def test_sign_in_refuses_a_wrong_password(browser, patient):
    response = post(browser, "/api/v1/auth/session/", {"username": "alice", "password": "nope"})
    assert response.status_code == 400
    assert browser.get("/api/v1/me/").status_code == 401


def test_sign_up_makes_the_account_and_signs_in(browser):
    body = {"username": "newbie", "password": PASSWORD, "timezone": "Europe/Berlin"}
    response = post(browser, "/api/v1/auth/session/register/", body)
    assert response.status_code == 201
    assert set(response.json()) == {"id", "username"}
    assert User.objects.get(username="newbie").timezone == "Europe/Berlin"
    assert browser.get("/api/v1/me/").json()["username"] == "newbie"


def test_sign_up_refuses_a_weak_password(browser):
    response = post(browser, "/api/v1/auth/session/register/", {"username": "newbie", "password": "123"})
    assert response.status_code == 400
    assert "password" in response.json()
    assert not User.objects.filter(username="newbie").exists()


def test_sign_out_ends_the_session_and_leaves_tokens_alone(browser, patient):
    token_client = client_for(patient)
    post(browser, "/api/v1/auth/session/", {"username": "alice", "password": PASSWORD})
    assert post(browser, "/api/v1/auth/session/logout/").status_code == 204
    assert browser.get("/api/v1/me/").status_code == 401
    assert browser.get("/settings/")["Location"] == "/signin/?next=/settings/"
    assert token_client.get("/api/v1/me/").status_code == 200


def test_every_page_has_a_strict_content_security_policy(client):
    for path in ("/signin/", "/signup/", "/sw.js", "/manifest.webmanifest", "/api/docs/", "/admin/login/"):
        policy = client.get(path)["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, path
