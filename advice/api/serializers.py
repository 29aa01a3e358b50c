from rest_framework import serializers

from recovery.levels import LEVEL_CODES, REASON_CODES


class PlanStepSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable step code, e.g. cold_pack, heat, core_work, see_doctor.")
    title = serializers.CharField()
    detail = serializers.CharField(help_text="How to do it: how long, how often, what to avoid.")
    timing = serializers.CharField(allow_blank=True)
    condition = serializers.CharField(
        allow_blank=True, help_text="For days ahead: when the step applies, e.g. 'when your pain is 2 or less'."
    )


class PlanDaySerializer(serializers.Serializer):
    day = serializers.IntegerField()
    steps = PlanStepSerializer(many=True)


class TipSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    detail = serializers.CharField()
    because = serializers.CharField(help_text="The fact from your own training that triggered the tip.")


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
    plan = PlanDaySerializer(help_text="Today's steps, in order.")
    prevention = TipSerializer(many=True, help_text="Tips tied to likely causes in your own training.")
