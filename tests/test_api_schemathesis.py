"""Schemathesis against the live server and its live schema, authenticated: every operation,
positive and negative data. Zero server errors, zero responses off the schema."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rest_framework.throttling import ScopedRateThrottle, UserRateThrottle

from clinic.api.throttling import InvitationCodeThrottle
from tests.conftest import client_for
from tests.factories import PainLogFactory, UserFactory, WorkoutFactory

CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "negative_data_rejection",
        "use_after_free",
        "ignored_auth",
    ]
)


@pytest.mark.timeout(600)
def test_schemathesis_finds_no_server_error_and_no_schema_violation(
    live_server, transactional_db, monkeypatch, tmp_path
):
    # The run makes thousands of requests; throttling has tests of its own.
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "100000/min"})
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "100000/min", "user": "100000/min"})
    monkeypatch.setattr(InvitationCodeThrottle, "THROTTLE_RATES", {"invitation_code": "100000/min"})
    user = UserFactory(username="fuzz")
    workout = WorkoutFactory(owner=user)
    PainLogFactory(workout=workout)
    client = client_for(user)
    token = client._credentials["HTTP_AUTHORIZATION"]
    cli = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or "schemathesis"
    result = subprocess.run(
        [
            cli, "run", f"{live_server.url}/api/schema/",
            "--url", live_server.url,
            "-H", f"Authorization: {token}",
            "--checks", CHECKS,
            "--max-examples", "30",
            "--workers", "1",
            "--seed", "20261125",
            "--phases", "examples,coverage,fuzzing",
            "--exclude-path", "/api/v1/me/", "--exclude-method", "DELETE",
            "--exclude-path", "/api/v1/auth/logout/",
            "--suppress-health-check", "all",
            "--request-timeout", "20",
            "--no-color",
            "--report", "junit", "--report-dir", str(tmp_path),
        ],
        capture_output=True, text=True, timeout=580, cwd=tmp_path,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-8000:]
    assert "passed" in output.lower()
