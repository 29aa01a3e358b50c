from rest_framework import serializers

from config.fields import (
    RejectUnknownFieldsMixin,
    StrictBooleanField,
    StrictCharField,
    StrictChoiceField,
    StrictDateField,
    StrictDecimalField,
    StrictIntegerField,
)
from recovery.api.serializers import TriageSerializer
from tracker.models import EARLIEST_DATE, NOTES_MAX_LENGTH, SIGN_FIELDS, Location, Quality, Workout

SIGN_HELP = {
    "radiates_to_legs": "Pain shooting down a leg or into the buttocks.",
    "numbness_tingling": "Numbness or tingling anywhere.",
    "difficulty_standing": "So stiff or painful you can hardly stand up straight.",
    "difficulty_bending": "So stiff or painful you can hardly bend.",
    "difficulty_walking": "So stiff or painful you can hardly walk.",
    "worse_at_rest": "The pain is worse when resting than when moving.",
    "bladder_bowel_change": "New trouble controlling the bladder or bowel (emergency screen).",
    "saddle_numbness": "Numbness in the groin, genitals or inner thighs (emergency screen).",
    "leg_weakness": "Weakness in a leg that is getting worse (emergency screen).",
    "both_legs": "Tingling, numbness or weakness in both legs (emergency screen).",
}


class ExerciseSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    name = StrictCharField(max_length=80)
    load_kg = StrictDecimalField(
        max_digits=6,
        decimal_places=2,
        min_value=0,
        max_value=1000,
        required=False,
        allow_null=True,
        coerce_to_string=False,
    )
    sets = StrictIntegerField(min_value=1, max_value=100, required=False, allow_null=True)
    reps = StrictIntegerField(min_value=1, max_value=1000, required=False, allow_null=True)

    def validate(self, attrs):
        # A PATCH of the workout is partial, but each exercise in it is whole.
        if "name" not in attrs:
            raise serializers.ValidationError({"name": ["This field is required."]})
        return attrs


class WorkoutSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer):
    performed_on = StrictDateField(help_text="Your local date of the session, YYYY-MM-DD; not in the future.")
    title = StrictCharField(max_length=120, required=False, allow_blank=True)
    exercises = ExerciseSerializer(many=True, required=False, max_length=50)
    intensity = StrictIntegerField(
        min_value=1, max_value=10, required=False, allow_null=True, help_text="Perceived exertion (RPE), 1-10."
    )
    warmed_up = StrictBooleanField(required=False)
    cooled_down = StrictBooleanField(required=False, help_text="Cooled down or stretched afterwards.")
    notes = StrictCharField(max_length=NOTES_MAX_LENGTH, required=False, allow_blank=True)
    day = serializers.SerializerMethodField(help_text="Today's day index: your local today minus performed_on.")

    class Meta:
        model = Workout
        fields = [
            "id",
            "performed_on",
            "title",
            "exercises",
            "intensity",
            "warmed_up",
            "cooled_down",
            "notes",
            "day",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]

    def get_day(self, workout) -> int:
        return (self.context["today"] - workout.performed_on).days

    def validate_performed_on(self, value):
        today = self.context["today"]
        if value < EARLIEST_DATE:
            raise serializers.ValidationError(f"{value} is too long ago: the earliest date is {EARLIEST_DATE}.")
        if value > today:
            raise serializers.ValidationError(f"{value} is after your today ({today}); log a workout once it is done.")
        if self.instance is not None:
            first_log = self.instance.logs.order_by("logged_on").values_list("logged_on", flat=True).first()
            if first_log is not None and value > first_log:
                raise serializers.ValidationError(
                    f"This workout has a log on {first_log}; it cannot have been performed after that."
                )
        return value


class PainLogSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    """One day's log. A PUT replaces the whole log: omitted signs are false.

    A plain Serializer, not a ModelSerializer: this is the hottest endpoint, and model
    introspection on every request would cost more than the database work.
    """

    id = serializers.UUIDField(read_only=True)
    workout = serializers.UUIDField(source="workout_id", read_only=True)
    logged_on = serializers.DateField(read_only=True)
    day = serializers.SerializerMethodField(help_text="Day index: logged_on minus the workout's performed_on.")
    pain = StrictIntegerField(min_value=0, max_value=10, help_text="0 (none) to 10 (worst imaginable).")
    locations = serializers.ListField(
        child=StrictChoiceField(choices=Location.choices), required=False, max_length=len(Location.choices)
    )
    quality = StrictChoiceField(choices=Quality.choices, required=False, allow_blank=True, allow_null=True)
    radiates_to_legs = StrictBooleanField(required=False, help_text=SIGN_HELP["radiates_to_legs"])
    numbness_tingling = StrictBooleanField(required=False, help_text=SIGN_HELP["numbness_tingling"])
    difficulty_standing = StrictBooleanField(required=False, help_text=SIGN_HELP["difficulty_standing"])
    difficulty_bending = StrictBooleanField(required=False, help_text=SIGN_HELP["difficulty_bending"])
    difficulty_walking = StrictBooleanField(required=False, help_text=SIGN_HELP["difficulty_walking"])
    worse_at_rest = StrictBooleanField(required=False, help_text=SIGN_HELP["worse_at_rest"])
    bladder_bowel_change = StrictBooleanField(required=False, help_text=SIGN_HELP["bladder_bowel_change"])
    saddle_numbness = StrictBooleanField(required=False, help_text=SIGN_HELP["saddle_numbness"])
    leg_weakness = StrictBooleanField(required=False, help_text=SIGN_HELP["leg_weakness"])
    both_legs = StrictBooleanField(required=False, help_text=SIGN_HELP["both_legs"])
    notes = StrictCharField(max_length=NOTES_MAX_LENGTH, required=False, allow_blank=True)
    updated_at = serializers.DateTimeField(read_only=True)

    with_triage = False  # SavedPainLogSerializer's answer carries the triage

    def get_day(self, log) -> int:
        return (log.logged_on - log.workout.performed_on).days

    def to_representation(self, log):
        # Hand-built: the same keys as the declared fields (a test holds them equal), at a
        # tenth of DRF's per-field cost on the hottest endpoint.
        data = {
            "id": str(log.id),
            "workout": str(log.workout_id),
            "logged_on": log.logged_on.isoformat(),
            "day": self.get_day(log),
            "pain": log.pain,
            "locations": list(log.locations),
            "quality": log.quality,
            **{name: getattr(log, name) for name in SIGN_FIELDS},
            "notes": log.notes,
            "updated_at": UPDATED_AT.to_representation(log.updated_at),
        }
        if self.with_triage:
            data["triage"] = dict(log.triage)
        return data

    def validate_locations(self, value):
        return list(dict.fromkeys(value))  # keep the order, drop repeats

    def validate_quality(self, value):
        return value or ""

    def validated_fields(self):
        """Every model field of the log, defaults filled in: a PUT replaces the day's log."""
        data = self.validated_data
        fields = {name: data.get(name, False) for name in SIGN_FIELDS}
        fields.update(
            pain=data["pain"],
            locations=data.get("locations", []),
            quality=data.get("quality", ""),
            notes=data.get("notes", ""),
        )
        return fields


class SavedPainLogSerializer(PainLogSerializer):
    triage = TriageSerializer(read_only=True, help_text="The workout's triage, computed in this request.")
    with_triage = True


# to_representation's: a serializer's `fields` deep-copies every declared field per instance,
# which on the log PUT cost more than its database work.
UPDATED_AT = serializers.DateTimeField(read_only=True)
LOCATIONS = frozenset(Location.values)
QUALITIES = frozenset(Quality.values)
SIGNS = frozenset(SIGN_FIELDS)


def _is_plain_notes(value):
    return type(value) is str and len(value) <= NOTES_MAX_LENGTH and value.isprintable()


# The fast path's checks, per field: a value passing its check is one PainLogSerializer
# accepts as it is. Anything else goes to the serializer, which says what is wrong.
LOG_CHECKS = {
    "pain": lambda v: type(v) is int and 0 <= v <= 10,
    "locations": lambda v: (
        type(v) is list and len(v) <= len(LOCATIONS) and all(type(x) is str and x in LOCATIONS for x in v)
    ),
    "quality": lambda v: v is None or v == "" or (type(v) is str and v in QUALITIES),
    "notes": lambda v: _is_plain_notes(v) and v == v.strip(),
    **{name: lambda v: type(v) is bool for name in SIGN_FIELDS},
}


def validated_log_fields(data):
    """PainLogSerializer(data=data)'s validated_fields(), or raise its ValidationError.

    A body whose every value passes LOG_CHECKS (what a phone sends) is read as it is,
    without building the serializer; any other goes through it, so a 400 is the
    serializer's own (tests/test_api_logs_property.py holds the two equal).
    """
    checks = LOG_CHECKS
    if type(data) is dict and "pain" in data and all(name in checks and checks[name](data[name]) for name in data):
        fields = {name: data.get(name, False) for name in SIGN_FIELDS}
        fields.update(
            pain=data["pain"],
            locations=list(dict.fromkeys(data.get("locations", ()))),
            quality=data.get("quality") or "",
            notes=data.get("notes", ""),
        )
        return fields
    serializer = PainLogSerializer(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_fields()
