import uuid

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone


class Workout(models.Model):
    """A gym session, and the recovery episode that may follow it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workouts")
    performed_on = models.DateField(help_text="The user's local date of the session.")
    title = models.CharField(max_length=120, blank=True)
    intensity = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Perceived exertion (RPE), 1-10.")
    warmed_up = models.BooleanField(default=False)
    cooled_down = models.BooleanField(default=False, help_text="Cooled down or stretched afterwards.")
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The recovery episode (product.md, "Episode"): open from the first log with pain,
    # closed by two pain-free days in a row or by the user.
    episode_opened_on = models.DateField(null=True, blank=True)
    episode_closed_on = models.DateField(null=True, blank=True)
    closed_by_user = models.BooleanField(default=False)

    # Set when the workout's logs change and cleared once the red-flag job has evaluated
    # them; the periodic sweep catches up whatever is still set.
    evaluation_due_at = models.DateTimeField(null=True, blank=True, editable=False)

    # The red-flag job's last evaluation, kept for lists and dashboards.
    level = models.PositiveSmallIntegerField(default=0, help_text="0 ok, 1 caution, 2 see_doctor, 3 emergency.")
    reasons = models.JSONField(default=list, blank=True)
    peak_pain = models.PositiveSmallIntegerField(null=True, blank=True)
    last_log_on = models.DateField(null=True, blank=True)
    last_pain = models.PositiveSmallIntegerField(null=True, blank=True)
    evaluated_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-performed_on", "-created_at"]
        indexes = [
            # A user's workouts by date: the workout list, recurring_pain's 30-day window.
            models.Index(fields=["owner", "-performed_on"], name="workout_owner_date_idx"),
            # Open episodes of a user: recovery/today, reminders, the dashboard.
            models.Index(
                fields=["owner", "performed_on"],
                condition=Q(episode_opened_on__isnull=False, episode_closed_on__isnull=True),
                name="workout_open_episode_idx",
            ),
            # The periodic sweep: workouts whose logs changed since their last evaluation.
            models.Index(
                fields=["evaluation_due_at", "id"],
                condition=Q(evaluation_due_at__isnull=False),
                name="workout_evaluation_due_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(intensity__isnull=True) | Q(intensity__gte=1, intensity__lte=10),
                name="workout_intensity_1_10",
            ),
            models.CheckConstraint(
                condition=Q(episode_closed_on__isnull=True) | Q(episode_opened_on__isnull=False),
                name="workout_episode_closed_after_opened",
            ),
        ]

    def __str__(self):
        return f"{self.title or 'Workout'} on {self.performed_on}"


class Exercise(models.Model):
    workout = models.ForeignKey(Workout, on_delete=models.CASCADE, related_name="exercises")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=80)
    load_kg = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    sets = models.PositiveSmallIntegerField(null=True, blank=True)
    reps = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["workout", "position"]
        constraints = [
            models.UniqueConstraint(fields=["workout", "position"], name="exercise_unique_position"),
            models.CheckConstraint(condition=Q(load_kg__isnull=True) | Q(load_kg__gte=0), name="exercise_load_gte_0"),
            models.CheckConstraint(condition=Q(sets__isnull=True) | Q(sets__gte=1), name="exercise_sets_gte_1"),
            models.CheckConstraint(condition=Q(reps__isnull=True) | Q(reps__gte=1), name="exercise_reps_gte_1"),
        ]

    def __str__(self):
        return self.name


class Quality(models.TextChoices):
    ACHE = "ache"
    STIFFNESS = "stiffness"
    SHARP = "sharp"
    SHOOTING = "shooting"


class Location(models.TextChoices):
    LOWER_BACK = "lower_back"
    MID_BACK = "mid_back"
    UPPER_BACK = "upper_back"
    NECK = "neck"
    BUTTOCK = "buttock"
    LEG = "leg"


NOTES_MAX_LENGTH = 2000


class PainLog(models.Model):
    """How the back feels on one local day after one workout; at most one per day."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workout = models.ForeignKey(Workout, on_delete=models.CASCADE, related_name="logs")
    logged_on = models.DateField(help_text="The user's local date the log is for.")
    pain = models.PositiveSmallIntegerField(help_text="0-10 numeric rating scale.")
    locations = models.JSONField(default=list, blank=True)
    quality = models.CharField(max_length=10, choices=Quality.choices, blank=True)
    radiates_to_legs = models.BooleanField(default=False)
    numbness_tingling = models.BooleanField(default=False)
    difficulty_standing = models.BooleanField(default=False)
    difficulty_bending = models.BooleanField(default=False)
    difficulty_walking = models.BooleanField(default=False)
    worse_at_rest = models.BooleanField(default=False)
    bladder_bowel_change = models.BooleanField(default=False)
    saddle_numbness = models.BooleanField(default=False)
    leg_weakness = models.BooleanField(default=False)
    both_legs = models.BooleanField(default=False)
    notes = models.TextField(blank=True, max_length=NOTES_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["workout", "logged_on"]
        constraints = [
            # Also serves "a workout's logs, oldest first" and the rules' reads.
            models.UniqueConstraint(fields=["workout", "logged_on"], name="painlog_one_per_workout_day"),
            models.CheckConstraint(condition=Q(pain__gte=0, pain__lte=10), name="painlog_pain_0_10"),
            models.CheckConstraint(
                condition=Q(quality__in=["", *Quality.values]),
                name="painlog_quality_known",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("notes"), NOTES_MAX_LENGTH),
                name="painlog_notes_max_length",
            ),
        ]

    def __str__(self):
        return f"pain {self.pain} on {self.logged_on}"

    # Saving or deleting a log one at a time (the admin, scripts) flags its workout for the
    # red-flag job too; the API's upsert does it in its own transaction.
    def save(self, *args, **kwargs):
        with transaction.atomic():
            super().save(*args, **kwargs)
            Workout.objects.filter(pk=self.workout_id).update(evaluation_due_at=timezone.now())

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            result = super().delete(*args, **kwargs)
            Workout.objects.filter(pk=self.workout_id).update(evaluation_due_at=timezone.now())
        return result

    @property
    def day(self):
        """Day index: 0 is the workout's own date."""
        return (self.logged_on - self.workout.performed_on).days
