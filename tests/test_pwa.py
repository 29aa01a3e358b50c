"""The phone app (PWA) in a real browser: Debian's Chromium, driven by Playwright, at a phone's size.

Skipped when Chromium is not installed (a newcomer's `make test`); with CI=true a missing browser
fails the run instead. Every screen is photographed into tests/artifacts/ (git-ignored) and, when
axe-core is vendored (`make vendor`), audited: no serious or critical accessibility violation.
"""

import datetime
import json
import os
import shutil
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.db import connections

from accounts.models import User
from clinic.access import record_reads
from clinic.models import Access, CareLink
from clinic.services import create_invitation
from notifications.models import PushSubscription
from tests.factories import AlertFactory, ExerciseFactory, PainLogFactory, PhysioFactory, UserFactory, WorkoutFactory
from tracker.models import PainLog, Workout

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
IN_CI = os.environ.get("CI", "").lower() == "true"
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
PASSWORD = "a long and unusual passphrase 42"

if not shutil.which(CHROMIUM):
    if IN_CI:
        raise RuntimeError(f"browser tests need {CHROMIUM}; .ci/run installs Debian's chromium")
    pytest.skip(f"{CHROMIUM} is not installed", allow_module_level=True)
if IN_CI and not AXE.exists():
    raise RuntimeError(f"the accessibility audit needs {AXE}: `make vendor` installs it from package-lock.json")

from playwright.sync_api import expect, sync_playwright  # noqa: E402

LAUNCH = {"executable_path": CHROMIUM, "args": ["--no-sandbox", "--disable-gpu", "--disable-component-update"]}


@pytest.fixture
def playwright(monkeypatch, transactional_db):
    # Playwright's sync API runs an event loop; the ORM calls here stay on this one thread.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        yield p
        connections.close_all()


@pytest.fixture
def browser(playwright):
    browser = playwright.chromium.launch(**LAUNCH)
    yield browser
    browser.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    yield page
    context.close()
    assert problems == [], "script errors or CSP violations in the page"


def audit(page, name):
    """A screenshot of the screen, and axe-core's audit of it: nothing serious or critical."""
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    if not AXE.exists():
        return
    # Injected through the DevTools protocol, so the page's CSP (scripts from itself only) holds.
    page.evaluate(AXE.read_text())
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    bad = [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], f"{name}: {bad}"


def sign_up(page, base, username="walt"):
    page.goto(f"{base}/signup/")
    audit(page, "01-sign-up")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/workouts/new/")


def log_workout(page, title="Leg day"):
    page.fill("#title", title)
    page.fill("input[name=name]", "Deadlift")
    page.fill("input[name=load_kg]", "100")
    page.fill("input[name=sets]", "3")
    page.fill("input[name=reps]", "5")
    page.get_by_role("button", name="+ Add an exercise").click()
    page.locator("input[name=name]").nth(1).fill("Back squat")
    page.locator("input[name=load_kg]").nth(1).fill("80")
    page.get_by_text("I warmed up").click()
    audit(page, "02-log-a-workout")
    page.get_by_role("button", name="Save workout").click()
    page.wait_for_url("**/?workout=*")
    expect(page.locator("#log-form")).to_be_visible()


def test_sign_up_log_a_workout_and_a_red_flag_shows_the_emergency_screen(live_server, phone):
    sign_up(phone, live_server.url)
    log_workout(phone)
    workout = Workout.objects.get()
    assert workout.owner.username == "walt"
    exercises = [(e.name, e.load_kg) for e in workout.exercises.order_by("position")]
    assert exercises == [("Deadlift", 100), ("Back squat", 80)]
    assert workout.warmed_up and not workout.cooled_down

    # The emergency screens are on the first screenful, without scrolling.
    save = phone.get_by_role("button", name="Save today's log").bounding_box()
    for sign in ("New loss of bladder or bowel control", "Tingling, numbness or weakness in both legs"):
        expect(phone.get_by_text(sign)).to_be_in_viewport()
        chip = phone.get_by_text(sign).bounding_box()
        assert chip["y"] + chip["height"] <= save["y"], f"{sign!r} is under the save button"
    audit(phone, "03-today-log")
    phone.locator("label[for=pain-6]").click()
    phone.get_by_text("Numbness in the groin or saddle area").click()
    phone.get_by_role("button", name="Save today's log").click()

    phone.wait_for_url("**/alerts/?workout=*")
    emergency = phone.locator("#emergency")
    expect(emergency).to_be_visible()
    expect(emergency).to_contain_text("Get emergency care now")
    box = emergency.bounding_box()
    assert box["height"] >= 600, "the emergency fills the screen"
    audit(phone, "04-alert-emergency")
    log = PainLog.objects.get()
    assert (log.pain, log.saddle_numbness) == (6, True)


def test_a_log_saved_offline_survives_a_reload_and_syncs_exactly_once(live_server, phone):
    base = live_server.url
    sign_up(phone, base)
    log_workout(phone)
    phone.wait_for_function("navigator.serviceWorker.controller !== null")
    phone.reload()  # through the worker, which keeps the page for offline use

    phone.context.set_offline(True)
    phone.locator("label[for=pain-3]").click()
    phone.get_by_text("Lower back").click()
    phone.get_by_role("button", name="Save today's log").click()
    expect(phone.locator("#log-status")).to_have_text("Saved on this phone, will sync")
    expect(phone.locator("#sync")).to_have_text("1 log saved on this phone, will sync")

    phone.reload()  # offline: the shell comes from the service worker's cache
    expect(phone.locator("#log-form")).to_be_visible()
    expect(phone.locator("#pain-3")).to_be_checked()
    expect(phone.locator("#log-status")).to_have_text("Saved on this phone, will sync")
    audit(phone, "05-today-offline")
    assert PainLog.objects.count() == 0

    phone.context.set_offline(False)
    expect(phone.locator("#sync")).to_have_text("All logs synced", timeout=15_000)
    expect(phone.locator("#log-status")).to_contain_text("Synced")
    phone.reload()
    expect(phone.locator("#sync")).to_have_text("")
    log = PainLog.objects.get()
    assert (log.pain, log.locations) == (3, ["lower_back"])


def test_the_manifest_and_service_worker_make_it_installable(live_server, playwright, tmp_path):
    # A profile on disk: Chrome never offers to install from an incognito (throwaway) context.
    context = playwright.chromium.launch_persistent_context(tmp_path / "profile", **LAUNCH, **PHONE)
    phone = context.pages[0]
    sign_up(phone, live_server.url)
    manifest = phone.request.get(f"{live_server.url}/manifest.webmanifest").json()
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    assert {i["sizes"] for i in manifest["icons"]} == {"192x192", "512x512"}
    assert any(i["purpose"] == "maskable" for i in manifest["icons"])
    sw = phone.request.get(f"{live_server.url}/sw.js")
    assert sw.headers["content-type"].startswith("text/javascript")
    assert "no-cache" in sw.headers["cache-control"]
    assert "unsafe-inline" not in sw.headers["content-security-policy"]
    phone.goto(f"{live_server.url}/")
    phone.wait_for_function("navigator.serviceWorker.controller !== null")
    cdp = phone.context.new_cdp_session(phone)
    assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    scope = phone.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == f"{live_server.url}/"
    context.close()


STUB_PUSH = """
(() => {
  const subscription = %s;
  let held = null;
  const wrap = (json) => ({endpoint: json.endpoint, expirationTime: null, toJSON: () => json,
                           unsubscribe: async () => { held = null; return true; }});
  PushManager.prototype.subscribe = async function () { held = wrap(subscription); return held; };
  PushManager.prototype.getSubscription = async function () { return held; };
})();
"""


def test_push_subscribes_after_a_tap_and_shows_a_notification(live_server, browser, push):
    subscription = push.subscribe()
    context = browser.new_context(**PHONE)
    context.grant_permissions(["notifications"], origin=live_server.url)
    context.add_init_script(STUB_PUSH % json.dumps(subscription.to_json()))
    page = context.new_page()
    sign_up(page, live_server.url)
    page.goto(f"{live_server.url}/settings/")
    expect(page.locator("#push-state")).to_contain_text("Off")
    assert not PushSubscription.objects.exists()  # nothing before the tap
    audit(page, "06-settings")
    page.get_by_role("button", name="Turn on notifications").click()
    expect(page.locator("#push-state")).to_contain_text("On")
    assert PushSubscription.objects.get().endpoint == subscription.endpoint

    page.evaluate("navigator.serviceWorker.ready.then(() => true)")  # its worker is active
    cdp = context.new_cdp_session(page)
    registrations = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda e: registrations.extend(e["registrations"]))
    cdp.send("ServiceWorker.enable")
    for _ in range(50):  # the events come in their own time (a loaded machine: seconds)
        ours = [r for r in registrations if r["scopeURL"] == f"{live_server.url}/" and not r["isDeleted"]]
        if ours:
            break
        page.wait_for_timeout(100)
    registration = ours[-1]  # the latest word on it
    # A tag, as the app's pushes carry one: a push delivered twice replaces its notification.
    message = {"title": "See a doctor about your back", "body": "Pain spreading to a leg.", "url": "/?alert=1",
               "tag": "alert-1"}  # fmt: skip
    shown = []
    # DevTools' delivery to a worker that is still starting was seen lost once on a loaded machine
    # (nothing shown in 10 s): it is sent again, up to three times, each given 5 s.
    for _ in range(3):
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {"origin": live_server.url, "registrationId": registration["registrationId"], "data": json.dumps(message)},
        )
        for _ in range(50):
            shown = page.evaluate(
                "navigator.serviceWorker.ready.then(r => r.getNotifications())"
                ".then(list => list.map(n => ({title: n.title, body: n.body, url: n.data.url})))"
            )
            if shown:
                break
            page.wait_for_timeout(100)
        if shown:
            break
    assert shown == [{"title": message["title"], "body": message["body"], "url": "/?alert=1"}]

    # Each start sends the subscription again (endpoints rotate): still one row, refreshed.
    page.goto(f"{live_server.url}/")
    page.wait_for_load_state("networkidle")
    assert PushSubscription.objects.count() == 1
    context.close()


def test_a_signed_out_visitor_is_sent_to_sign_in(live_server, phone):
    UserFactory(username="existing")
    phone.goto(f"{live_server.url}/plan/")
    phone.wait_for_url("**/signin/?next=/plan/")
    audit(phone, "00-sign-in")
    phone.fill("#username", "existing")
    phone.fill("#password", "wrong")
    phone.get_by_role("button", name="Sign in").click()
    expect(phone.locator("#signin-error")).to_contain_text("Unable to log in")


def sign_in(page, base, username, next_path="/"):
    page.goto(f"{base}/signin/?next={next_path}")
    page.fill("#username", username)
    page.fill("#password", "correct horse battery staple")
    with page.expect_response(lambda r: r.url.endswith("/api/v1/auth/session/")) as signed_in:
        page.get_by_role("button", name="Sign in").click()
    assert signed_in.value.status == 200
    page.wait_for_url(f"{base}{next_path}")


def test_plan_history_alerts_and_settings(live_server, phone):
    base = live_server.url
    user = UserFactory(username="maya")
    workout = WorkoutFactory(owner=user, title="Pull day", performed_on=user.local_today() - datetime.timedelta(days=2))
    ExerciseFactory(workout=workout, name="Bent-over row", load_kg=60)
    PainLogFactory(workout=workout, pain=4)
    PainLogFactory(workout=workout, logged_on=workout.performed_on + datetime.timedelta(days=1), pain=5)
    PainLogFactory(workout=workout, logged_on=user.local_today(), pain=5, radiates_to_legs=True)
    alert = AlertFactory(workout=workout)
    sign_in(phone, base, "maya", "/plan/")

    plan = phone.locator("#plans .card")
    expect(plan).to_contain_text("Day 2 after Pull day")
    expect(plan).to_contain_text("See a doctor or physiotherapist")
    audit(phone, "07-plan")

    phone.get_by_role("link", name="History").click()
    chart = phone.locator("svg.chart")
    expect(chart).to_be_visible()
    assert chart.get_attribute("aria-label").endswith("day 0: 4, day 1: 5, day 2: 5")
    expect(phone.locator("#workouts")).to_contain_text("Bent-over row 60 kg")
    audit(phone, "08-history")

    phone.get_by_role("link", name="Alerts").click()
    expect(phone.locator("#current")).to_contain_text("See a doctor or physiotherapist")
    expect(phone.locator("#emergency")).to_be_hidden()
    expect(phone.locator("#alert-list")).to_contain_text("Pain spreading to the legs or buttocks")
    audit(phone, "09-alerts")
    phone.get_by_role("button", name="Got it").click()
    expect(phone.locator("#alert-list")).to_contain_text("Acknowledged")
    alert.refresh_from_db()
    assert alert.acknowledged_at is not None

    phone.get_by_role("link", name="Settings").click()
    phone.select_option("#tz", "Europe/Berlin")
    phone.fill("#reminder_time", "07:30")
    phone.fill("#quiet_hours_start", "22:00")
    phone.fill("#quiet_hours_end", "07:00")
    phone.get_by_role("button", name="Save", exact=True).click()
    expect(phone.locator("#profile-status")).to_have_text("Saved")
    user.refresh_from_db()
    assert (user.timezone, str(user.reminder_time), str(user.quiet_hours_start)) == (
        "Europe/Berlin",
        "07:30:00",
        "22:00:00",
    )
    # The care team: a wrong code is refused in words, the physiotherapist's code links them.
    physio = PhysioFactory(username="dr_lee")
    invitation = create_invitation(physio)
    phone.fill("#code", "WRONG123")
    phone.get_by_role("button", name="Link physiotherapist").click()
    expect(phone.locator("#care-error")).to_contain_text("unknown, used or expired")
    phone.fill("#code", invitation.code.lower())
    phone.get_by_role("button", name="Link physiotherapist").click()
    expect(phone.locator("#care-team")).to_contain_text("dr_lee")
    link = CareLink.objects.get(patient=user, physio=physio, revoked_at=None)
    # Who looked: the physiotherapist's read shows once the page loads again.
    record_reads(physio, [user.pk], Access.PATIENT_PAGE, f"/clinic/patients/{user.pk}/")
    phone.reload()
    expect(phone.locator("#access-log")).to_contain_text("dr_lee: patient page")
    # The export downloads (JSON and FHIR).
    with phone.expect_download() as download:
        phone.get_by_role("button", name="Download my data (JSON)").click()
    assert json.loads(Path(download.value.path()).read_text())["workouts"][0]["title"] == "Pull day"
    with phone.expect_download() as download:
        phone.get_by_role("button", name="Download for a clinic (FHIR)").click()
    assert json.loads(Path(download.value.path()).read_text())["resourceType"] == "Bundle"
    audit(phone, "10-settings")
    phone.get_by_role("button", name="Remove dr_lee from your care team").click()
    expect(phone.locator("#care-team")).to_contain_text("No one is linked.")
    link.refresh_from_db()
    assert link.revoked_at is not None

    phone.get_by_role("button", name="Delete my account").click()
    expect(phone.locator("#delete-error")).to_contain_text("Tick the box first")
    phone.get_by_text("I understand, delete everything").click()
    phone.get_by_role("button", name="Delete my account").click()
    phone.wait_for_url("**/signup/")
    assert not User.objects.filter(username="maya").exists()
    assert not Workout.objects.exists()


def test_a_signed_out_replay_stays_queued_and_a_refused_log_is_not_retried(live_server, phone):
    base = live_server.url
    sign_up(phone, base)
    log_workout(phone)
    phone.context.set_offline(True)
    phone.locator("label[for=pain-2]").click()
    phone.get_by_role("button", name="Save today's log").click()
    expect(phone.locator("#log-status")).to_have_text("Saved on this phone, will sync")
    Session.objects.all().delete()  # the session expires while the phone is offline

    phone.context.set_offline(False)
    expect(phone.locator("#banner")).to_contain_text("You are signed out. Your logs stay on this phone")
    assert phone.evaluate("ReboundOutbox.all().then(e => e.map(x => x.state))") == ["auth"]
    assert PainLog.objects.count() == 0
    audit(phone, "11-signed-out")

    phone.get_by_role("link", name="Sign in").click()
    phone.fill("#username", "walt")
    phone.fill("#password", PASSWORD)
    phone.get_by_role("button", name="Sign in").click()
    phone.wait_for_url(f"{base}/?workout=*")  # back where the person was
    expect(phone.locator("#sync")).to_have_text("All logs synced")
    assert PainLog.objects.get().pain == 2

    # A log the server refuses (400) is shown and kept, never sent again as it is.
    puts = []
    phone.on("request", lambda r: puts.append(r.url) if r.method == "PUT" else None)
    workout = Workout.objects.get()
    phone.evaluate(
        """w => ReboundOutbox.put({key: w + "/2000-01-01", workout: w, body_day: "2000-01-01", state: "pending",
           savedAt: 1, url: "/api/v1/workouts/" + w + "/logs/2000-01-01/", body: {pain: 4}, csrf: ""})""",
        str(workout.id),
    )
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    expect(phone.locator("#banner")).to_contain_text("was refused")
    audit(phone, "12-refused-log")
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    phone.reload()
    expect(phone.locator("#banner")).to_contain_text("was refused")
    assert len(puts) == 1
    assert PainLog.objects.count() == 1


def test_every_screen_fits_320_px_and_200_percent_text_with_44_px_targets(live_server, browser):
    user = UserFactory(username="sam")
    workout = WorkoutFactory(owner=user)
    PainLogFactory(workout=workout, pain=5, radiates_to_legs=True)
    context = browser.new_context(**{**PHONE, "viewport": {"width": 320, "height": 640}})
    page = context.new_page()
    sign_in(page, live_server.url, "sam")
    for path in ("/", "/workouts/new/", "/plan/", "/alerts/", "/history/", "/settings/"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        for scale in ("100%", "200%"):
            page.evaluate("s => { document.documentElement.style.fontSize = s; }", scale)
            overflow = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} at {scale} text scrolls sideways by {overflow} px"
        page.evaluate("document.documentElement.style.fontSize = ''")
        small = page.evaluate(
            """[...document.querySelectorAll('button, .button, select, input:not([type=checkbox]):not([type=radio]),'
                + ' .chips label, .scale label, nav a')]
               .filter(e => e.offsetParent !== null)
               .map(e => [e.textContent.trim() || e.id, e.getBoundingClientRect().height])
               .filter(([, h]) => h < 44)"""
        )
        assert small == [], f"{path}: tap targets under 44 px: {small}"
        assert page.url == f"{live_server.url}{path}", "signed in, on the screen itself"
        if path == "/":
            page.screenshot(path=str(ARTIFACTS / "13-today-320px.png"))
    context.close()
