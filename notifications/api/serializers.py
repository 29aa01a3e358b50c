from rest_framework import serializers

from config.fields import RejectUnknownFieldsMixin, StrictCharField
from notifications.models import Kind, Notification, PushSubscription, Urgency
from notifications.subscriptions import auth_valid, endpoint_allowed, p256dh_valid


class PublicKeySerializer(serializers.Serializer):
    public_key = serializers.CharField(
        help_text="The server's VAPID public key, URL-safe base64: applicationServerKey."
    )


class SubscriptionKeysSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    p256dh = StrictCharField(max_length=100, help_text="The browser's P-256 public key, URL-safe base64.")
    auth = StrictCharField(max_length=32, help_text="The browser's 16-byte auth secret, URL-safe base64.")

    def validate_p256dh(self, value):
        if not p256dh_valid(value):
            raise serializers.ValidationError("Must be a P-256 public key: 65 bytes in URL-safe base64.")
        return value

    def validate_auth(self, value):
        if not auth_valid(value):
            raise serializers.ValidationError("Must be a 16-byte auth secret in URL-safe base64.")
        return value


class SubscriptionSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    """A browser's PushSubscription.toJSON()."""

    endpoint = StrictCharField(max_length=2048, help_text="The push service URL the browser was given.")
    expirationTime = serializers.FloatField(
        required=False, allow_null=True, write_only=True, help_text="Sent by browsers; not used."
    )
    keys = SubscriptionKeysSerializer(write_only=True)

    def validate_endpoint(self, value):
        if not endpoint_allowed(value):
            raise serializers.ValidationError("Must be an https URL of a known push service.")
        return value


class UnsubscribeSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    endpoint = StrictCharField(max_length=2048)


class SubscriptionOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = PushSubscription
        fields = ["id", "endpoint", "created_at", "updated_at"]
        read_only_fields = fields


class NotificationSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=Kind.choices, read_only=True)
    urgency = serializers.ChoiceField(choices=Urgency.choices, read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "urgency", "alert", "created_at", "read_at"]
        read_only_fields = fields


class ReadAllSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notifications this call marked read.")
    unread = serializers.IntegerField()
