"""A linked patient's new see_doctor or emergency alert reaches each of their physiotherapists.

Clinic's answer to recovery's announcement (recovery.signals.alerts_raised), written in the
transaction that records the alerts, as notifications' own answer to the patient is: one
`Notification` per (alert, physiotherapist), unique per recipient and key, so a replay of the
announcement, a retried task or the sweep never tells anyone twice. Notifications delivers them:
the feed, Web Push, and e-mail (alert notifications of these urgencies go by e-mail too).
Only links active when the alert is recorded count: a revoked physiotherapist hears nothing.
"""

from django.utils import timezone

from clinic.access import care_team_links
from config.sql import insert_ignoring_conflicts
from notifications.alerts import FIELDS, alert_due
from notifications.content import ALERT_URGENCY, short
from notifications.models import Kind, Notification
from recovery.levels import Level

TITLE_MAX = 120
PHYSIO_TITLES = {Level.EMERGENCY: "emergency sign", Level.SEE_DOCTOR: "needs a check"}


def patient_page(patient_id):
    return f"/clinic/patients/{patient_id}/"


def physio_message(level, reason, message, username, performed_on):
    """(title, body) of a patient's alert, as their physiotherapist reads it."""
    title = short(f"{username}: {PHYSIO_TITLES[Level(level)]}", TITLE_MAX)
    body = f"{username}, after the workout of {performed_on:%a %d %b %Y} ({reason}): {message}"
    return title, body


def notify_physios(alerts, now=None):
    """Insert the physiotherapists' notifications of these alerts ([RaisedAlert], as recovery
    announces them), ignoring those that exist; return the new ids. Two queries for any number
    of alerts, patients and physiotherapists; none when no alert is for them.

    An emergency is due at once; a see_doctor alert when the physiotherapist's quiet hours end.
    """
    now = now or timezone.now()
    alerts = [alert for alert in alerts if alert.level >= Level.SEE_DOCTOR]
    if not alerts:
        return []
    team_of = {}
    links = care_team_links({alert.owner_id for alert in alerts}).values_list(
        "patient_id", "patient__username", "physio_id", "physio__timezone", "physio__quiet_hours_start",
        "physio__quiet_hours_end",
    )  # fmt: skip
    for patient_id, username, *physio in links:
        team_of.setdefault(patient_id, (username, []))[1].append(physio)
    rows = []
    for pk, patient_id, performed_on, level, reason, message in alerts:
        if patient_id not in team_of:  # most patients have no physiotherapist
            continue
        username, physios = team_of[patient_id]
        title, body = physio_message(level, reason, message, username, performed_on)
        urgency = ALERT_URGENCY[Level(level)]
        for physio_id, tz, quiet_start, quiet_end in physios:
            deliver_at = alert_due(level, now, tz, quiet_start, quiet_end)
            rows.append(
                (physio_id, Kind.ALERT, f"alert:{pk}", pk, title, body, patient_page(patient_id), urgency, now,
                 deliver_at)
            )  # fmt: skip
    return insert_ignoring_conflicts(Notification, FIELDS, rows, conflict=("recipient", "key"))
