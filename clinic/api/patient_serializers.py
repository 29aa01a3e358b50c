from rest_framework import serializers

from recovery.levels import LEVEL_CODES, REASON_CODES


class SignSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=["severe_pain", "rise", "not_logging", "dropped"])
    text = serializers.CharField()
    workout = serializers.UUIDField(source="workout.id")


class PatientRowSerializer(serializers.Serializer):
    """A dashboard row (clinic.dashboard.PatientRow)."""

    id = serializers.IntegerField()
    username = serializers.CharField()
    level = serializers.ChoiceField(choices=LEVEL_CODES, source="level.code")
    open_alerts = serializers.SerializerMethodField()
    open_alerts_by_level = serializers.DictField(child=serializers.IntegerField(), source="open_alerts")
    last_log_on = serializers.DateField(allow_null=True, help_text="In the patient's own calendar.")
    last_pain = serializers.IntegerField(allow_null=True)
    day = serializers.IntegerField(allow_null=True, help_text="Today's day index in the latest open episode.")
    pain_14_days = serializers.SerializerMethodField()
    adherence_7_days = serializers.FloatField(allow_null=True, source="adherence.7")
    adherence_30_days = serializers.FloatField(allow_null=True, source="adherence.30")
    logging = serializers.ChoiceField(choices=["", "not_logging", "dropped"])
    signs = SignSerializer(many=True)

    def get_open_alerts(self, row) -> int:
        return len(row.alerts)

    def get_pain_14_days(self, row) -> list[int | None]:
        return [pain for _, pain in row.sparkline]


class LogSerializer(serializers.Serializer):
    logged_on = serializers.DateField()
    day = serializers.IntegerField(source="day_index")
    pain = serializers.IntegerField()
    locations = serializers.ListField(child=serializers.CharField())
    quality = serializers.CharField()
    signs = serializers.ListField(child=serializers.CharField())
    notes = serializers.CharField()


class RecordAlertSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reason = serializers.ChoiceField(choices=REASON_CODES)
    level = serializers.ChoiceField(choices=LEVEL_CODES, source="get_level_display")
    message = serializers.CharField()
    created_at = serializers.DateTimeField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)
    resolution_note = serializers.CharField()


class EpisodeSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="workout.id")
    performed_on = serializers.DateField(source="workout.performed_on")
    title = serializers.CharField(source="workout.title")
    level = serializers.ChoiceField(choices=LEVEL_CODES, source="level.code")
    reasons = serializers.ListField(child=serializers.ChoiceField(choices=REASON_CODES))
    opened_on = serializers.DateField(allow_null=True)
    closed_on = serializers.DateField(allow_null=True)
    day = serializers.IntegerField(allow_null=True)
    logs = LogSerializer(many=True)
    alerts = RecordAlertSerializer(many=True)


class NoteSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    author_name = serializers.CharField()
    text = serializers.CharField()
    created_at = serializers.DateTimeField()


class PatientRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="patient.pk")
    username = serializers.CharField(source="patient.username")
    timezone = serializers.CharField(source="patient.timezone")
    workouts = EpisodeSerializer(many=True, source="episodes")
    notes = NoteSerializer(many=True)
