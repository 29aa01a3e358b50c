"""Pages in a real browser: Debian's Chromium driven by Playwright.

Skipped when Chromium is not installed (a newcomer's `make test`); CI installs it, and there
a missing browser fails the run instead.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.db import connections

from tests.factories import AlertFactory, ExerciseFactory, PainLogFactory, UserFactory, WorkoutFactory

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"

if not shutil.which(CHROMIUM):
    if os.environ.get("CI", "").lower() == "true":
        raise RuntimeError(f"browser tests need {CHROMIUM}; .ci/run installs Debian's chromium")
    pytest.skip(f"{CHROMIUM} is not installed", allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API runs an event loop; the ORM calls here stay on this one thread.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        yield browser
        browser.close()
        # The ORM calls made under Playwright's event loop have connections of their own.
        connections.close_all()


def test_api_docs_render_every_operation(live_server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 1600})
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".opblock", timeout=20_000)
    text = page.inner_text("body")
    for path in ("/api/v1/workouts/{workout_id}/logs/{logged_on}/", "/api/v1/recovery/today/", "/api/v1/alerts/"):
        assert path in text
    page.screenshot(path=str(SHOTS / "api-docs.png"))


def test_staff_browse_patients_data_in_the_admin(live_server, browser, transactional_db):
    UserFactory(username="staff", is_staff=True, is_superuser=True)
    log = PainLogFactory(workout=WorkoutFactory(owner=UserFactory(username="patient_p")), pain=6)
    ExerciseFactory(workout=log.workout)
    AlertFactory(workout=log.workout)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "staff")
    page.fill("#id_password", "correct horse battery staple")
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")
    page.goto(f"{live_server.url}/admin/tracker/workout/")
    assert "patient_p" in page.inner_text("#result_list")
    page.goto(f"{live_server.url}/admin/recovery/alert/")
    assert "radiating_pain" in page.inner_text("#result_list")
    page.screenshot(path=str(SHOTS / "admin-alerts.png"))
