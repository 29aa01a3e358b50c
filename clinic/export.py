"""A record (clinic.records.patient_record) as CSV or as an HL7 FHIR R4 Bundle. Pure: plain data in.

CSV: one file a spreadsheet opens as it is (UTF-8 with a byte-order mark), one row per pain log
carrying its workout, then the workout's alerts; a workout with no log yet gets a row of its
own. Times are the patient's local time with its offset, yes/no for the signs, and no cell can
start a formula.

FHIR: a Bundle of type collection holding the Patient, an Observation per log (LOINC 72514-3,
pain severity 0-10, the signs as components), a Flag per alert (active until resolved) and a
CarePlan per open recovery episode (today's steps). Every resource has a stable id derived from
its row, and every fullUrl is that id as urn:uuid, so exporting twice gives the same references.
"""

import csv
import datetime
import io
import uuid
import zoneinfo

from clinic.records import SIGNS

LOINC = "http://loinc.org"
PAIN_SEVERITY = {
    "system": LOINC,
    "code": "72514-3",
    "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
}
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category"
# Rebound's own codes: the reason an alert was raised, a plan step, a sign on a log.
USER_ID_SYSTEM = "urn:rebound:user"
REASON_SYSTEM = "urn:rebound:codesystem:reason"
PLAN_STEP_SYSTEM = "urn:rebound:codesystem:plan-step"
SIGN_SYSTEM = "urn:rebound:codesystem:sign"
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:rebound")

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# -- shared ---------------------------------------------------------------------------------


def _local(moment, tz):
    return moment.astimezone(tz).isoformat(timespec="seconds") if moment else ""


# -- CSV ------------------------------------------------------------------------------------

CSV_COLUMNS = [
    "row", "date", "day", "workout_date", "workout_title", "intensity", "warmed_up", "cooled_down", "exercises",
    "pain", "quality", "locations", *(name for name, _ in SIGNS), "notes",
    "alert_reason", "alert_level", "alert_message", "alert_raised_at", "alert_resolved_at", "alert_resolved_by",
    "alert_resolution_note",
]  # fmt: skip


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value  # a spreadsheet shows it as text instead of running it
    return value


def _exercises(workout):
    parts = []
    for e in workout["exercises"]:
        load = f" {e['load_kg'].normalize():f} kg" if e["load_kg"] is not None else ""
        volume = f" {e['sets'] or '?'}x{e['reps'] or '?'}" if e["sets"] or e["reps"] else ""
        parts.append(f"{e['name']}{load}{volume}")
    return "; ".join(parts)


def _workout_cells(workout):
    return {
        "workout_date": workout["performed_on"].isoformat(),
        "workout_title": workout["title"],
        "intensity": workout["intensity"],
        "warmed_up": workout["warmed_up"],
        "cooled_down": workout["cooled_down"],
        "exercises": _exercises(workout),
    }


def to_csv(record):
    tz = zoneinfo.ZoneInfo(record["patient"]["timezone"])
    alerts_of = {}
    for alert in record["alerts"]:
        alerts_of.setdefault(alert["workout"], []).append(alert)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for workout in record["workouts"]:
        cells = _workout_cells(workout)
        if not workout["logs"]:
            writer.writerow({"row": "workout", "date": workout["performed_on"].isoformat(), "day": 0, **cells})
        for log in workout["logs"]:
            row = {
                "row": "log",
                "date": log["logged_on"].isoformat(),
                "day": log["day"],
                **cells,
                "pain": log["pain"],
                "quality": log["quality"],
                "locations": ", ".join(log["locations"]),
                **{name: log[name] for name, _ in SIGNS},
                "notes": log["notes"],
            }
            writer.writerow({key: _cell(value) for key, value in row.items()})
        for alert in alerts_of.get(workout["id"], []):
            raised = alert["created_at"].astimezone(tz)
            row = {
                "row": "alert",
                "date": raised.date().isoformat(),
                "day": (raised.date() - workout["performed_on"]).days,
                **cells,
                "alert_reason": alert["reason"],
                "alert_level": alert["level"],
                "alert_message": alert["message"],
                "alert_raised_at": _local(alert["created_at"], tz),
                "alert_resolved_at": _local(alert["resolved_at"], tz),
                "alert_resolved_by": alert["resolved_by"],
                "alert_resolution_note": alert["resolution_note"],
            }
            writer.writerow({key: _cell(value) for key, value in row.items()})
    return out.getvalue()


# -- FHIR R4 --------------------------------------------------------------------------------


def stable_id(kind, key):
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))


def _entry(resource):
    return {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}


def _concept(system, code, display, text=None):
    return {"coding": [{"system": system, "code": code, "display": display}], "text": text or display}


def _patient(patient):
    resource = {
        "resourceType": "Patient",
        "id": stable_id("patient", patient["id"]),
        "identifier": [{"system": USER_ID_SYSTEM, "value": str(patient["id"])}],
        "name": [{"text": patient["name"] or patient["username"]}],
    }
    if patient["email"]:
        resource["telecom"] = [{"system": "email", "value": patient["email"]}]
    return resource


def effective(log, tz):
    """When the pain was as reported: the moment of the last save if it fell on the log's own local
    day, otherwise (a day filled in later) noon of that day. Local time, with its offset."""
    saved = log["updated_at"].astimezone(tz)
    if saved.date() != log["logged_on"]:
        saved = datetime.datetime.combine(log["logged_on"], datetime.time(12), tzinfo=tz)
    return saved.isoformat(timespec="seconds")


def _observation(log, workout, subject, tz):
    components = [{"code": _concept(SIGN_SYSTEM, name, label), "valueBoolean": log[name]} for name, label in SIGNS]
    if log["quality"]:
        components.append({"code": _concept(SIGN_SYSTEM, "quality", "quality"), "valueString": log["quality"]})
    if log["locations"]:
        components.append(
            {"code": _concept(SIGN_SYSTEM, "locations", "locations"), "valueString": ", ".join(log["locations"])}
        )
    workout_name = f"{workout['title'] or 'workout'} on {workout['performed_on'].isoformat()}"
    notes = [{"text": f"Day {log['day']} after {workout_name}."}]
    if log["notes"]:
        notes.append({"text": log["notes"]})
    return {
        "resourceType": "Observation",
        "id": str(log["id"]),
        "status": "final",
        "category": [_concept(OBSERVATION_CATEGORY, "survey", "Survey")],
        "code": {"coding": [PAIN_SEVERITY], "text": "Pain severity (0-10)"},
        "subject": subject,
        "effectiveDateTime": effective(log, tz),
        "issued": log["updated_at"].isoformat(timespec="seconds"),
        "valueInteger": log["pain"],
        "note": notes,
        "component": components,
    }


def _flag(alert, subject, tz):
    period = {"start": _local(alert["created_at"], tz)}
    if alert["resolved_at"]:
        period["end"] = _local(alert["resolved_at"], tz)
    reason = alert["reason"]
    return {
        "resourceType": "Flag",
        "id": stable_id("alert", alert["id"]),
        "status": "inactive" if alert["resolved_at"] else "active",
        "category": [_concept(FLAG_CATEGORY, "clinical", "Clinical")],
        "code": _concept(REASON_SYSTEM, reason, reason.replace("_", " "), f"{alert['level']}: {alert['message']}"),
        "subject": subject,
        "period": period,
    }


def _care_plan(workout, alerts, subject):
    recovery = workout["recovery"]
    plan = recovery["plan"]
    resource = {
        "resourceType": "CarePlan",
        "id": stable_id("careplan", workout["id"]),
        "status": "active",
        "intent": "plan",
        "title": f"Back recovery after {workout['title'] or 'the workout'} of {workout['performed_on'].isoformat()}",
        "description": f"Day {plan['day']} of the recovery plan; level {recovery['level']}. {recovery['message']}",
        "subject": subject,
        "period": {"start": (recovery["episode_opened_on"] or workout["performed_on"]).isoformat()},
        "activity": [
            {
                "detail": {
                    "code": _concept(PLAN_STEP_SYSTEM, step["code"], step["title"]),
                    "status": "in-progress",
                    "description": step["detail"],
                }
            }
            for step in plan["steps"]
        ],
    }
    flags = [{"reference": f"urn:uuid:{stable_id('alert', a['id'])}"} for a in alerts]
    if flags:
        resource["supportingInfo"] = flags
    return resource


def to_fhir(record):
    tz = zoneinfo.ZoneInfo(record["patient"]["timezone"])
    patient = _patient(record["patient"])
    subject = {"reference": f"urn:uuid:{patient['id']}"}
    resources = [patient]
    for workout in record["workouts"]:
        resources += [_observation(log, workout, subject, tz) for log in workout["logs"]]
    resources += [_flag(alert, subject, tz) for alert in record["alerts"]]
    alerts_of = {}
    for alert in record["alerts"]:
        alerts_of.setdefault(alert["workout"], []).append(alert)
    resources += [
        _care_plan(w, alerts_of.get(w["id"], []), subject) for w in record["workouts"] if w["recovery"]["open"]
    ]
    exported_at = record["exported_at"]
    return {
        "resourceType": "Bundle",
        "id": stable_id("bundle", f"{record['patient']['id']}:{exported_at.isoformat()}"),
        "type": "collection",
        "timestamp": exported_at.isoformat(timespec="seconds"),
        "entry": [_entry(resource) for resource in resources],
    }
