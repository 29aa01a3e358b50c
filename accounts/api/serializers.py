from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from accounts.models import User, validate_timezone
from config.fields import RejectUnknownFieldsMixin, StrictCharField, StrictTimeField


def _timezone(value):
    try:
        validate_timezone(value)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.messages) from None
    return value


class RegisterSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = StrictCharField(
        max_length=150,
        validators=[
            UnicodeUsernameValidator(),
            UniqueValidator(User.objects.all(), message="That username is taken.", lookup="iexact"),
        ],
    )
    password = StrictCharField(write_only=True, max_length=128, trim_whitespace=False, style={"input_type": "password"})
    email = serializers.EmailField(required=False, allow_blank=True, write_only=True)
    timezone = StrictCharField(required=False, max_length=64, write_only=True, help_text="IANA time zone.")
    token = serializers.CharField(read_only=True)

    def validate_timezone(self, value):
        return _timezone(value)

    def validate(self, attrs):
        candidate = User(username=attrs["username"], email=attrs.get("email", ""))
        try:
            password_validation.validate_password(attrs["password"], candidate)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"password": exc.messages}) from None
        return attrs

    def create(self, validated_data):
        return User.objects.create_user(
            username=validated_data["username"],
            password=validated_data["password"],
            email=validated_data.get("email", ""),
            timezone=validated_data.get("timezone", "UTC"),
        )


class TokenRequestSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    username = StrictCharField(max_length=150)
    password = StrictCharField(max_length=128, trim_whitespace=False, write_only=True, style={"input_type": "password"})

    def validate(self, attrs):
        user = authenticate(self.context["request"], username=attrs["username"], password=attrs["password"])
        if user is None:
            raise serializers.ValidationError(
                {"non_field_errors": ["Unable to log in with that username and password."]}, code="authorization"
            )
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)
    expires_at = serializers.DateTimeField(read_only=True, allow_null=True)


class SessionUserSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)


class MeSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer):
    timezone = StrictCharField(max_length=64, required=False, help_text="IANA time zone, e.g. Europe/Berlin.")
    reminder_time = StrictTimeField(required=False, help_text="Local time of the daily reminder, HH:MM.")
    quiet_hours_start = StrictTimeField(required=False, allow_null=True)
    quiet_hours_end = StrictTimeField(required=False, allow_null=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "email",
            "timezone",
            "reminder_time",
            "quiet_hours_start",
            "quiet_hours_end",
            "is_physio",
        ]
        read_only_fields = ["id", "username", "email", "is_physio"]

    def validate_timezone(self, value):
        return _timezone(value)

    def validate(self, attrs):
        start = attrs.get("quiet_hours_start", self.instance.quiet_hours_start)
        end = attrs.get("quiet_hours_end", self.instance.quiet_hours_end)
        if (start is None) != (end is None):
            missing = "quiet_hours_end" if end is None else "quiet_hours_start"
            raise serializers.ValidationError(
                {missing: ["Set both quiet_hours_start and quiet_hours_end, or neither."]}
            )
        if start is not None and start == end:
            raise serializers.ValidationError({"quiet_hours_end": ["Quiet hours must not start and end at once."]})
        return attrs
