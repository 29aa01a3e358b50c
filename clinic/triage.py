"""What a physiotherapist does to a linked patient's alerts and record: acknowledge, resolve, note.

Each action reaches the alert or patient through clinic.access, so an unlinked (or revoked)
physiotherapist gets a 404, never a change.
"""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404

from clinic import services
from clinic.access import linked_patient_or_404, patient_alerts
from clinic.models import ClinicalNote

NOTE_MAX_LENGTH = ClinicalNote._meta.get_field("text").max_length


def acknowledge_alert(physio, alert_id):
    """Mark the alert seen; repeating it keeps the first time."""
    return get_object_or_404(patient_alerts(physio), pk=alert_id).acknowledge()


def resolve_alert(physio, alert_id, note=""):
    """Resolve a linked patient's alert with an optional note (clinic.services.resolve_alert)."""
    note = (note or "").strip()
    if len(note) > services.RESOLUTION_NOTE_MAX_LENGTH:
        raise ValidationError({"note": f"Keep the note under {services.RESOLUTION_NOTE_MAX_LENGTH} characters."})
    return services.resolve_alert(get_object_or_404(patient_alerts(physio), pk=alert_id), physio, note)


def add_note(physio, patient_id, text):
    patient = linked_patient_or_404(physio, patient_id)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Write the note before saving it."})
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationError({"text": f"Keep the note under {NOTE_MAX_LENGTH} characters."})
    return ClinicalNote.objects.create(patient=patient, author=physio, author_name=physio.get_username(), text=text)
