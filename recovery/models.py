from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from recovery.levels import Level, Reason
from recovery.signals import RaisedAlert, alerts_raised


class Alert(models.Model):
    """A red flag raised for a workout: one per (workout, reason), never rewritten.

    Later edits of a log never delete or downgrade an alert; a person resolves it.
    """

    # No index of its own: the unique (workout, reason) index leads with it.
    workout = models.ForeignKey("tracker.Workout", on_delete=models.CASCADE, related_name="alerts", db_index=False)
    reason = models.CharField(max_length=32, choices=Reason.choices())
    level = models.PositiveSmallIntegerField(choices=Level.choices())
    message = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
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
            # A workout's (and so a patient's) open alerts: levels, the dashboard.
            models.Index(fields=["workout", "level"], condition=Q(resolved_at__isnull=True), name="alert_open_idx"),
        ]

    def __str__(self):
        return f"{self.reason} ({Level(self.level).code})"

    # An alert added one at a time (the admin, scripts) is announced in its transaction, as the
    # red-flag job's inserts are (recovery.evaluation._record_alerts).
    def save(self, *args, **kwargs):
        adding = self._state.adding
        with transaction.atomic():
            super().save(*args, **kwargs)
            if adding:
                alerts_raised.send(sender=Alert, alerts=raised_alerts([self.pk]))

    def acknowledge(self):
        """Mark the alert seen (by the user or their physiotherapist); repeating it keeps the
        first time. One conditional UPDATE, so two at once cannot both stamp it."""
        if self.acknowledged_at is None:
            Alert.objects.filter(pk=self.pk, acknowledged_at=None).update(acknowledged_at=timezone.now())
            self.refresh_from_db(fields=["acknowledged_at"])
        return self


class Recovery(models.Model):
    """The recovery that follows one workout, as the red-flag job last evaluated it.

    One row per workout: product.md's episode *is* "the recovery that follows one workout"
    (a closed episode reopens rather than starting another), so a row per episode would be
    a row per workout with a second key. The row is created the first time the workout's
    logs change, which is also when it first needs evaluating.

    Answers to the user never read the results below: they are recomputed from the logs in
    the request (recovery.evaluation.assess), so they hold with no worker running. The
    stored copy serves what must not recompute per row: lists, dashboards, reminders, the
    sweep's scan. Every field has one writer, all in recovery.state: `evaluation_due_at` is
    raised by `mark_due` and lowered only by the guarded writes of `store_results` (or of
    `mark_evaluated`, when the results still hold), the results are written by `store_results`,
    and `closed_by_user_on` / `_at` by `close_by_user`.
    """

    workout = models.OneToOneField(
        "tracker.Workout", primary_key=True, on_delete=models.CASCADE, related_name="recovery"
    )
    # Input: when the user marked the episode recovered (their local day, and the moment);
    # a log with pain or a sign for a later day, or saved after it, reopens the episode.
    closed_by_user_on = models.DateField(null=True, blank=True)
    closed_by_user_at = models.DateTimeField(null=True, blank=True)
    # Set when the workout's logs (or what recurring_pain reads) change; cleared once the
    # red-flag job has evaluated them. The periodic sweep catches up whatever is still set.
    evaluation_due_at = models.DateTimeField(null=True, blank=True)

    # The last evaluation's results.
    level = models.PositiveSmallIntegerField(choices=Level.choices(), default=Level.OK.value)
    reasons = models.JSONField(default=list, blank=True)
    peak_pain = models.PositiveSmallIntegerField(null=True, blank=True)
    last_log_on = models.DateField(null=True, blank=True)
    last_pain = models.PositiveSmallIntegerField(null=True, blank=True)
    opened_on = models.DateField(null=True, blank=True, help_text="The episode opened (first pain or sign).")
    closed_on = models.DateField(null=True, blank=True, help_text="The episode closed (two clear days, or the user).")
    evaluated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "recoveries"
        indexes = [
            # The periodic sweep: workouts whose logs changed since their last evaluation,
            # oldest first, read in keyset batches.
            models.Index(
                fields=["evaluation_due_at", "workout"],
                condition=Q(evaluation_due_at__isnull=False),
                name="recovery_evaluation_due_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=[level.value for level in Level]), name="recovery_level_known"
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(opened_on__isnull=False, closed_on__gte=models.F("opened_on")),
                name="recovery_closed_after_opened",
            ),
            models.CheckConstraint(
                condition=Q(closed_by_user_on__isnull=True, closed_by_user_at__isnull=True)
                | Q(closed_by_user_on__isnull=False, closed_by_user_at__isnull=False),
                name="recovery_user_closing_whole",
            ),
        ]

    def __str__(self):
        return f"recovery after {self.workout_id} ({Level(self.level).code})"

    @property
    def open(self):
        return self.opened_on is not None and self.closed_on is None


def raised_alerts(alert_ids):
    """[RaisedAlert] of these alerts, as recovery.signals.alerts_raised announces them: one query."""
    fields = ("pk", "workout__owner_id", "workout__performed_on", "level", "reason", "message")
    return [RaisedAlert(*row) for row in Alert.objects.filter(pk__in=list(alert_ids)).values_list(*fields)]
