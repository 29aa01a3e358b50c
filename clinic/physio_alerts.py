"""A linked patient's new see_doctor or emergency alert reaches each of their physiotherapists.

Clinic's answer to recovery's announcement (recovery.signals.alerts_raised), written in the
transaction that records the alerts, as notifications' own answer to the patient is: one
`Notification` per (alert, physiotherapist), unique per recipient and key, so a replay of the
announcement, a retried task or the sweep never tells anyone twice. Notifications delivers them:
the feed, Web Push, and e-mail (alert notifications of these urgencies go by e-mail too).
Only links active when the alert is recorded count: a revoked physiotherapist hears nothing.
"""

from django.utils import timezone

from clinic.access import active_care_links, care_team_links
from config.sql import insert_ignoring_conflicts
from notifications.alerts import FIELDS, alert_due
from notifications.content import ALERT_URGENCY, short
from notifications.models import Kind, Notification
from recovery.levels import Level
from recovery.models import Alert

TITLE_MAX = 120
PHYSIO_TITLES = {Level.EMERGENCY: "emergency sign", Level.SEE_DOCTOR: "needs a check"}


def patient_page(patient_id):
    return f"/clinic/patients/{patient_id}/"


def physio_message(level, reason, message, username, performed_on):
    """(title, body) of a patient's alert, as their physiotherapist reads it."""
    title = short(f"{username}: {PHYSIO_TITLES[Level(level)]}", TITLE_MAX)
    body = f"{username}, after the workout of {performed_on:%a %d %b %Y} ({reason}): {message}"
    return title, body


def notify_physios(alert_ids, now=None):
    """Insert the physiotherapists' notifications of these alerts, ignoring those that exist;
    return the new ids. Three queries for any number of alerts, patients and physiotherapists.

    An emergency is due at once; a see_doctor alert when the physiotherapist's quiet hours end.
    """
    now = now or timezone.now()
    ids = set(alert_ids)
    if not ids:
        return []
    # Only the alerts of patients with a care team: most patients have none, and a sweep raises
    # tens of thousands of alerts, which the database then leaves out rather than sending them.
    # The alerts asked for are one statement's inserts, so their ids come as a range (another
    # statement's alerts in it are left out here): thousands of ids as a list of placeholders
    # cost more to build and send than the query's work (bench/sweep.py).
    alerts = [
        alert
        for alert in Alert.objects.filter(
            pk__range=(min(ids), max(ids)),
            level__gte=Level.SEE_DOCTOR,
            workout__owner_id__in=active_care_links().values("patient_id"),
        ).values_list(
            "pk", "level", "reason", "message", "workout__owner_id", "workout__owner__username",
            "workout__performed_on",
        )
        if alert[0] in ids
    ]  # fmt: skip
    if not alerts:
        return []
    physios_of = {}
    links = care_team_links({alert[4] for alert in alerts}).values_list(
        "patient_id", "physio_id", "physio__timezone", "physio__quiet_hours_start", "physio__quiet_hours_end"
    )
    for patient_id, *physio in links:
        physios_of.setdefault(patient_id, []).append(physio)
    rows = []
    for pk, level, reason, message, patient_id, username, performed_on in alerts:
        title, body = physio_message(level, reason, message, username, performed_on)
        urgency = ALERT_URGENCY[Level(level)]
        for physio_id, tz, quiet_start, quiet_end in physios_of.get(patient_id, []):
            deliver_at = alert_due(level, now, tz, quiet_start, quiet_end)
            rows.append(
                (physio_id, Kind.ALERT, f"alert:{pk}", pk, title, body, patient_page(patient_id), urgency, now,
                 deliver_at)
            )  # fmt: skip
    return insert_ignoring_conflicts(Notification, FIELDS, rows, conflict=("recipient", "key"))
