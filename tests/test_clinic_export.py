"""Exports: a person's own (/me/export/) and a linked patient's for the physiotherapist, as JSON,
CSV and an HL7 FHIR R4 Bundle validated with fhir.resources' R4B models."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from clinic import export
from clinic.models import AccessLogEntry, ClinicalNote
from clinic.records import SIGNS
from clinic.services import resolve_alert
from recovery.levels import Reason
from tests import clinic_helpers
from tests.conftest import NOW, client_for
from tests.factories import AlertFactory, ExerciseFactory, PainLogFactory, WorkoutFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]
care_link, personas = clinic_helpers.care_link, clinic_helpers.personas
revoked_physio, unlinked_physio = clinic_helpers.revoked_physio, clinic_helpers.unlinked_physio
OFFSET = re.compile(r"T\d\d:\d\d:\d\d([+-]\d\d:\d\d|Z)$")


@pytest.fixture
def record_of_every_kind(patient, physio):
    """Alice in Berlin: a workout with a log for each sign, quality and location, and an alert of every
    reason (some resolved); a workout with no log yet."""
    patient.timezone, patient.first_name, patient.last_name = "Europe/Berlin", "Alice", "Ng"
    patient.save()
    today = patient.local_today()
    workout = WorkoutFactory(
        owner=patient, performed_on=today - datetime.timedelta(days=len(SIGNS)), title="=HYPERLINK"
    )
    ExerciseFactory(workout=workout, name="Deadlift", load_kg=Decimal("102.50"), sets=3, reps=5)
    ExerciseFactory(workout=workout, name="Plank", load_kg=None, sets=None, reps=None)
    for day, (sign, _) in enumerate(SIGNS):
        PainLogFactory(
            workout=workout,
            logged_on=workout.performed_on + datetime.timedelta(days=day),
            pain=min(day + 1, 10),
            quality=["ache", "stiffness", "sharp", "shooting"][day % 4],
            locations=["lower_back", "leg"] if day % 2 else [],
            notes="-1 felt odd" if day == 0 else "",
            **{sign: True},
        )
    PainLogFactory(workout=workout, logged_on=today, pain=0)
    WorkoutFactory(owner=patient, performed_on=today, title="")
    alerts = [
        AlertFactory(workout=workout, reason=reason.value, level=int(reason.level), message=f"{reason} message")
        for reason in Reason
    ]
    resolve_alert(alerts[0], physio, "Seen in clinic.")
    ClinicalNote.objects.create(patient=patient, author=physio, author_name="dr_carol", text="Hip hinge drills.")
    return patient


def bundle_of(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/fhir+json")
    return response.json()


def validate_r4b(bundle):
    """The Bundle and each resource as its own R4B model (the models check structure, not codes)."""
    Bundle.model_validate(bundle)
    for entry in bundle["entry"]:
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def resources(bundle, kind):
    return [entry["resource"] for entry in bundle["entry"] if entry["resource"]["resourceType"] == kind]


def test_the_fhir_export_of_every_kind_of_log_and_alert_validates_and_codes_right(
    personas, record_of_every_kind, care_link
):
    patient = record_of_every_kind
    bundle = bundle_of(personas["linked_physio"].get(f"/api/v1/clinic/patients/{patient.pk}/export/?format=fhir"))
    validate_r4b(bundle)
    assert bundle["type"] == "collection"
    full_urls = [entry["fullUrl"] for entry in bundle["entry"]]
    assert len(set(full_urls)) == len(full_urls)
    assert all(
        url == f"urn:uuid:{entry['resource']['id']}" for url, entry in zip(full_urls, bundle["entry"], strict=True)
    )

    (fhir_patient,) = resources(bundle, "Patient")
    assert fhir_patient["name"] == [{"text": "Alice Ng"}]
    subject = {"reference": f"urn:uuid:{fhir_patient['id']}"}

    observations = resources(bundle, "Observation")
    assert len(observations) == len(SIGNS) + 1
    for observation in observations:
        assert observation["status"] == "final" and observation["subject"] == subject
        assert observation["category"][0]["coding"][0]["code"] == "survey"
        assert observation["code"]["coding"] == [
            {"system": "http://loinc.org", "code": "72514-3",
             "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported"}
        ]  # fmt: skip
        assert isinstance(observation["valueInteger"], int) and 0 <= observation["valueInteger"] <= 10
        assert OFFSET.search(observation["effectiveDateTime"]), observation["effectiveDateTime"]
        assert observation["effectiveDateTime"].endswith("+01:00")  # Berlin in November
    signs_present = {
        c["code"]["coding"][0]["code"] for o in observations for c in o["component"] if c.get("valueBoolean")
    }
    assert signs_present == {name for name, _ in SIGNS}
    assert sorted(o["valueInteger"] for o in observations) == sorted([0, *(min(d + 1, 10) for d in range(10))])

    flags = resources(bundle, "Flag")
    assert len(flags) == len(Reason)
    assert sorted(f["status"] for f in flags) == ["active"] * (len(Reason) - 1) + ["inactive"]
    assert {f["code"]["coding"][0]["code"] for f in flags} == {reason.value for reason in Reason}
    (resolved,) = [f for f in flags if f["status"] == "inactive"]
    assert OFFSET.search(resolved["period"]["start"]) and OFFSET.search(resolved["period"]["end"])
    assert all(f["subject"] == subject for f in flags)

    (plan,) = resources(bundle, "CarePlan")
    assert plan["status"] == "active" and plan["intent"] == "plan" and plan["activity"]
    references = {ref["reference"] for ref in plan["supportingInfo"]} | {subject["reference"]}
    assert references <= set(full_urls)


def test_fhir_ids_are_stable_between_exports(personas, record_of_every_kind, care_link):
    url = f"/api/v1/clinic/patients/{record_of_every_kind.pk}/export/?format=fhir"
    first, second = (bundle_of(personas["linked_physio"].get(url)) for _ in range(2))
    assert [e["fullUrl"] for e in first["entry"]] == [e["fullUrl"] for e in second["entry"]]


def test_the_csv_export_reads_in_a_spreadsheet(personas, record_of_every_kind, care_link):
    response = personas["linked_physio"].get(f"/api/v1/clinic/patients/{record_of_every_kind.pk}/export/?format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert (
        response["Content-Disposition"].startswith("attachment; filename=")
        and ".csv" in response["Content-Disposition"]
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    kinds = [row["row"] for row in rows]
    assert kinds.count("log") == len(SIGNS) + 1 and kinds.count("alert") == len(Reason) and kinds.count("workout") == 1
    first = rows[0]
    assert first["workout_title"] == "'=HYPERLINK" and first["notes"] == "'-1 felt odd"
    assert first["exercises"] == "Deadlift 102.5 kg 3x5; Plank"
    assert first["radiates_to_legs"] == "yes" and first["both_legs"] == "no"
    resolved = next(row for row in rows if row["alert_resolved_by"])
    assert resolved["alert_resolved_by"] == "dr_carol" and resolved["alert_resolved_at"].endswith("+01:00")


@pytest.mark.parametrize(
    ("query", "what"), [("", "export_json"), ("?format=csv", "export_csv"), ("?format=fhir", "export_fhir")]
)
def test_each_physio_export_is_in_the_patients_access_log(personas, patient, care_link, query, what):
    response = personas["linked_physio"].get(f"/api/v1/clinic/patients/{patient.pk}/export/{query}")
    assert response.status_code == 200
    entry = AccessLogEntry.objects.get()
    assert (entry.patient, entry.physio_username, entry.what) == (patient, "dr_carol", what)
    log = personas["patient"].get("/api/v1/me/access-log/").json()["results"]
    assert [(row["physio"], row["what"]) for row in log] == [("dr_carol", what)]


def test_the_physios_json_export_has_the_notes_and_not_the_care_team(personas, record_of_every_kind, care_link):
    body = personas["linked_physio"].get(f"/api/v1/clinic/patients/{record_of_every_kind.pk}/export/").json()
    assert body["clinical_notes"][0]["text"] == "Hip hinge drills."
    assert "care_team" not in body and "access_log" not in body
    assert body["workouts"][0]["exercises"][0]["load_kg"] in (102.5, "102.50")


@pytest.mark.parametrize("who", ["patient", "other_patient", "unlinked_physio", "revoked_physio"])
def test_no_one_else_exports_the_patient(personas, patient, who):
    for query in ("", "?format=csv", "?format=fhir"):
        response = personas[who].get(f"/api/v1/clinic/patients/{patient.pk}/export/{query}")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
    assert not AccessLogEntry.objects.exists()


def test_anonymous_exports_nothing(personas, patient):
    assert personas["anonymous"].get(f"/api/v1/clinic/patients/{patient.pk}/export/").status_code == 401
    assert personas["anonymous"].get("/api/v1/me/export/").status_code == 401


def test_an_unknown_format_is_a_400_naming_it_and_logs_nothing(personas, patient):
    for url in (f"/api/v1/clinic/patients/{patient.pk}/export/?format=xml", "/api/v1/me/export/?format=pdf"):
        response = personas["linked_physio"].get(url)
        assert response.status_code == 400 and list(response.json()) == ["format"]
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize("query", ["?format=csv", "?format=fhir"])
def test_options_and_errors_are_json_whatever_the_format(personas, query):
    assert personas["patient"].options(f"/api/v1/me/export/{query}")["Content-Type"] == "application/json"
    response = personas["patient"].post(f"/api/v1/me/export/{query}", {}, format="json")
    assert response.status_code == 405 and response["Content-Type"] == "application/json"


# -- the person's own export ---------------------------------------------------------------


def test_my_export_is_json_by_default_with_all_my_data(personas, record_of_every_kind, care_link):
    response = personas["patient"].get("/api/v1/me/export/")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    body = response.json()
    assert body["patient"]["username"] == "alice"
    assert len(body["workouts"]) == 2 and len(body["alerts"]) == len(Reason)
    assert sum(len(w["logs"]) for w in body["workouts"]) == len(SIGNS) + 1
    assert {row["physio"] for row in body["care_team"]} == {"dr_carol", "dr_eve"}
    assert "clinical_notes" not in body
    assert not AccessLogEntry.objects.exists()  # reading your own data is not an access to log


@pytest.mark.parametrize(
    ("query", "accept", "content_type"),
    [
        ("?format=fhir", "*/*", "application/fhir+json"),
        ("?format=fhir", "application/fhir+json", "application/fhir+json"),
        ("?format=fhir", "application/json", "application/fhir+json"),
        ("", "application/fhir+json", "application/fhir+json"),
        ("?format=csv", "*/*", "text/csv"),
        ("", "text/csv", "text/csv"),
        ("", "*/*", "application/json"),
        ("", "application/xml", "application/json"),
    ],
)
def test_my_export_format_by_query_or_accept(personas, record_of_every_kind, query, accept, content_type):
    response = personas["patient"].get(f"/api/v1/me/export/{query}", HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == content_type
    if content_type == "application/fhir+json":
        validate_r4b(response.json())


def test_my_export_reads_in_constant_queries(patient):
    api = client_for(patient)

    def queries_for_export():
        with CaptureQueriesContext(connection) as queries:
            assert api.get("/api/v1/me/export/?format=fhir").status_code == 200
        return len(queries)

    def workouts(days_ago):
        for days in days_ago:
            w = WorkoutFactory(owner=patient, performed_on=patient.local_today() - datetime.timedelta(days=days))
            ExerciseFactory(workout=w)
            PainLogFactory(workout=w, pain=5)
            AlertFactory(workout=w)

    workouts(range(1, 3))
    queries_for_export()  # the token's first use refreshes it
    few = queries_for_export()
    workouts(range(3, 13))
    assert queries_for_export() == few


# -- the pure functions ----------------------------------------------------------------------


def test_a_log_filled_in_on_a_later_day_is_effective_at_noon_of_its_own_day():
    tz = export.zoneinfo.ZoneInfo("America/New_York")
    log = {"logged_on": datetime.date(2026, 11, 20), "updated_at": NOW}
    assert export.effective(log, tz) == "2026-11-20T12:00:00-05:00"
    same_day = {"logged_on": datetime.date(2026, 11, 25), "updated_at": NOW}
    assert export.effective(same_day, tz) == "2026-11-25T07:00:00-05:00"
