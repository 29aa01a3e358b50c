import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


def test_auth_endpoints_share_a_per_ip_limit_of_10_a_minute(anon_api):
    body = {"username": "nobody", "password": "wrong"}
    statuses = []
    for i in range(6):
        statuses.append(anon_api.post("/api/v1/auth/token/", body, format="json").status_code)
        statuses.append(anon_api.post("/api/v1/auth/register/", {"username": f"u{i}"}, format="json").status_code)
    assert statuses[:10] == [400] * 10
    assert statuses[10:] == [429, 429]
    response = anon_api.post("/api/v1/auth/token/", body, format="json")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_user_scope_throttles_an_authenticated_user(api, monkeypatch):
    from rest_framework.throttling import UserRateThrottle

    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "3/min"})
    statuses = [api.get("/api/v1/me/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_rates_come_from_the_environment():
    code = "from django.conf import settings; print(settings.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'])"
    env = {
        **os.environ,
        "THROTTLE_AUTH": "1000/min",
        "THROTTLE_USER": "5/second",
        "THROTTLE_AUTH_USERNAME": "3/hour",
        "THROTTLE_INVITATION_CODE": "4/day",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    expected = "{'auth': '1000/min', 'user': '5/second', 'auth_username': '3/hour', 'invitation_code': '4/day'}"
    assert result.stdout.strip() == expected, result.stderr
