from rest_framework import serializers

from recovery.levels import LEVEL_CODES, REASON_CODES, Level
from recovery.models import Alert


class AlertSerializer(serializers.ModelSerializer):
    reason = serializers.ChoiceField(choices=REASON_CODES, read_only=True)
    level = serializers.SerializerMethodField()

    class Meta:
        model = Alert
        fields = ["id", "workout", "reason", "level", "message", "created_at", "acknowledged_at", "resolved_at"]
        read_only_fields = fields

    def get_level(self, alert) -> str:
        return Level(alert.level).code


class PlanStepSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    detail = serializers.CharField()


class PlanSerializer(serializers.Serializer):
    day = serializers.IntegerField()
    steps = PlanStepSerializer(many=True)


class RecoverySerializer(serializers.Serializer):
    workout = serializers.UUIDField()
    performed_on = serializers.DateField()
    day = serializers.IntegerField(help_text="Today's day index (your local today minus performed_on).")
    level = serializers.ChoiceField(choices=LEVEL_CODES)
    reasons = serializers.ListField(child=serializers.ChoiceField(choices=REASON_CODES))
    message = serializers.CharField()
    open = serializers.BooleanField(help_text="Whether the recovery episode is open.")
    episode_opened_on = serializers.DateField(allow_null=True)
    episode_closed_on = serializers.DateField(allow_null=True)
    plan = PlanSerializer()
