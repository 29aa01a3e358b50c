"""Consent and triage: invitations, the care team and resolving alerts.

Each function is one unit of work in the caller's transaction; failures a person can fix are
`Refused`, naming the field, which the API turns into a 400.
"""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from clinic.access import is_physio, links_of_patient
from clinic.models import CareLink, Invitation
from notifications.alerts import withdraw_alert_notifications
from recovery.enqueue import evaluate_after_commit
from recovery.state import mark_due

INVITATION_VALID_FOR = datetime.timedelta(days=7)
# A resolution note, from the API or the patient page.
RESOLUTION_NOTE_MAX_LENGTH = 2000
CODE_NOT_VALID = "This code is unknown, used or expired. Ask your physiotherapist for a new one."


class Refused(Exception):
    def __init__(self, field, message):
        super().__init__(message)
        self.field, self.message = field, message


def create_invitation(physio, now=None):
    now = now or timezone.now()
    return Invitation.objects.create(physio=physio, created_at=now, expires_at=now + INVITATION_VALID_FOR)


@dataclass(frozen=True)
class Accepted:
    link: CareLink
    created: bool  # False: the patient was already linked to this physiotherapist


def normalise_code(code):
    """As people type it: spaces and dashes ignored, any case."""
    return "".join(code.split()).replace("-", "").upper()


def accept_invitation(patient, code, now=None):
    """Link the patient to the physiotherapist whose code this is.

    Already linked to them (and the code still usable): the existing link, and the code stays
    unused (it can go to someone else). The same code sent again by the patient who used it (an
    offline replay) finds that link too, while it is active. A code is claimed with a conditional
    UPDATE, so two people entering it at once cannot both use it.
    """
    now = now or timezone.now()
    invitation = Invitation.objects.select_related("physio").filter(code=normalise_code(code)).first()
    if invitation is None or not is_physio(invitation.physio):
        raise Refused("code", CODE_NOT_VALID)
    if invitation.physio_id == patient.pk:
        raise Refused("code", "This is your own code: give it to a patient.")
    existing = links_of_patient(patient).filter(physio_id=invitation.physio_id, revoked_at__isnull=True).first()
    if existing is not None and (invitation.accepted_by_id == patient.pk or invitation.usable(now)):
        return Accepted(existing, created=False)
    if not invitation.usable(now):
        raise Refused("code", CODE_NOT_VALID)
    with transaction.atomic():
        claimed = Invitation.objects.filter(pk=invitation.pk, accepted_at=None, expires_at__gt=now).update(
            accepted_at=now, accepted_by=patient
        )
        if claimed != 1:
            raise Refused("code", CODE_NOT_VALID)
        try:
            with transaction.atomic():
                link = CareLink.objects.create(
                    physio_id=invitation.physio_id, patient=patient, invitation=invitation, created_at=now
                )
        except IntegrityError:  # linked a moment ago with another of this physiotherapist's codes
            raise Refused("code", "You are already linked to this physiotherapist.") from None
    return Accepted(link, created=True)


def revoke_link(link, now=None):
    """End a physiotherapist's access at once; the row stays as the patient's history. Repeating
    it keeps the first time. What they were still to be sent about the patient is withdrawn."""
    if link.revoked_at is None:
        link.revoked_at = now or timezone.now()
        with transaction.atomic():
            if CareLink.objects.filter(pk=link.pk, revoked_at=None).update(revoked_at=link.revoked_at):
                withdraw_alert_notifications(link.physio_id, link.patient_id)
        link.refresh_from_db(fields=["revoked_at"])
    return link


def resolve_alert(alert, physio, note="", now=None):
    """Record who resolved the alert, when and why. Repeating it keeps the first resolution.

    A resolved alert counts as acknowledged too. The workout is flagged for evaluation so its
    stored level (dashboards) stops counting it. The one writer of an alert's resolution.
    """
    if alert.resolved_at is None:
        now = now or timezone.now()
        with transaction.atomic():
            changed = (
                type(alert)
                .objects.filter(pk=alert.pk, resolved_at=None)
                .update(
                    resolved_at=now,
                    resolved_by=physio,
                    resolution_note=note,
                    acknowledged_at=Coalesce("acknowledged_at", Value(now)),
                )
            )
            if changed:
                mark_due([alert.workout_id], now)
                evaluate_after_commit([alert.workout_id])
        alert.refresh_from_db(fields=["resolved_at", "resolved_by", "resolution_note", "acknowledged_at"])
    return alert
