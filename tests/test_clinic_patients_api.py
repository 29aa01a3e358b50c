"""GET /api/v1/clinic/patients/ and /{id}/, persona by persona."""

import datetime

import pytest
from django.utils import timezone

from clinic.models import Access, AccessLogEntry
from tests.clinic_helpers import evaluated, link
from tests.conftest import TODAY, client_for
from tests.factories import PainLogFactory, PhysioFactory, UserFactory, WorkoutFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture
def linked_record(patient, physio):
    link(physio, patient)
    workout = WorkoutFactory(owner=patient, performed_on=TODAY - datetime.timedelta(days=1), title="Leg day")
    PainLogFactory(workout=workout, logged_on=workout.performed_on, pain=3)
    PainLogFactory(workout=workout, logged_on=TODAY, pain=5, numbness_tingling=True)
    evaluated(workout)
    calm = UserFactory(username="calm")
    link(physio, calm)
    return workout


@pytest.fixture
def personas(patient, other_patient, physio):
    revoked = PhysioFactory(username="dr_revoked")
    link(revoked, patient)
    revoked.patient_links.update(revoked_at=timezone.now())
    return {
        "patient": patient,
        "other_patient": other_patient,
        "linked": physio,
        "unlinked": PhysioFactory(username="dr_unlinked"),
        "revoked": revoked,
        "anonymous": None,
    }


def test_patient_list_by_urgency(linked_record, physio, patient):
    response = client_for(physio).get("/api/v1/clinic/patients/")
    assert response.status_code == 200
    first, second = response.json()
    assert {k: first[k] for k in ("id", "username", "level", "open_alerts", "last_log_on", "last_pain")} == {
        "id": patient.pk,
        "username": "alice",
        "level": "see_doctor",
        "open_alerts": 1,
        "last_log_on": str(TODAY),
        "last_pain": 5,
    }
    assert first["open_alerts_by_level"] == {"see_doctor": 1} and first["day"] == 1
    assert first["pain_14_days"][-2:] == [3, 5]
    assert (second["username"], second["level"], second["last_log_on"]) == ("calm", "ok", None)
    assert sorted(AccessLogEntry.objects.values_list("patient__username", "what")) == [
        ("alice", Access.API_LIST),
        ("calm", Access.API_LIST),
    ]


def test_patient_detail(linked_record, physio, patient):
    response = client_for(physio).get(f"/api/v1/clinic/patients/{patient.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["username"]) == (patient.pk, "alice")
    (workout,) = body["workouts"]
    assert workout["id"] == str(linked_record.pk) and workout["level"] == "see_doctor" and workout["day"] == 1
    assert workout["reasons"] == ["numbness_tingling"]
    assert [(log["day"], log["pain"], log["signs"]) for log in workout["logs"]] == [
        (0, 3, []),
        (1, 5, ["numbness tingling"]),
    ]
    assert [(a["reason"], a["level"], a["resolved_at"]) for a in workout["alerts"]] == [
        ("numbness_tingling", "see_doctor", None)
    ]
    assert list(AccessLogEntry.objects.values_list("patient", "what", "path")) == [
        (patient.pk, Access.API_DETAIL, f"/api/v1/clinic/patients/{patient.pk}/")
    ]


def test_personas(linked_record, personas, patient):
    for name, user in personas.items():
        listing = client_for(user).get("/api/v1/clinic/patients/")
        detail = client_for(user).get(f"/api/v1/clinic/patients/{patient.pk}/")
        if user is None:
            assert (listing.status_code, detail.status_code) == (401, 401)
        elif not user.is_physio:
            assert (listing.status_code, detail.status_code) == (404, 404), name
        else:
            assert listing.status_code == 200, name
            assert ("alice" in [p["username"] for p in listing.json()]) is (name == "linked"), name
            assert detail.status_code == (200 if name == "linked" else 404), name
    assert set(AccessLogEntry.objects.values_list("physio_username", flat=True)) == {"dr_carol"}


def test_revocation_cuts_api_access_in_the_next_request(linked_record, physio, patient):
    client = client_for(physio)
    assert client.get(f"/api/v1/clinic/patients/{patient.pk}/").status_code == 200
    patient.care_links.update(revoked_at=timezone.now())
    assert client.get(f"/api/v1/clinic/patients/{patient.pk}/").status_code == 404
    assert [p["username"] for p in client.get("/api/v1/clinic/patients/").json()] == ["calm"]


def test_unknown_or_malformed_patient_id_is_404(physio, linked_record):
    client = client_for(physio)
    assert client.get("/api/v1/clinic/patients/999999/").status_code == 404
    assert client.get("/api/v1/clinic/patients/abc/").status_code == 404
