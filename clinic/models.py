"""The physiotherapist side: invitations, care links, clinical notes and the access log.

A physiotherapist sees a patient only through an active `CareLink`, and every query that
reaches a patient's data goes through clinic.access, the one place that scoping lives.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

# Invitation codes: 8 characters from an alphabet with no look-alikes (no 0/O, 1/I/L), read
# out over the phone or typed on one. 31^8 ≈ 8.5e11 codes, single use, valid a week, and the
# endpoint that accepts them is throttled: guessing one is not a practical attack.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8


def new_code():
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class Invitation(models.Model):
    """A code a physiotherapist gives a patient; the patient enters it to link them."""

    code = models.CharField(max_length=CODE_LENGTH, unique=True, default=new_code, editable=False)
    physio = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=F("created_at")), name="invitation_expires_after"),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True, accepted_by__isnull=True)
                | Q(accepted_at__isnull=False, accepted_by__isnull=False),
                name="invitation_acceptance_whole",
            ),
        ]

    def __str__(self):
        return f"{self.code} by {self.physio_id}"

    def usable(self, now):
        return self.accepted_at is None and now < self.expires_at


class CareLink(models.Model):
    """A patient's consent for one physiotherapist to see their data, until revoked.

    Revoking keeps the row (the patient's history of who had access) and ends access at once:
    clinic.access reads only links with no `revoked_at`. A patient may link the same
    physiotherapist again later, which makes a new row.
    """

    physio = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="patient_links")
    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_links")
    invitation = models.OneToOneField(Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="link")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["physio", "patient"], condition=Q(revoked_at__isnull=True), name="carelink_one_active"
            ),
            models.CheckConstraint(condition=~Q(physio=F("patient")), name="carelink_not_self"),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=F("created_at")),
                name="carelink_revoked_after_created",
            ),
        ]
        indexes = [
            models.Index(
                fields=["physio", "patient"], condition=Q(revoked_at__isnull=True), name="carelink_active_idx"
            ),
        ]

    def __str__(self):
        return f"{self.physio_id} -> {self.patient_id}{' (revoked)' if self.revoked_at else ''}"

    @property
    def active(self):
        return self.revoked_at is None


class ClinicalNote(models.Model):
    """A physiotherapist's free-text note on a patient. The author's name is kept with it."""

    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinical_notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=150)
    text = models.TextField(max_length=5000)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["patient", "-created_at"], name="clinicalnote_patient_idx")]

    def __str__(self):
        return f"note on {self.patient_id} by {self.author_name}"


class Access(models.TextChoices):
    """What a physiotherapist read: the patient sees these words in their access log."""

    DASHBOARD = "dashboard", "dashboard list"
    PATIENT_PAGE = "patient_page", "patient page"
    API_LIST = "api_list", "patient list (API)"
    API_DETAIL = "api_detail", "patient record (API)"
    EXPORT_CSV = "export_csv", "export (CSV)"
    EXPORT_FHIR = "export_fhir", "export (FHIR)"
    EXPORT_JSON = "export_json", "export (JSON)"


class AccessLogEntry(models.Model):
    """One physiotherapist read of one patient's data, written in the request that read it.

    The reader's username is copied so the row still says who read, should that account go;
    the row goes with the patient's account (their data, all of it, is deleted with them).
    """

    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_log")
    physio = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    physio_username = models.CharField(max_length=150)
    what = models.CharField(max_length=16, choices=Access.choices)
    path = models.CharField(max_length=300)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "access log entries"
        indexes = [models.Index(fields=["patient", "-at"], name="accesslog_patient_at_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(what__in=Access.values), name="accesslog_what_known"),
        ]

    def __str__(self):
        return f"{self.physio_username} read {self.what} of {self.patient_id} at {self.at:%Y-%m-%d %H:%M}"
