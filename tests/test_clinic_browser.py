"""The clinic in a real browser (Debian's Chromium through Playwright): a physiotherapist signs
in, sees the most urgent patient first, opens them and resolves an alert; axe-core finds no
serious or critical violation; screenshots at phone and laptop widths in tests/artifacts/."""

import datetime
from pathlib import Path

import pytest

from recovery.models import Alert
from tests.clinic_helpers import evaluated, link
from tests.factories import PainLogFactory, PhysioFactory, UserFactory, WorkoutFactory

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "correct horse battery staple"
WIDTHS = {"phone": 390, "laptop": 1366}


@pytest.fixture
def clinic(transactional_db):
    """dr_carol and three linked patients: an emergency, a see_doctor, an ordinary recovery."""
    physio = PhysioFactory(username="dr_carol")

    def patient(username, tz, days_ago, logs, title):
        user = UserFactory(username=username, timezone=tz)
        link(physio, user)
        workout = WorkoutFactory(
            owner=user, performed_on=user.local_today() - datetime.timedelta(days_ago), title=title
        )
        for day, pain, extra in logs:
            PainLogFactory(
                workout=workout, logged_on=workout.performed_on + datetime.timedelta(day), pain=pain, **extra
            )
        evaluated(workout)
        return user

    patient("sam_sore", "Europe/London", 3, [(0, 3, {}), (1, 4, {}), (2, 2, {})], "Leg day")
    patient("jordan_leg", "Europe/Berlin", 2, [(0, 4, {}), (1, 6, {"radiates_to_legs": True})], "Squat PR attempt")
    casey = patient(
        "casey_urgent", "Australia/Sydney", 1, [(0, 6, {}), (1, 8, {"both_legs": True, "saddle_numbness": True})],
        "Deadlift day",
    )  # fmt: skip
    return physio, casey


def sign_in(page, base):
    page.goto(f"{base}/clinic/")
    page.fill("#id_username", "dr_carol")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/clinic/")


def audit(page):
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_a_physiotherapist_triages_the_most_urgent_patient_first(live_server, chromium_browser, clinic):
    _, casey = clinic
    ARTIFACTS.mkdir(exist_ok=True)
    page = chromium_browser.new_page(viewport={"width": WIDTHS["laptop"], "height": 900})
    errors = []
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    sign_in(page, live_server.url)
    rows = page.locator("table.patients > tbody > tr")
    assert rows.count() == 3
    assert rows.nth(0).locator("> th").inner_text() == "casey_urgent"
    assert "Emergency" in rows.nth(0).inner_text() and "See a doctor" in rows.nth(1).inner_text()
    page.click("text=casey_urgent")
    page.wait_for_url(f"{live_server.url}/clinic/patients/{casey.pk}/")
    assert page.locator("svg.chart").count() == 1 and page.locator("svg.chart rect.flag").count() >= 1
    first = page.locator("li.alert").first
    first.locator("textarea").fill("Phoned: sent to A&E; seen the same evening.")
    first.locator("button", has_text="Resolve").click()
    page.wait_for_selector("li.alert.resolved")
    alert = Alert.objects.get(workout__owner=casey, reason="cauda_equina")
    assert alert.resolved_at is not None and alert.resolution_note.startswith("Phoned")
    assert "Phoned: sent to A&E" in page.inner_text("li.alert.resolved")
    assert errors == []  # a CSP refusal shows here


def test_the_dashboard_and_patient_page_pass_axe_and_are_photographed(live_server, chromium_browser, clinic):
    _, casey = clinic
    ARTIFACTS.mkdir(exist_ok=True)
    for name, width in WIDTHS.items():
        # axe is injected as a script: the pages' CSP would (rightly) refuse it.
        context = chromium_browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
        page = context.new_page()
        sign_in(page, live_server.url)
        page.screenshot(path=str(ARTIFACTS / f"clinic-dashboard-{name}.png"), full_page=True)
        assert audit(page) == [], f"dashboard at {width}px"
        page.goto(f"{live_server.url}/clinic/patients/{casey.pk}/")
        page.screenshot(path=str(ARTIFACTS / f"clinic-patient-{name}.png"), full_page=True)
        assert audit(page) == [], f"patient page at {width}px"
        context.close()


def test_the_list_refreshes_in_place(live_server, chromium_browser, clinic):
    page = chromium_browser.new_page()
    sign_in(page, live_server.url)
    page.evaluate("document.getElementById('patients').setAttribute('data-refresh-seconds', '0.2')")
    page.reload()  # the script reads the interval at load; reload keeps the server's value
    page.evaluate(
        "fetch('/clinic/', {headers: {'HX-Request': 'true'}}).then(r => r.text())"
        ".then(h => { document.getElementById('patients').innerHTML = h; })"
    )
    page.wait_for_function("document.querySelectorAll('#patients table.patients > tbody > tr').length === 3")
    assert "<html" not in page.inner_html("#patients")
