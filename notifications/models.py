from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class PushSubscription(models.Model):
    """A browser's Web Push subscription (its PushSubscription.toJSON()), one row per endpoint.

    The endpoint is the browser's own address at its push service: the same endpoint sent again
    (by its user or, after a sign-in on that browser, another one) replaces the row.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions")
    endpoint = models.CharField(max_length=2048, unique=True)
    p256dh = models.CharField(max_length=100, help_text="The browser's P-256 public key, URL-safe base64.")
    auth = models.CharField(max_length=32, help_text="The browser's 16-byte auth secret, URL-safe base64.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.endpoint[:60]


class Kind(models.TextChoices):
    ALERT = "alert"
    LOG_REMINDER = "log_reminder"
    HEAT_REMINDER = "heat_reminder"
    CORE_REMINDER = "core_reminder"


class Urgency(models.TextChoices):
    """The Web Push `Urgency` header (RFC 8030): how readily a phone wakes for it."""

    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


class Notification(models.Model):
    """One item of a user's in-app feed, and what its other channels deliver.

    `key` says what the notification is about ("alert:<id>", "log:<local date>",
    "heat:<workout>", "core:<workout>"); it is unique per recipient, so an alert reaches a
    person once and a reminder is sent at most once a day or an episode, whatever retries,
    duplicate tasks or two workers do. The deliveries are made once `deliver_at` has come
    (at once, or when the recipient's quiet hours end) and recorded in `dispatched_at`.
    """

    # No index of its own: the unique (recipient, key) and the feed's (recipient, ...) indexes lead
    # with it, so a notification (a sweep writes tens of thousands) writes one index fewer.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", db_index=False
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    key = models.CharField(max_length=64)
    alert = models.ForeignKey("recovery.Alert", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=120)
    body = models.TextField()
    url = models.CharField(max_length=200, help_text="The page of the app to open.")
    urgency = models.CharField(max_length=8, choices=Urgency.choices)
    created_at = models.DateTimeField(default=timezone.now)
    deliver_at = models.DateTimeField()
    dispatched_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_recipient_key"),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="notification_kind_known"),
            models.CheckConstraint(condition=Q(urgency__in=Urgency.values), name="notification_urgency_known"),
        ]
        indexes = [
            # The feed: a user's notifications, newest first; its unread count and read-all read a
            # user's rows through it too (an index of their own would cost every insert).
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_feed_idx"),
            # The delivery sweep (notifications.delivery.run_sweep): due, not yet dispatched.
            models.Index(
                fields=["deliver_at", "id"],
                condition=Q(dispatched_at__isnull=True),
                name="notification_undispatched_idx",
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.key} for {self.recipient_id}"


class Channel(models.TextChoices):
    WEBPUSH = "webpush"
    EMAIL = "email"


class Status(models.TextChoices):
    PENDING = "pending"  # to send at next_attempt_at
    SENDING = "sending"  # claimed by a worker until next_attempt_at (its lease)
    SENT = "sent"
    FAILED = "failed"  # transient failures exhausted, or refused as malformed: never retried
    GONE = "gone"  # the push service said the subscription no longer exists: it was deleted


OPEN = (Status.PENDING, Status.SENDING)


class Delivery(models.Model):
    """One notification to one target (a push subscription, an e-mail address), every attempt
    recorded. Unique per (notification, target): a second send cannot be made, only claimed by
    a conditional UPDATE that exactly one worker wins (notifications.delivery.send_one)."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    target = models.CharField(max_length=300, help_text="webpush:<subscription id> or email:<address>")
    subscription = models.ForeignKey(
        PushSubscription, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["notification", "target"], name="delivery_once_per_target"),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="delivery_channel_known"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="delivery_status_known"),
        ]
        indexes = [
            # The delivery sweep and every claim: open deliveries whose time has come (a retry's
            # back-off over, or a dead worker's lease run out).
            models.Index(fields=["next_attempt_at", "id"], condition=Q(status__in=OPEN), name="delivery_open_due_idx"),
        ]

    def __str__(self):
        return f"{self.target} ({self.status})"


class ReminderSchedule(models.Model):
    """When a user's next reminder slot comes (UTC): their reminder time, outside quiet hours.

    The minute's reminder run claims the rows that are due by moving this to the next slot with
    a conditional UPDATE, so two beat ticks or two workers never remind anyone twice.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="reminder_schedule"
    )
    next_reminder_at = models.DateTimeField()

    class Meta:
        indexes = [
            # The minute's reminder run (notifications.reminder_run): the users due, oldest first.
            models.Index(fields=["next_reminder_at", "user"], name="reminder_due_idx"),
        ]

    def __str__(self):
        return f"next reminder of {self.user_id} at {self.next_reminder_at:%Y-%m-%d %H:%M} UTC"
