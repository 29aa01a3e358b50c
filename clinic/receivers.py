"""Clinic's answers to what recovery announces (recovery.signals)."""

from django.dispatch import receiver

from clinic.physio_alerts import notify_physios
from notifications.enqueue import deliver_after_commit
from recovery.signals import alerts_raised


@receiver(alerts_raised, dispatch_uid="clinic.alerts_raised")
def alerts_raised_notify_physios(sender, alerts, **kwargs):
    deliver_after_commit(notify_physios(alerts))
