"""A person's record as plain data: what the exports (clinic.export) are made from.

One read, in a constant number of queries for any number of workouts, logs and alerts. The
record is also the JSON export as it is, so its keys are the API's names. Who may read whose
record is decided before this is called (clinic.access for a physiotherapist).
"""

from django.utils import timezone

from advice.services import recoveries
from clinic.models import AccessLogEntry, CareLink, ClinicalNote
from recovery.evaluation import assessable
from recovery.levels import Level
from recovery.models import Alert
from tracker.models import SIGN_FIELDS, Workout

# How the exports name each sign (tracker.models.SIGN_FIELDS, in its order).
SIGN_LABELS = {
    "radiates_to_legs": "pain spreads to the legs",
    "numbness_tingling": "numbness or tingling",
    "difficulty_standing": "difficulty standing",
    "difficulty_bending": "difficulty bending",
    "difficulty_walking": "difficulty walking",
    "worse_at_rest": "worse at rest",
    "bladder_bowel_change": "bladder or bowel change",
    "saddle_numbness": "saddle numbness",
    "leg_weakness": "leg weakness",
    "both_legs": "both legs",
}
SIGNS = tuple((name, SIGN_LABELS[name]) for name in SIGN_FIELDS)
LOG_FIELDS = ("id", "logged_on", "pain", "locations", "quality", *(name for name, _ in SIGNS), "notes",
              "created_at", "updated_at")  # fmt: skip
ALERT_FIELDS = ("id", "workout_id", "reason", "level", "message", "created_at", "acknowledged_at", "resolved_at",
                "resolved_by__username", "resolution_note")  # fmt: skip


def _workout(w, recovery):
    return {
        "id": w.pk,
        "performed_on": w.performed_on,
        "title": w.title,
        "intensity": w.intensity,
        "warmed_up": w.warmed_up,
        "cooled_down": w.cooled_down,
        "notes": w.notes,
        "exercises": [
            {"name": e.name, "load_kg": e.load_kg, "sets": e.sets, "reps": e.reps} for e in w.exercises.all()
        ],
        "recovery": {key: recovery[key] for key in ("day", "level", "reasons", "message", "open")}
        | {"episode_opened_on": recovery["episode_opened_on"], "episode_closed_on": recovery["episode_closed_on"]}
        | {"plan": recovery["plan"]},
        "logs": [
            {name: getattr(log, name) for name in LOG_FIELDS} | {"day": (log.logged_on - w.performed_on).days}
            for log in w.logs.all()
        ],
    }


def _alert(row):
    alert = dict(zip(ALERT_FIELDS, row, strict=True))
    alert["workout"] = alert.pop("workout_id")
    alert["resolved_by"] = alert.pop("resolved_by__username")
    alert["level"] = Level(alert["level"]).code
    return alert


def patient_record(patient, *, own=False, now=None):
    """The patient's record: profile, workouts with exercises, logs and where each recovery stands
    (level, reasons, today's plan), and alerts. `own`: the person's own export, which adds their
    care team and access log; a physiotherapist's adds the clinical notes instead."""
    now = now or timezone.now()
    today = patient.local_today(now)
    workouts = (
        Workout.objects.filter(owner=patient)
        .order_by("performed_on", "created_at")
        .prefetch_related("exercises", "logs")
    )
    states = {r["workout"]: r for r in recoveries(patient.pk, assessable(Workout.objects.filter(owner=patient)), today)}
    alerts = Alert.objects.filter(workout__owner=patient).order_by("created_at", "id").values_list(*ALERT_FIELDS)
    record = {
        "exported_at": now,
        "patient": {
            "id": patient.pk,
            "username": patient.username,
            "name": patient.get_full_name(),
            "email": patient.email,
            "timezone": patient.timezone,
        },
        "workouts": [_workout(w, states[w.pk]) for w in workouts],
        "alerts": [_alert(row) for row in alerts],
    }
    if own:
        record["care_team"] = [
            {"physio": username, "created_at": created_at, "revoked_at": revoked_at}
            for username, created_at, revoked_at in CareLink.objects.filter(patient=patient)
            .order_by("created_at", "id")
            .values_list("physio__username", "created_at", "revoked_at")
        ]
        record["access_log"] = [
            {"physio": username, "what": what, "path": path, "at": at}
            for username, what, path, at in AccessLogEntry.objects.filter(patient=patient)
            .order_by("-at", "-id")
            .values_list("physio_username", "what", "path", "at")
        ]
    else:
        record["clinical_notes"] = [
            {"author": author, "text": text, "created_at": created_at}
            for author, text, created_at in ClinicalNote.objects.filter(patient=patient)
            .order_by("created_at", "id")
            .values_list("author_name", "text", "created_at")
        ]
    return record
