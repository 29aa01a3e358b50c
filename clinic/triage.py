"""What a physiotherapist does to a linked patient's alerts and record: acknowledge, resolve, note.

Each action reaches the alert or patient through clinic.access, so an unlinked (or revoked)
physiotherapist gets a 404, never a change.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone

from clinic.access import linked_patient_or_404, patient_alerts
from clinic.models import ClinicalNote
from recovery.enqueue import evaluate_after_commit
from recovery.state import mark_due

NOTE_MAX_LENGTH = ClinicalNote._meta.get_field("text").max_length


def acknowledge_alert(physio, alert_id):
    """Mark the alert seen; repeating it keeps the first time."""
    alert = get_object_or_404(patient_alerts(physio), pk=alert_id)
    type(alert).objects.filter(pk=alert.pk, acknowledged_at=None).update(acknowledged_at=timezone.now())
    return alert


def resolve_alert(physio, alert_id, note=""):
    """Resolve the alert with an optional note; resolving again keeps the first resolution.

    The workout is flagged for evaluation, so its stored level (which counted the alert)
    follows; the level drops only if no current reason holds it up.
    """
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError({"note": f"Keep the note under {NOTE_MAX_LENGTH} characters."})
    alert = get_object_or_404(patient_alerts(physio), pk=alert_id)
    now = timezone.now()
    with transaction.atomic():
        changed = (
            type(alert)
            .objects.filter(pk=alert.pk, resolved_at=None)
            .update(
                resolved_at=now, resolved_by=physio, resolution_note=note, acknowledged_at=alert.acknowledged_at or now
            )
        )
        if changed:
            mark_due([alert.workout_id], now)
            evaluate_after_commit([alert.workout_id])
    alert.refresh_from_db()
    return alert


def add_note(physio, patient_id, text):
    patient = linked_patient_or_404(physio, patient_id)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Write the note before saving it."})
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationError({"text": f"Keep the note under {NOTE_MAX_LENGTH} characters."})
    return ClinicalNote.objects.create(patient=patient, author=physio, author_name=physio.get_username(), text=text)
