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

FIELDS = ("recipient", "kind", "key", "alert", "title", "body", "url", "urgency", "created_at", "deliver_at")


def alert_due(level, now, tz, quiet_start, quiet_end):
    """When an alert of `level` reaches a recipient in zone `tz` with these quiet hours: an
    emergency at once, quiet hours or not; any other when their quiet hours end (at once
    outside them)."""
    if level == Level.EMERGENCY:
        return now
    return release(now, zoneinfo.ZoneInfo(tz), QuietHours.of(quiet_start, quiet_end))


def notify_alerts(alerts, now=None):
    """Insert the notifications of these alerts ([RaisedAlert], as recovery announces them),
    ignoring those that exist; return the new ids.

    An emergency is due at once, quiet hours or not; any other alert when the recipient's quiet
    hours end (at once outside them). Two queries for any number of alerts: a sweep raises tens
    of thousands, so only their owners' settings are read, as tuples (config.sql.select_for_keys),
    and the release time is worked out once per recipient.
    """
    now = now or timezone.now()
    alerts = list(alerts)
    if not alerts:
        return []
    user = get_user_model()
    profile = [user._meta.get_field(name) for name in ("timezone", "quiet_hours_start", "quiet_hours_end")]
    owners = {
        owner_id: values
        for owner_id, *values in select_for_keys(
            f"SELECT u.id, u.timezone, u.quiet_hours_start, u.quiet_hours_end FROM {{keys}} "
            f"JOIN {user._meta.db_table} u ON u.id = v.c0",
            user._meta.pk, list({alert.owner_id for alert in alerts}),
            [user._meta.pk, *profile],
        )
    }  # fmt: skip
    released = {}
    rows = []
    for pk, owner_id, _, level, _, message in alerts:
        title, body, urgency = content.alert(level, message)
        if level == Level.EMERGENCY:
            deliver_at = now
        else:
            deliver_at = released.get(owner_id)
            if deliver_at is None:
                deliver_at = released[owner_id] = alert_due(level, now, *owners[owner_id])
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
