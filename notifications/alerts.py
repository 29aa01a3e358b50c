"""Every new alert reaches its person once: a notification per (alert, recipient).

Called from recovery's announcement (recovery.signals.alerts_raised), inside the transaction
that records the alerts, so an alert and its notifications commit together: none is lost to a
crash or a broker outage between the two, and the delivery sweep finds whatever was not sent.
"""

import zoneinfo

from django.contrib.auth import get_user_model
from django.utils import timezone

from config.sql import insert_ignoring_conflicts, select_for_keys
from notifications import content
from notifications.models import OPEN, Delivery, Kind, Notification, Status
from notifications.schedule import QuietHours, release
from recovery.levels import Level
from recovery.models import Alert
from tracker.models import Workout

FIELDS = ("recipient", "kind", "key", "alert", "title", "body", "url", "urgency", "created_at", "deliver_at")


def alert_due(level, now, tz, quiet_start, quiet_end):
    """When an alert of `level` reaches a recipient in zone `tz` with these quiet hours: an
    emergency at once, quiet hours or not; any other when their quiet hours end (at once
    outside them)."""
    if level == Level.EMERGENCY:
        return now
    return release(now, zoneinfo.ZoneInfo(tz), QuietHours.of(quiet_start, quiet_end))


def notify_alerts(alert_ids, now=None):
    """Insert the notifications of these alerts, ignoring those that exist; return the new ids.

    An emergency is due at once, quiet hours or not; any other alert when the recipient's quiet
    hours end (at once outside them). Two queries for any number of alerts: a sweep raises tens
    of thousands, so they are read as tuples (config.sql.select_for_keys), and the release time
    is worked out once per recipient.
    """
    now = now or timezone.now()
    user = get_user_model()
    field = Alert._meta.get_field
    alerts = select_for_keys(
        f"SELECT a.id, a.level, a.message, w.owner_id, u.timezone, u.quiet_hours_start, u.quiet_hours_end "
        f"FROM {{keys}} JOIN {Alert._meta.db_table} a ON a.id = v.c0 "
        f"JOIN {Workout._meta.db_table} w ON w.id = a.workout_id JOIN {user._meta.db_table} u ON u.id = w.owner_id",
        Alert._meta.pk, list(alert_ids),
        [Alert._meta.pk, field("level"), field("message"), Workout._meta.get_field("owner"),
         *(user._meta.get_field(name) for name in ("timezone", "quiet_hours_start", "quiet_hours_end"))],
    )  # fmt: skip
    released = {}
    rows = []
    for pk, level, message, owner_id, tz, quiet_start, quiet_end in alerts:
        title, body, urgency = content.alert(level, message)
        if level == Level.EMERGENCY:
            deliver_at = now
        else:
            deliver_at = released.get(owner_id)
            if deliver_at is None:
                deliver_at = released[owner_id] = alert_due(level, now, tz, quiet_start, quiet_end)
        rows.append(
            (owner_id, Kind.ALERT, f"alert:{pk}", pk, title, body, content.alert_url(pk), urgency, now, deliver_at)
        )
    return insert_ignoring_conflicts(Notification, FIELDS, rows, conflict=("recipient", "key"))


def withdraw_alert_notifications(recipient_id, owner_id):
    """Take back what `recipient` has not yet been sent about `owner`'s alerts.

    For a physiotherapist whose link the patient revoked: a see_doctor alert held for their
    quiet hours must not reach them afterwards. Notifications not yet dispatched are deleted;
    deliveries still open are closed as failed, so no worker sends them. Two statements.
    """
    about = Notification.objects.filter(recipient_id=recipient_id, alert__workout__owner_id=owner_id)
    about.filter(dispatched_at__isnull=True).delete()
    Delivery.objects.filter(notification__in=about, status__in=OPEN).update(
        status=Status.FAILED, last_error="Withdrawn: the patient revoked this person's access.", next_attempt_at=None
    )
