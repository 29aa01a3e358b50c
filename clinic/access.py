"""The one place a physiotherapist's reach is decided, and every read of it is logged.

Every queryset a physiotherapist's request reads patients, workouts, logs, alerts or notes
through starts here, scoped to active care links, so a revoked link ends access in the very
next request. Reads are recorded with `record_reads` in the same request (and transaction).
"""

from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from clinic.models import AccessLogEntry, CareLink
from config.sql import insert_ignoring_conflicts
from recovery.models import Alert
from tracker.models import PainLog, Workout


def is_physio(user):
    return bool(user and user.is_authenticated and user.is_active and user.is_physio)


def active_links(physio):
    return CareLink.objects.filter(physio=physio, revoked_at__isnull=True)


def linked_patients(physio):
    """The patients who currently consent to this physiotherapist seeing their data."""
    if not is_physio(physio):
        return User.objects.none()
    return User.objects.filter(
        Exists(active_links(physio).filter(patient=OuterRef("pk"))),
        is_active=True,
    )


def linked_patient_or_404(physio, patient_id):
    """The patient, if linked to this physiotherapist now; 404 otherwise (never 403)."""
    try:
        return linked_patients(physio).get(pk=patient_id)
    except (User.DoesNotExist, ValueError, TypeError):
        raise Http404("No such patient.") from None


def patient_workouts(physio):
    return Workout.objects.filter(owner__in=linked_patients(physio))


def patient_logs(physio):
    return PainLog.objects.filter(workout__owner__in=linked_patients(physio))


def patient_alerts(physio):
    return Alert.objects.filter(workout__owner__in=linked_patients(physio))


def patient_alert_or_404(physio, alert_id):
    """An alert of a patient linked to this physiotherapist now; 404 otherwise."""
    try:
        return patient_alerts(physio).select_related("workout").get(pk=alert_id)
    except (Alert.DoesNotExist, ValueError, TypeError):
        raise Http404("No such alert.") from None


def links_of_patient(patient):
    """A patient's care team as they see it: every link they made, active or revoked."""
    return CareLink.objects.filter(patient=patient)


def active_care_links():
    """The links of patients to physiotherapists who may see them now: who is told of their
    alerts. The same conditions as `linked_patients`, from the patients' side."""
    return CareLink.objects.filter(
        revoked_at__isnull=True,
        physio__is_physio=True,
        physio__is_active=True,
        patient__is_active=True,
    )


def care_team_links(patient_ids):
    """The active links of these patients (`active_care_links`)."""
    return active_care_links().filter(patient_id__in=list(patient_ids))


def record_reads(physio, patient_ids, what, path):
    """Write one access-log row per patient read, in one statement whatever their number.

    bulk_create would split 500 rows into several INSERTs on SQLite (Django assumes its old
    limit of 999 parameters); insert_ignoring_conflicts sends a derived table in one
    statement. No row can conflict: the key is the generated id.
    """
    now = timezone.now()
    username = physio.get_username()
    rows = [(patient_id, physio.pk, username, what, path[:300], now) for patient_id in patient_ids]
    if rows:
        insert_ignoring_conflicts(
            AccessLogEntry, ["patient", "physio", "physio_username", "what", "path", "at"], rows, conflict=["id"]
        )
