"""Notifications' answers to what recovery and accounts announce.

A new alert becomes notifications in the transaction that records it (recovery.signals), and
their delivery is published once it commits. A new user gets a reminder schedule, and a change
of time zone, reminder time or quiet hours moves it.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.models import User
from notifications.alerts import notify_alerts
from notifications.enqueue import deliver_after_commit
from notifications.reminder_run import follow_profile
from recovery.signals import alerts_raised


@receiver(alerts_raised, dispatch_uid="notifications.alerts_raised")
def alerts_raised_notify(sender, alerts, **kwargs):
    deliver_after_commit(notify_alerts(alerts))


@receiver(post_save, sender=User, dispatch_uid="notifications.user_saved")
def user_saved_schedule(sender, instance, created, update_fields=None, raw=False, **kwargs):
    if not raw:  # a fixture being loaded: its rows come as they are
        follow_profile(instance, created, update_fields)
