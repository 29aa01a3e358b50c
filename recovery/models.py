from django.conf import settings
from django.db import models
from django.db.models import Q

from recovery.levels import Level, Reason


class Alert(models.Model):
    """A red flag raised for a workout: one per (workout, reason), never rewritten.

    Later edits of a log never delete or downgrade an alert; a person resolves it.
    """

    workout = models.ForeignKey("tracker.Workout", on_delete=models.CASCADE, related_name="alerts")
    reason = models.CharField(max_length=32, choices=Reason.choices())
    level = models.PositiveSmallIntegerField(choices=Level.choices())
    message = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    pushed_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["workout", "reason"], name="alert_one_per_workout_reason"),
            models.CheckConstraint(condition=Q(level__in=[level.value for level in Level]), name="alert_level_known"),
            models.CheckConstraint(
                condition=Q(reason__in=[reason.value for reason in Reason]), name="alert_reason_known"
            ),
        ]
        indexes = [
            # Delivery: alerts not yet pushed, oldest first.
            models.Index(fields=["created_at"], condition=Q(pushed_at__isnull=True), name="alert_unpushed_idx"),
            # A workout's (and so a patient's) open alerts: levels, the dashboard.
            models.Index(fields=["workout", "level"], condition=Q(resolved_at__isnull=True), name="alert_open_idx"),
        ]

    def __str__(self):
        return f"{self.reason} ({Level(self.level).code})"
