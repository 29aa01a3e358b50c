from rest_framework import serializers

from clinic.models import Access, AccessLogEntry, CareLink
from clinic.services import RESOLUTION_NOTE_MAX_LENGTH
from config.fields import RejectUnknownFieldsMixin, StrictCharField
from recovery.api.serializers import AlertSerializer


class InvitationSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True, help_text="8 characters; the patient enters it within 7 days.")
    expires_at = serializers.DateTimeField(read_only=True)


class CodeSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    code = StrictCharField(max_length=32, help_text="The physiotherapist's invitation code (any case; spaces ignored).")


class CareLinkSerializer(serializers.ModelSerializer):
    physio = serializers.CharField(
        source="physio.username", read_only=True, help_text="The physiotherapist's username."
    )
    physio_name = serializers.SerializerMethodField()
    active = serializers.BooleanField(read_only=True)

    class Meta:
        model = CareLink
        fields = ["id", "physio", "physio_name", "created_at", "revoked_at", "active"]
        read_only_fields = fields

    def get_physio_name(self, link) -> str:
        return link.physio.get_full_name()


class AccessLogEntrySerializer(serializers.ModelSerializer):
    physio = serializers.CharField(source="physio_username", read_only=True, help_text="Who read.")
    what = serializers.ChoiceField(choices=Access.choices, read_only=True)
    description = serializers.CharField(source="get_what_display", read_only=True, help_text="What, in words.")

    class Meta:
        model = AccessLogEntry
        fields = ["id", "physio", "what", "description", "path", "at"]
        read_only_fields = fields


class ResolveSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    note = StrictCharField(
        required=False, allow_blank=True, max_length=RESOLUTION_NOTE_MAX_LENGTH, help_text="Why, or what was done."
    )


class ClinicAlertSerializer(AlertSerializer):
    resolved_by = serializers.CharField(source="resolved_by.username", read_only=True, allow_null=True, default=None)

    class Meta(AlertSerializer.Meta):
        fields = [*AlertSerializer.Meta.fields, "resolved_by", "resolution_note"]
        read_only_fields = fields
