import datetime
import uuid

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

from tracker.signals import logs_changed

# The earliest date a workout or a log may carry. Recovery is about recent sessions; the
# bound keeps nonsense (year 1) out, and with it date arithmetic at the calendar's edge.
EARLIEST_DATE = datetime.date(2000, 1, 1)


class Workout(models.Model):
    """A gym session. The recovery that follows it is recovery's (recovery.models.Recovery)."""

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

    class Meta:
        ordering = ["-performed_on", "-created_at"]
        indexes = [
            # A user's workouts by date: the workout list, recurring_pain's 30-day window.
            models.Index(fields=["owner", "-performed_on"], name="workout_owner_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(intensity__isnull=True) | Q(intensity__gte=1, intensity__lte=10),
                name="workout_intensity_1_10",
            ),
            models.CheckConstraint(condition=Q(performed_on__gte=EARLIEST_DATE), name="workout_date_from_2000"),
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


# The signs a log can tick (product.md, "Daily log"), PainLog's boolean fields, in the order
# screens, the API and the exports list them.
SIGN_FIELDS = (
    "radiates_to_legs",
    "numbness_tingling",
    "difficulty_standing",
    "difficulty_bending",
    "difficulty_walking",
    "worse_at_rest",
    "bladder_bowel_change",
    "saddle_numbness",
    "leg_weakness",
    "both_legs",
)


class PainLog(models.Model):
    """How the back feels on one local day after one workout; at most one per day."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # No index of its own: the unique (workout, logged_on) index leads with it and serves every
    # lookup by workout, so a new log writes one index fewer.
    workout = models.ForeignKey(Workout, on_delete=models.CASCADE, related_name="logs", db_index=False)
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
            models.CheckConstraint(condition=Q(logged_on__gte=EARLIEST_DATE), name="painlog_date_from_2000"),
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

    # Saving or deleting a log one at a time (the admin, scripts) announces the change in
    # the same transaction, as the API's upsert does (tracker.services.save_log).
    def save(self, *args, **kwargs):
        with transaction.atomic():
            super().save(*args, **kwargs)
            logs_changed.send(sender=PainLog, workout_ids=[self.workout_id])

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            result = super().delete(*args, **kwargs)
            logs_changed.send(sender=PainLog, workout_ids=[self.workout_id])
        return result

    @property
    def day(self):
        """Day index: 0 is the workout's own date."""
        return (self.logged_on - self.workout.performed_on).days
