"""The clinic's pages, persona by persona: patient, other patient, linked physiotherapist,
unlinked physiotherapist, revoked physiotherapist, anonymous."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from clinic.models import Access, AccessLogEntry, ClinicalNote
from recovery.models import Alert, Recovery
from tests.clinic_helpers import evaluated, link, many_linked_patients
from tests.conftest import TODAY
from tests.factories import PainLogFactory, PhysioFactory, WorkoutFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture
def record(patient, physio):
    """Alice, linked to dr_carol, with a see_doctor alert from a workout two days ago."""
    link(physio, patient)
    workout = WorkoutFactory(owner=patient, performed_on=TODAY.replace(day=23))
    PainLogFactory(workout=workout, logged_on=workout.performed_on, pain=4)
    PainLogFactory(workout=workout, logged_on=TODAY, pain=6, radiates_to_legs=True)
    evaluated(workout)
    return workout


@pytest.fixture
def personas(patient, other_patient, physio):
    unlinked = PhysioFactory(username="dr_unlinked")
    revoked = PhysioFactory(username="dr_revoked")
    link(revoked, patient)
    revoked.patient_links.update(revoked_at=timezone.now())
    return {
        "patient": patient,
        "other_patient": other_patient,
        "linked": physio,
        "unlinked": unlinked,
        "revoked": revoked,
        "anonymous": None,
    }


def client_of(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_the_dashboard_lists_linked_patients_only_to_physiotherapists(record, personas, patient):
    expected = {"patient": 404, "other_patient": 404, "linked": 200, "unlinked": 200, "revoked": 200}
    for name, user in personas.items():
        response = client_of(user).get("/clinic/")
        if user is None:
            assert response.status_code == 302 and response["Location"] == "/clinic/login/?next=/clinic/"
            continue
        assert response.status_code == expected[name], name
        if response.status_code == 200:
            assert (f"/clinic/patients/{patient.pk}/" in response.content.decode()) is (name == "linked"), name
    assert list(AccessLogEntry.objects.values_list("physio_username", "patient__username", "what")) == [
        ("dr_carol", "alice", Access.DASHBOARD)
    ]


def test_the_patient_page_is_the_linked_physiotherapists_only(record, personas, patient):
    url = f"/clinic/patients/{patient.pk}/"
    for name, user in personas.items():
        response = client_of(user).get(url)
        if user is None:
            assert response.status_code == 302 and response["Location"].startswith("/clinic/login/")
        else:
            assert response.status_code == (200 if name == "linked" else 404), name
    entry = AccessLogEntry.objects.get()
    assert (entry.physio_username, entry.patient, entry.what, entry.path) == (
        "dr_carol",
        patient,
        Access.PATIENT_PAGE,
        url,
    )


def test_revoking_the_link_cuts_access_in_the_next_request(record, physio, patient):
    client = client_of(physio)
    assert client.get(f"/clinic/patients/{patient.pk}/").status_code == 200
    patient.care_links.update(revoked_at=timezone.now())
    assert client.get(f"/clinic/patients/{patient.pk}/").status_code == 404
    assert "alice" not in client.get("/clinic/").content.decode()
    alert = Alert.objects.get()
    assert client.post(f"/clinic/patients/{patient.pk}/alerts/{alert.pk}/resolve/").status_code == 404


@pytest.mark.parametrize("action", ["acknowledge", "resolve"])
def test_only_the_linked_physiotherapist_can_acknowledge_or_resolve(record, personas, patient, action):
    alert = Alert.objects.get(workout=record)
    url = f"/clinic/patients/{patient.pk}/alerts/{alert.pk}/{action}/"
    for name, user in personas.items():
        if name == "linked":
            continue
        response = client_of(user).post(url, {"note": "x"})
        assert response.status_code == (302 if user is None else 404), name
    alert.refresh_from_db()
    assert alert.acknowledged_at is None and alert.resolved_at is None
    response = client_of(personas["linked"]).post(url, {"note": "Called; GP booked for Friday."})
    assert response.status_code == 302 and response["Location"] == f"/clinic/patients/{patient.pk}/"
    alert.refresh_from_db()
    assert alert.acknowledged_at is not None
    if action == "resolve":
        assert alert.resolved_at is not None and alert.resolved_by == personas["linked"]
        assert alert.resolution_note == "Called; GP booked for Friday."
        assert Recovery.objects.get(pk=record.pk).evaluation_due_at is not None  # its stored level follows


def test_a_note_too_long_is_refused_in_words_and_changes_nothing(record, physio, patient):
    alert = Alert.objects.get(workout=record)
    client = client_of(physio)
    response = client.post(f"/clinic/patients/{patient.pk}/alerts/{alert.pk}/resolve/", {"note": "x" * 2001})
    assert response.status_code == 400 and "Keep the note under 2000 characters." in response.content.decode()
    alert.refresh_from_db()
    assert alert.resolved_at is None and alert.resolution_note == ""
    response = client.post(f"/clinic/patients/{patient.pk}/notes/", {"text": "x" * 5001})
    assert response.status_code == 400 and "Keep the note under 5000 characters." in response.content.decode()
    assert not ClinicalNote.objects.exists()


def test_resolving_twice_keeps_the_first_resolution(record, physio, patient):
    alert = Alert.objects.get()
    url = f"/clinic/patients/{patient.pk}/alerts/{alert.pk}/resolve/"
    client = client_of(physio)
    client.post(url, {"note": "first"})
    client.post(url, {"note": "second"})
    alert.refresh_from_db()
    assert alert.resolution_note == "first"


def test_an_alert_of_another_patient_cannot_be_reached_through_a_linked_patients_url(record, physio, patient):
    stranger_alert = Alert.objects.create(workout=WorkoutFactory(), reason="severe_pain", level=1, message="m")
    response = client_of(physio).post(f"/clinic/patients/{patient.pk}/alerts/{stranger_alert.pk}/resolve/")
    assert response.status_code == 404
    stranger_alert.refresh_from_db()
    assert stranger_alert.resolved_at is None


def test_clinical_notes(record, personas, patient):
    url = f"/clinic/patients/{patient.pk}/notes/"
    for name, user in personas.items():
        if name != "linked":
            assert client_of(user).post(url, {"text": "x"}).status_code == (302 if user is None else 404), name
    client = client_of(personas["linked"])
    assert client.post(url, {"text": "  Hip hinge drills; review Monday.  "}).status_code == 302
    response = client.post(url, {"text": "   "})
    assert response.status_code == 400 and "Write the note before saving it." in response.content.decode()
    assert list(ClinicalNote.objects.values_list("text", "author_name")) == [
        ("Hip hinge drills; review Monday.", "dr_carol")
    ]
    assert "Hip hinge drills" in client.get(f"/clinic/patients/{patient.pk}/").content.decode()


def test_the_patient_page_shows_the_chart_logs_and_alerts(record, physio, patient):
    html = client_of(physio).get(f"/clinic/patients/{patient.pk}/").content.decode()
    assert 'role="img"' in html and 'class="flag"' in html  # day 2 raised radiating_pain
    assert "radiating pain" in html and "radiates to legs" in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_pages_carry_a_strict_csp_and_no_inline_script_or_style(record, physio, patient):
    client = client_of(physio)
    for url in ("/clinic/", f"/clinic/patients/{patient.pk}/", "/clinic/login/"):
        response = client.get(url) if url != "/clinic/login/" else Client().get(url)
        html = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)|<style|\sstyle=|\son[a-z]+=", html), url
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "base-uri 'none'" in policy and "unsafe-inline" not in policy


def test_the_list_refreshes_itself_with_the_rows_alone(record, physio):
    response = client_of(physio).get("/clinic/", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html and "alice" in html
    assert AccessLogEntry.objects.count() == 1  # a refresh is a read too


def test_session_login_leads_to_the_dashboard(physio):
    client = Client()
    response = client.post(
        "/clinic/login/", {"username": "dr_carol", "password": "correct horse battery staple"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/clinic/" and response.status_code == 200


def test_the_dashboard_page_runs_the_same_queries_for_10_and_500_patients(django_assert_num_queries):
    small, large = PhysioFactory(username="small"), PhysioFactory(username="large")
    many_linked_patients(small, 10, TODAY, prefix="s")
    many_linked_patients(large, 500, TODAY, prefix="l")
    small_client, large_client = client_of(small), client_of(large)
    # the session and the user, the dashboard's four queries, one access-log INSERT
    with django_assert_num_queries(7):
        small_client.get("/clinic/")
    with django_assert_num_queries(7):
        large_client.get("/clinic/")
    assert AccessLogEntry.objects.filter(physio=large).count() == 500
