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


class TriageSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=LEVEL_CODES)
    reasons = serializers.ListField(child=serializers.ChoiceField(choices=REASON_CODES))
    message = serializers.CharField(allow_blank=True)
