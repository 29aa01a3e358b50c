"""Shared steps of the notifications tests."""

import datetime
import uuid

from accounts.models import User
from notifications.models import Delivery, Notification, PushSubscription
from recovery.levels import Reason
from tests.factories import AlertFactory, WorkoutFactory


def users(count, **fields):
    """Users made in one statement (no password hashing, no post_save: no reminder schedule)."""
    made = [User(username=f"bulk-{uuid.uuid4().hex[:12]}", password="!", **fields) for _ in range(count)]
    return User.objects.bulk_create(made)


def subscribe(user, fake_subscription):
    """Save a fake browser's subscription for `user`, as the API would."""
    data = fake_subscription.to_json()
    return PushSubscription.objects.create(
        user=user, endpoint=data["endpoint"], p256dh=data["keys"]["p256dh"], auth=data["keys"]["auth"]
    )


def raise_alert(user, reason=Reason.CAUDA_EQUINA, workout=None):
    """An alert for `user` (its notification is written in the same transaction); returns the alert."""
    reason = Reason(reason)
    workout = workout or WorkoutFactory(owner=user)
    return AlertFactory(workout=workout, reason=reason.value, level=int(reason.level), message=f"{reason} message")


def notification_of(alert):
    return Notification.objects.get(alert=alert)


def deliveries(notification):
    return list(Delivery.objects.filter(notification=notification).order_by("pk"))


def later(moment, **delta):
    return moment + datetime.timedelta(**delta)
